// An embedded S3 API server (s3rver) on loopback, in a temporary directory: the default store of
// `run`/`validate --transport s3` when no --s3-endpoint is given, and the store every test uses.
// It is a real S3 API over HTTP (SigV4 requests, XML listings, 404s), so the code that talks to it is
// the code that talks to Amazon S3. `.ci/run` needs nothing extra: s3rver is an npm dependency and
// whoever needs the server starts it here, on a free port.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
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
  /** The credentials it accepts: fresh random ones with `private`, else s3rver's well-known S3RVER/S3RVER. */
  credentials: { accessKeyId: string; secretAccessKey: string };
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
  /**
   * Accept only fresh random credentials (the server of one run), not s3rver's well-known ones
   * that any local process could use. Tests that share a server leave it off.
   */
  private?: boolean;
}

/** The parts of s3rver's FilesystemStore (lib/stores/filesystem.js) the atomic PUT below uses. */
interface FilesystemStore {
  rootDirectory: string;
  putPart(bucket: string, uploadId: string, partNumber: number, content: unknown): Promise<unknown>;
  putObjectMultipart(bucket: string, uploadId: string, parts: unknown): Promise<unknown>;
  getBucketPath(bucket: string): string;
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: unknown, md5: string): Promise<void>;
  putObject(object: { bucket: string; key: string; content: Readable | Buffer; metadata: unknown }): Promise<{ size: number; md5: string }>;
}
type StoreClass = new (directory: string) => FilesystemStore;
type S3ErrorClass = new (code: string, message: string, detail?: Record<string, string>) => Error;

/**
 * s3rver joins bucket names and keys into paths unchecked: a key "../../../tmp/x" is written
 * outside its directory. Every path it makes goes through here; one that leaves the root is refused
 * with S3's 400 InvalidArgument (not a 500, which clients retry as a server fault).
 */
function confined(root: string, path: string, what: string): string {
  const base = resolve(root);
  const full = resolve(path);
  if (full !== base && !full.startsWith(base + sep)) {
    const S3Error = require('s3rver/lib/models/error') as S3ErrorClass;
    throw new S3Error('InvalidArgument', `${what} would leave the server's directory`, { ArgumentName: what });
  }
  return path;
}

let uploads = 0;

/** s3rver's documented default keys, accepted by every s3rver. */
const S3_WELL_KNOWN = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * s3rver's store with S3's visibility rule: an object appears whole or not at all. s3rver writes
 * the object's file in place (a GET during the PUT serves the part written so far, and hashes it
 * for an ETag); here the bytes go to a file beside it, the metadata is written, and a rename makes
 * the object appear. Readers polling for an object that is being written see 404s, as on S3.
 */
function atomicStore(): StoreClass {
  const Base = require('s3rver/lib/stores/filesystem') as StoreClass;
  return class AtomicFilesystemStore extends Base {
    override getBucketPath(bucket: string): string {
      return confined(this.rootDirectory, super.getBucketPath(bucket), 'bucket');
    }

    override getResourcePath(bucket: string, key: string, resource: string): string {
      // A key's path must stay inside its bucket's directory, not only inside the root.
      return confined(this.getBucketPath(bucket), super.getResourcePath(bucket, key, resource), 'key');
    }

    // Multipart uploads join the client's upload id into a path too.
    override putPart(bucket: string, uploadId: string, partNumber: number, content: unknown): Promise<unknown> {
      confined(this.getResourcePath(bucket, '', 'uploads'), join(this.getResourcePath(bucket, '', 'uploads'), String(uploadId), 'x'), 'uploadId');
      return super.putPart(bucket, uploadId, partNumber, content);
    }

    override putObjectMultipart(bucket: string, uploadId: string, parts: unknown): Promise<unknown> {
      confined(this.getResourcePath(bucket, '', 'uploads'), join(this.getResourcePath(bucket, '', 'uploads'), String(uploadId), 'x'), 'uploadId');
      return super.putObjectMultipart(bucket, uploadId, parts);
    }

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

/** The access key id a request was signed with (SigV4 header or presigned query; SigV2 header). */
function accessKeyOf(headers: Record<string, string | string[] | undefined>, query: Record<string, unknown>): string | undefined {
  const auth = String(headers.authorization ?? '');
  const v4 = /Credential=([^/,\s]+)/.exec(auth);
  if (v4) return v4[1];
  const v2 = /^AWS ([^:]+):/.exec(auth);
  if (v2) return v2[1];
  const q = query['X-Amz-Credential'] ?? query['AWSAccessKeyId'];
  return typeof q === 'string' ? q.split('/')[0] : undefined;
}

type Middleware = (ctx: { headers: Record<string, string | string[] | undefined>; query: Record<string, unknown>; status: number; body: unknown; set(h: string, v: string): void }, next: () => Promise<void>) => Promise<void>;

/**
 * Only requests made with this server's access key get through. s3rver itself accepts any key
 * registered in one process-wide table, which always holds its well-known S3RVER (and it does not
 * check SigV4 signatures at all), so the key id is what tells this run's workers from any other
 * local process; it is random per server and never printed.
 */
function onlyKey(accessKeyId: string): Middleware {
  return async (ctx, next) => {
    if (accessKeyOf(ctx.headers, ctx.query) !== accessKeyId) {
      ctx.status = 403;
      ctx.set('Content-Type', 'application/xml');
      ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';
      return;
    }
    await next();
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
  const credentials = o.private
    ? { accessKeyId: `TP${randomBytes(12).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(24).toString('base64url') }
    : S3_WELL_KNOWN;
  if (o.private) {
    const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void; revokeAccessKey(id: string): void } };
    DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
    // Koa composes its middleware when the server starts listening: this one runs first.
    (server as unknown as { middleware: Middleware[] }).middleware.unshift(onlyKey(credentials.accessKeyId));
  }
  const revoke = () => {
    if (!o.private) return;
    const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: { revokeAccessKey(id: string): void } };
    DUMMY_ACCOUNT.revokeAccessKey(credentials.accessKeyId);
  };
  const store = new (atomicStore())(directory);
  (server as unknown as { store: FilesystemStore; context: { store: FilesystemStore } }).store = store;
  (server as unknown as { context: { store: FilesystemStore } }).context.store = store;
  let address;
  try {
    address = await server.run();
  } catch (e) {
    revoke();
    if (ours) rmSync(directory, { recursive: true, force: true });
    throw new Error(`could not start the embedded S3 server${o.port ? ` on port ${o.port}` : ''}: ${(e as Error).message}`);
  }
  const http = server.httpServer!;
  // Requests still arriving while it stops would be logged to a closed logger, which prints a warning to stderr.
  (server as unknown as { logger: { silent: boolean } }).logger.silent = true;
  // Idle keep-alive sockets would hold the server open (and keep a stopped server half alive).
  http.keepAliveTimeout = 1000;
  let stopped = false;
  return {
    endpoint: `http://${EMBEDDED_DEFAULTS.address}:${address.port}`,
    port: address.port,
    directory,
    bucket: buckets[0],
    credentials,
    async stop() {
      if (stopped) return;
      stopped = true;
      const closed = server.close();
      http.closeAllConnections();
      await closed;
      revoke();
      if (ours) rmSync(directory, { recursive: true, force: true });
    },
  };
}
