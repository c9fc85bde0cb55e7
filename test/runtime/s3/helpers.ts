// Shared by the S3 tests: an embedded server per test file, and every worker's end of an s3 transport.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedS3, EmbeddedS3 } from '../../../runtime/s3/server';
import { S3Transport, s3Setup } from '../../../runtime/transports/s3';
import type { TransportSpec } from '../../../runtime/transports';

/** Starts a server before the file's tests and stops it after them; `server()` is the running one. */
export function embeddedServer(o: { ownDirectory?: boolean } = {}): { server(): EmbeddedS3; directory?: string } {
  const directory = o.ownDirectory ? mkdtempSync(join(tmpdir(), 'trainplan-s3-test-')) : undefined;
  let s: EmbeddedS3 | undefined;
  beforeAll(async () => {
    s = await startEmbeddedS3({ directory });
  });
  afterAll(async () => {
    await s?.stop();
  });
  return { server: () => s!, directory };
}

/** All ends of one run's s3 transport, in this thread. */
export function s3Group(endpoint: string, workers: number, spec: Partial<TransportSpec> = {}): S3Transport[] {
  const setup = s3Setup({ kind: 's3', endpoint, ...spec });
  return Array.from({ length: workers }, (_, r) => new S3Transport(setup, r, workers));
}

export function randomFloats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = ((x >>> 0) / 2 ** 32 - 0.5) * 4;
  }
  return out;
}
