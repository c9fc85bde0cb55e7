// The store side of issue 15 on a real s3rver: keys that would leave the server's directory are
// refused; a run's server accepts only its own random credentials; a 403 names the credentials used
// and never their secret; a run's cleanup outlasts an outage longer than 2 s.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Failure } from '../../../runtime/s3/errors';
import { S3ObjectStore } from '../../../runtime/s3/s3-objects';
import { startEmbeddedS3 } from '../../../runtime/s3/server';
import { openStoreSession } from '../../../runtime/s3/session';
import { runPrefix, s3Setup } from '../../../runtime/transports/s3';

test.each([
  '../../../../escape-%s',
  'runs/../../../escape-%s',
  'a/../../escape-%s',
  '../other-bucket/escape-%s', // into a neighbouring bucket's directory
])('a key like %p that would leave the bucket is refused (400), and nothing is written outside', async (pattern) => {
  const root = mkdtempSync(join(tmpdir(), 'trainplan-traversal-'));
  const directory = join(root, 'a', 'b', 'c', 'd', 'server');
  const s = await startEmbeddedS3({ directory });
  const store = new S3ObjectStore({ endpoint: s.endpoint, bucket: s.bucket, retry: { totalSeconds: 2 } });
  const name = `${Date.now()}`;
  const key = pattern.replace('%s', name);
  try {
    const err = await store.put(key, new Uint8Array([1, 2, 3])).catch((e: Error) => e);
    expect(err).toBeInstanceOf(S3Failure);
    expect((err as Error).message).toMatch(/InvalidArgument|HTTP 400/);
    // Nothing anywhere under the root outside the server's bucket directory, and nothing in tmp.
    const outside = readdirSync(root, { recursive: true }).map(String).filter((f) => f.includes('escape'));
    expect(outside).toEqual([]);
    expect(existsSync(join(tmpdir(), `escape-${name}._S3rver_object`))).toBe(false);
    expect(await store.get(key).catch((e: Error) => e)).toBeInstanceOf(S3Failure);
  } finally {
    store.destroy();
    await s.stop();
    rmSync(root, { recursive: true, force: true });
  }
});

test("a run's server accepts only its own random credentials: s3rver's well-known ones get 403, named without their secret", async () => {
  const s = await startEmbeddedS3({ private: true });
  expect(s.credentials.accessKeyId).not.toBe('S3RVER');
  const own = new S3ObjectStore({ endpoint: s.endpoint, bucket: s.bucket, credentials: s.credentials });
  const wellKnown = new S3ObjectStore({ endpoint: s.endpoint, bucket: s.bucket, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER-secret' } });
  try {
    await own.put('k', new Uint8Array([7]));
    expect(Array.from((await own.get('k'))!)).toEqual([7]);
    const err = (await wellKnown.get('k').catch((e: Error) => e)) as Error;
    expect(err).toBeInstanceOf(S3Failure);
    expect(err.message).toContain('access denied (HTTP 403, AccessDenied) to ');
    expect(err.message).toContain('the credentials given for this store (access key id S3RVER)');
    expect(err.message).not.toContain('S3RVER-secret');
  } finally {
    own.destroy();
    wellKnown.destroy();
    await s.stop();
  }
});

test('a 403 with keys from the environment says so, with the key id shortened and no secret', async () => {
  const s = await startEmbeddedS3({ private: true });
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLEKEY123456';
  process.env.AWS_SECRET_ACCESS_KEY = 'very-secret-value';
  const store = new S3ObjectStore({ endpoint: s.endpoint, bucket: s.bucket });
  try {
    const err = (await store.put('k', new Uint8Array(1)).catch((e: Error) => e)) as Error;
    expect(err.message).toContain('access denied (HTTP 403) to AWS_ACCESS_KEY_ID from the environment (access key id AKIA…3456)');
    expect(err.message).not.toContain('very-secret-value');
  } finally {
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = saved.id;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    store.destroy();
    await s.stop();
  }
});

test("cleanup after an outage longer than 2 s waits for the store and deletes the run's objects", async () => {
  const directory = mkdtempSync(join(tmpdir(), 'trainplan-s3-outage-'));
  const s = await startEmbeddedS3({ directory });
  const session = await openStoreSession({ kind: 's3', endpoint: s.endpoint, retry: { totalSeconds: 20, firstDelaySeconds: 0.05, maxDelaySeconds: 0.5 } });
  const setup = s3Setup(session.spec);
  const store = new S3ObjectStore({ endpoint: s.endpoint, bucket: 'trainplan', retry: { totalSeconds: 20 } });
  try {
    for (let i = 0; i < 5; i++) await store.put(`${runPrefix(setup.runId)}g/${i}`, new Uint8Array(1000));
    await s.stop();
    const closing = session.close(setup);
    await new Promise((r) => setTimeout(r, 3000));
    const back = await startEmbeddedS3({ directory, port: s.port });
    expect(await closing).toBeUndefined();
    expect(await store.list(runPrefix(setup.runId))).toEqual([]);
    await back.stop();
  } finally {
    store.destroy();
    rmSync(directory, { recursive: true, force: true });
  }
});

test('an interrupted cleanup against a store that stays down gives up quickly and says what it left', async () => {
  const s = await startEmbeddedS3();
  const endpoint = s.endpoint;
  await s.stop();
  const session = await openStoreSession({ kind: 's3', endpoint });
  const setup = s3Setup(session.spec);
  const t0 = Date.now();
  const left = await session.close(setup, { quick: true });
  expect(left).toContain(`${endpoint}/trainplan/${runPrefix(setup.runId)}`);
  expect((Date.now() - t0) / 1000).toBeLessThan(15); // a hang would be minutes; the budget is 1.2 s
});
