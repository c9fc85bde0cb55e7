// An embedded S3 API server (s3rver) on loopback, in a temporary directory: the default store of
// `run`/`validate --transport s3` when no --s3-endpoint is given, and the store every test uses.
// It is a real S3 API over HTTP (SigV4 requests, XML listings, 404s), so the code that talks to it is
// the code that talks to Amazon S3. `.ci/run` needs nothing extra: s3rver is an npm dependency and
// whoever needs the server starts it here, on a free port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
