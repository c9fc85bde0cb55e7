// An embedded S3 API server (s3rver) on loopback, in a temporary directory: the default store of
// `run`/`validate --transport s3` when no --s3-endpoint is given, and the store every test uses.
// It is a real S3 API over HTTP (SigV4 requests, XML listings, 404s), so the code that talks to it is
// the code that talks to Amazon S3. `.ci/run` needs nothing extra: s3rver is an npm dependency and
// whoever needs the server starts it here, on a free port.
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3rver from 's3rver';

export const EMBEDDED_DEFAULTS = {
  address: '127.0.0.1',
  /** The bucket created at start (s3rver needs bucket names of 3+ characters). */
  bucket: 'trainplan',
};

export interface EmbeddedS3 {
  /** e.g. http://127.0.0.1:41075 */
  endpoint: string;
  port: number;
  /** Where the objects live; kept by stop() when the caller chose it (so a restart finds them). */
  directory: string;
  bucket: string;
  /** Stops listening and drops open connections (clients see the server gone at once). */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Default: a free port. Give the port of a stopped server to restart it. */
  port?: number;
  /** Default: a fresh temporary directory, removed by stop(). */
  directory?: string;
  /** Buckets to create at start (default: EMBEDDED_DEFAULTS.bucket). */
  buckets?: string[];
}

/** The parts of s3rver's FilesystemStore (lib/stores/filesystem.js) the atomic PUT below uses. */
interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: unknown, md5: string): Promise<void>;
  putObject(object: { bucket: string; key: string; content: Readable | Buffer; metadata: unknown }): Promise<{ size: number; md5: string }>;
}
type StoreClass = new (directory: string) => FilesystemStore;

let uploads = 0;

/**
 * s3rver's store with S3's visibility rule: an object appears whole or not at all. s3rver writes
 * the object's file in place (a GET during the PUT serves the part written so far, and hashes it
 * for an ETag); here the bytes go to a file beside it, the metadata is written, and a rename makes
 * the object appear. Readers polling for an object that is being written see 404s, as on S3.
 */
function atomicStore(): StoreClass {
  const Base = require('s3rver/lib/stores/filesystem') as StoreClass;
  return class AtomicFilesystemStore extends Base {
    override async putObject(object: { bucket: string; key: string; content: Readable | Buffer; metadata: unknown }): Promise<{ size: number; md5: string }> {
      const path = this.getResourcePath(object.bucket, object.key, 'object');
      await mkdir(dirname(path), { recursive: true });
      // Not ending in "._S3rver_object": listings skip it.
      const tmp = `${path}.${process.pid}-${uploads++}.uploading`;
      const md5 = createHash('md5');
      let size = 0;
      try {
        const body = Buffer.isBuffer(object.content) ? [object.content] : object.content;
        await pipeline(body as AsyncIterable<Buffer>, async function* (chunks: AsyncIterable<Buffer>) {
          for await (const c of chunks) {
            md5.update(c);
            size += c.length;
            yield c;
          }
        }, createWriteStream(tmp));
        const digest = md5.digest('hex');
        await this.putMetadata(object.bucket, object.key, object.metadata, digest);
        await rename(tmp, path);
        return { size, md5: digest };
      } catch (e) {
        await unlink(tmp).catch(() => undefined);
        throw e;
      }
    }
  };
}

export async function startEmbeddedS3(o: EmbeddedOptions = {}): Promise<EmbeddedS3> {
  const ours = o.directory === undefined;
  const directory = o.directory ?? mkdtempSync(join(tmpdir(), 'trainplan-s3-'));
  const buckets = o.buckets ?? [EMBEDDED_DEFAULTS.bucket];
  const server = new S3rver({
    address: EMBEDDED_DEFAULTS.address, port: o.port ?? 0, silent: true, directory,
    configureBuckets: buckets.map((name) => ({ name })),
    // Path-style requests only (http://host:port/bucket/key): no DNS names per bucket on loopback.
    vhostBuckets: false,
  });
  const store = new (atomicStore())(directory);
  (server as unknown as { store: FilesystemStore; context: { store: FilesystemStore } }).store = store;
  (server as unknown as { context: { store: FilesystemStore } }).context.store = store;
  let address;
  try {
    address = await server.run();
  } catch (e) {
    if (ours) rmSync(directory, { recursive: true, force: true });
    throw new Error(`could not start the embedded S3 server${o.port ? ` on port ${o.port}` : ''}: ${(e as Error).message}`);
  }
  const http = server.httpServer!;
  // Idle keep-alive sockets would hold the server open (and keep a stopped server half alive).
  http.keepAliveTimeout = 1000;
  let stopped = false;
  return {
    endpoint: `http://${EMBEDDED_DEFAULTS.address}:${address.port}`,
    port: address.port,
    directory,
    bucket: buckets[0],
    async stop() {
      if (stopped) return;
      stopped = true;
      const closed = server.close();
      http.closeAllConnections();
      await closed;
      if (ours) rmSync(directory, { recursive: true, force: true });
    },
  };
}
