// The s3 transport against a real S3 API server on loopback (s3rver): bytes arrive intact, runs in
// one bucket stay apart, a run deletes only its own objects, and a store that goes away is retried,
// then reported clearly — or ridden out when it comes back in time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3ObjectStore } from '../../../runtime/s3/s3-objects';
import { startEmbeddedS3 } from '../../../runtime/s3/server';
import { S3Unreachable } from '../../../runtime/s3/errors';
import { runPrefix, S3Transport } from '../../../runtime/transports/s3';
import { transportKind } from '../../../runtime/transports';
import { embeddedServer, s3Group } from '../s3/helpers';

const srv = embeddedServer();

function pattern(n: number, salt: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + salt * 7 + (i >> 8)) & 255;
  return b;
}

test('the s3 transport is registered by name', () => {
  expect(transportKind('s3')?.name).toBe('s3');
});

test('bytes in = bytes out through the embedded server, whatever their size, 8-byte aligned', async () => {
  const [a, b] = s3Group(srv.server().endpoint, 2);
  const sizes = [0, 1, 7, 8, 4096, (1 << 20) + 3];
  await Promise.all(sizes.map((n, i) => a.send(1, `t/${i}`, pattern(n, i))));
  for (const [i, n] of sizes.entries()) {
    const got = await b.recv(0, `t/${i}`);
    expect(got.byteOffset % 8).toBe(0);
    expect(Buffer.from(got).equals(Buffer.from(pattern(n, i)))).toBe(true);
  }
  // A receive may also come first: it polls until the object is there.
  const late = b.recv(0, 'late');
  await new Promise((r) => setTimeout(r, 50));
  await a.send(1, 'late', pattern(100, 9));
  expect(Buffer.from(await late).equals(Buffer.from(pattern(100, 9)))).toBe(true);

  const s = a.stats();
  expect(s.messagesSent).toBe(sizes.length + 1);
  expect(s.puts).toBe(sizes.length + 1);
  expect(s.bytesSent).toBe(sizes.reduce((x, y) => x + y, 0) + 100);
  const r = b.stats();
  expect(r.gets).toBe(sizes.length + 1);
  expect(r.misses).toBeGreaterThan(0); // the late receive polled
  expect(r.bytesReceived).toBe(s.bytesSent);
  await Promise.all([a.close(), b.close()]);
});

test('two runs in one bucket never collide, and closing one deletes only its own objects', async () => {
  const endpoint = srv.server().endpoint;
  const runA = s3Group(endpoint, 2);
  const runB = s3Group(endpoint, 2);
  expect(runA[0].runId).not.toBe(runB[0].runId);
  // Same tags, same ranks, different contents.
  await Promise.all([runA[0].send(1, 'g', pattern(64, 1)), runB[0].send(1, 'g', pattern(64, 2)), runB[1].send(0, 'unread', pattern(32, 3))]);
  expect(Buffer.from(await runA[1].recv(0, 'g')).equals(Buffer.from(pattern(64, 1)))).toBe(true);
  expect(Buffer.from(await runB[1].recv(0, 'g')).equals(Buffer.from(pattern(64, 2)))).toBe(true);

  const store = new S3ObjectStore({ endpoint, bucket: 'trainplan' });
  const before = await store.list(runPrefix(runB[0].runId));
  expect(before.length).toBe(2);
  await Promise.all(runA.map((t) => t.close()));
  expect(await store.list(runPrefix(runA[0].runId))).toEqual([]);
  expect((await store.list(runPrefix(runB[0].runId))).sort()).toEqual(before.sort());
  await Promise.all(runB.map((t) => t.close()));
  expect(await store.list(runPrefix(runB[0].runId))).toEqual([]);
  store.destroy();
});

describe('faults', () => {
  test('a store stopped mid-run: retries, then one clear error; another run\'s objects are untouched', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'trainplan-s3-faults-'));
    const s = await startEmbeddedS3({ directory });
    const other = s3Group(s.endpoint, 2);
    await other[0].send(1, 'kept', pattern(1000, 4));
    const run = s3Group(s.endpoint, 2, { retry: { totalSeconds: 1, firstDelaySeconds: 0.02, maxDelaySeconds: 0.2 } });
    await run[0].send(1, 's0/g', pattern(100, 5));
    expect((await run[1].recv(0, 's0/g')).byteLength).toBe(100);

    await s.stop();
    const err = await run[0].send(1, 's1/g', pattern(100, 6)).catch((e: Error) => e);
    expect(err).toBeInstanceOf(S3Unreachable);
    const msg = (err as Error).message;
    expect(msg).toContain(`S3 endpoint ${s.endpoint} unreachable after`);
    expect(msg).toMatch(/after \d+ attempts over \d+\.\d s \(PUT runs\/[^ ]+\/s1\/g\/0-1\)/);
    expect((err as S3Unreachable).attempts).toBeGreaterThan(1);
    expect(run[0].stats().retries).toBeGreaterThan(0);

    // The server comes back on the same port and directory: the other run's objects are all there.
    const back = await startEmbeddedS3({ port: s.port, directory: s.directory });
    expect(Buffer.from(await other[1].recv(0, 'kept')).equals(Buffer.from(pattern(1000, 4)))).toBe(true);
    await Promise.all([...other, ...run].map((t) => t.close()));
    await back.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  test('a store restarted in time: the operation completes', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'trainplan-s3-restart-'));
    const s = await startEmbeddedS3({ directory });
    const [a, b] = s3Group(s.endpoint, 2, { retry: { totalSeconds: 20, firstDelaySeconds: 0.02, maxDelaySeconds: 0.2 } });
    await a.send(1, 'before', pattern(10, 1));
    await s.stop();
    // Both a send and a waiting receive are in flight while the store is down.
    const sent = a.send(1, 'during', pattern(5000, 2));
    const got = b.recv(0, 'during');
    await new Promise((r) => setTimeout(r, 400));
    const back = await startEmbeddedS3({ port: s.port, directory });
    await sent;
    expect(Buffer.from(await got).equals(Buffer.from(pattern(5000, 2)))).toBe(true);
    expect(Buffer.from(await b.recv(0, 'before')).equals(Buffer.from(pattern(10, 1)))).toBe(true);
    expect(a.stats().retries + b.stats().retries).toBeGreaterThan(0);
    await Promise.all([a.close(), b.close()]);
    await back.stop();
    rmSync(directory, { recursive: true, force: true });
  });
});

test('a transport refuses to send after close', async () => {
  const [a] = s3Group(srv.server().endpoint, 1);
  await a.close();
  await expect(a.send(0, 'x', new Uint8Array(1))).rejects.toThrow('closed');
  expect(a).toBeInstanceOf(S3Transport);
});
