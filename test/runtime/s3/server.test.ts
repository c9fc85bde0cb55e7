// The embedded S3 server: a free port each, a temporary directory of its own (removed on stop), or
// the caller's directory (kept, so a restart on the same port serves the same objects).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedS3 } from '../../../runtime/s3/server';
import { S3ObjectStore } from '../../../runtime/s3/s3-objects';

test('two servers at once get their own free ports; stop removes a temporary directory', async () => {
  const [a, b] = await Promise.all([startEmbeddedS3(), startEmbeddedS3()]);
  expect(a.port).not.toBe(b.port);
  expect(a.endpoint).toBe(`http://127.0.0.1:${a.port}`);
  const sa = new S3ObjectStore({ endpoint: a.endpoint, bucket: a.bucket });
  await sa.put('k', new Uint8Array([1, 2, 3]));
  expect(Array.from((await sa.get('k'))!)).toEqual([1, 2, 3]);
  const sb = new S3ObjectStore({ endpoint: b.endpoint, bucket: b.bucket });
  expect(await sb.get('k')).toBeNull();
  sa.destroy();
  sb.destroy();
  await Promise.all([a.stop(), b.stop()]);
  expect(existsSync(a.directory)).toBe(false);
});

test('a server restarted on the same port and directory serves the same objects', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'trainplan-s3-server-'));
  const s = await startEmbeddedS3({ directory });
  const store = new S3ObjectStore({ endpoint: s.endpoint, bucket: s.bucket, retry: { totalSeconds: 5 } });
  await store.put('runs/x/a', new Uint8Array([7]));
  await s.stop();
  expect(existsSync(directory)).toBe(true);
  const again = await startEmbeddedS3({ directory, port: s.port });
  expect(Array.from((await store.get('runs/x/a'))!)).toEqual([7]);
  store.destroy();
  await again.stop();
  rmSync(directory, { recursive: true, force: true });
});

test('a bucket missing from a server is created when the config allows it, and named when not', async () => {
  const s = await startEmbeddedS3();
  const no = new S3ObjectStore({ endpoint: s.endpoint, bucket: 'elsewhere' });
  await expect(no.put('a', new Uint8Array(1))).rejects.toThrow(`S3 endpoint ${s.endpoint}: HEAD bucket elsewhere failed: bucket elsewhere does not exist`);
  const yes = new S3ObjectStore({ endpoint: s.endpoint, bucket: 'elsewhere', createBucket: true });
  await yes.put('a', new Uint8Array(1));
  expect(await yes.list('')).toEqual(['a']);
  no.destroy();
  yes.destroy();
  await s.stop();
});
