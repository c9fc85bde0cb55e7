// The collectives compute what their names say, for any number of workers and sizes.
import fc from 'fast-check';
import { allGatherV, allReduceBy, reduceScatterV, broadcastRecv, broadcastSend, ringAllReduce, ringReduceScatter, ringAllGather, ownedChunk, rankOrderRing, groupRing } from '../../../runtime/collectives';
import { memoryGroup } from '../helpers';

const vec = (n: number, r: number) => Float32Array.from({ length: n }, (_, i) => (i % 7) + r * 0.5);

test('ring all-reduce leaves the element-wise sum on every worker', async () => {
  await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 300 }), async (k, n) => {
    const ts = memoryGroup(k, 1 << 12);
    const data = ts.map((_, r) => vec(n, r));
    const expected = Array.from({ length: n }, (_, i) => data.reduce((a, d) => a + d[i], 0));
    await Promise.all(ts.map((t, r) => ringAllReduce(t, rankOrderRing(r, k), data[r], 'ar')));
    for (const d of data) Array.from(d).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
  }), { numRuns: 25 });
});

test('each ring all-reduce step sends 1/K of the data: 2(K−1)/K of it in all', async () => {
  const k = 4;
  const n = 4000;
  const ts = memoryGroup(k);
  await Promise.all(ts.map((t, r) => ringAllReduce(t, rankOrderRing(r, k), vec(n, r), 'ar')));
  for (const t of ts) expect(t.stats().bytesSent).toBe((2 * (k - 1) * n * 4) / k);
});

test('all-gather returns every worker\'s piece, pieces of different lengths included', async () => {
  const ts = memoryGroup(3);
  const mine = ts.map((_, r) => vec(r + 2, r));
  const got = await Promise.all(ts.map((t, r) => allGatherV(t, mine[r], 'ag')));
  for (const g of got) g.forEach((p, q) => expect(Array.from(p)).toEqual(Array.from(mine[q])));
});

test('reduce-scatter gives each worker the sum of its piece; empty pieces are skipped', async () => {
  const k = 3;
  const ts = memoryGroup(k);
  const len = [2, 0, 3];
  const pieces = ts.map((_, r) => len.map((n, o) => vec(n, r + o)));
  const got = await Promise.all(ts.map((t, r) => reduceScatterV(t, pieces[r], 'rs')));
  got.forEach((g, o) => expect(Array.from(g)).toEqual(Array.from({ length: len[o] }, (_, i) => pieces.reduce((a, p) => a + p[o][i], 0))));
});

test('broadcast reaches every other worker', async () => {
  const ts = memoryGroup(3);
  const data = vec(5, 9);
  const [, ...got] = await Promise.all([broadcastSend(ts[1], data, 'b').then(() => null), broadcastRecv(ts[0], 1, 'b'), broadcastRecv(ts[2], 1, 'b')]);
  for (const g of got) expect(Array.from(g!)).toEqual(Array.from(data));
});

test('ring reduce-scatter leaves each worker the sum of its own chunk; ring all-gather fills the rest from the owners', async () => {
  await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 300 }), async (k, n) => {
    const ts = memoryGroup(k, 1 << 12);
    const data = ts.map((_, r) => vec(n, r));
    const expected = Array.from({ length: n }, (_, i) => data.reduce((a, d) => a + d[i], 0));
    const rings = ts.map((_, r) => rankOrderRing(r, k));
    await Promise.all(ts.map((t, r) => ringReduceScatter(t, rings[r], data[r], 'rs')));
    data.forEach((d, r) => {
      const [a, b] = ownedChunk(n, rings[r]);
      for (let i = a; i < b; i++) expect(d[i]).toBeCloseTo(expected[i], 4);
    });
    await Promise.all(ts.map((t, r) => ringAllGather(t, rings[r], data[r], 'ag')));
    // Everyone now holds the owners' sums, bit for bit the same everywhere.
    for (const d of data) expect(Array.from(d)).toEqual(Array.from(data[0]));
    Array.from(data[0]).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
  }), { numRuns: 25 });
});

test('a group ring runs a collective among some workers of a larger run (bytes sent = bytes received)', async () => {
  const ts = memoryGroup(4);
  const members = [1, 3];
  const data = members.map((r) => vec(10, r));
  await Promise.all(members.map((r, i) => ringAllReduce(ts[r], groupRing(members, r), data[i], 'g')));
  expect(Array.from(data[0])).toEqual(Array.from(data[1]));
  Array.from(data[0]).forEach((v, i) => expect(v).toBeCloseTo(vec(10, 1)[i] + vec(10, 3)[i], 5));
  expect(ts[1].stats().bytesSent + ts[3].stats().bytesSent).toBe(2 * 2 * 10 * 4 / 2);
  expect(ts[0].stats().bytesSent + ts[2].stats().bytesSent).toBe(0);
});

describe.each([['tree-allreduce'], ['parameter-server']] as const)('%s (as the simulator charges it)', (sync) => {
  test('leaves the element-wise sum on every worker', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 300 }), async (k, n) => {
      const ts = memoryGroup(k, 1 << 12);
      const data = ts.map((_, r) => vec(n, r));
      const expected = Array.from({ length: n }, (_, i) => data.reduce((a, d) => a + d[i], 0));
      await Promise.all(ts.map((t, r) => allReduceBy(sync, t, rankOrderRing(r, k), data[r], 'x')));
      for (const d of data) Array.from(d).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    }), { numRuns: 25 });
  });
});

test('tree all-reduce: each non-root sends the whole vector up once; parents send it down to each child', async () => {
  const k = 5; // positions 1, 3 send in round 0, 2 in round 1, 4 in round 2; children: 0→{1,2,4}, 2→{3}
  const n = 100;
  const ts = memoryGroup(k);
  await Promise.all(ts.map((t, r) => allReduceBy('tree-allreduce', t, rankOrderRing(r, k), vec(n, r), 't')));
  expect(ts.map((t) => t.stats().bytesSent / (n * 4))).toEqual([3, 1, 2, 1, 1]);
});

test('parameter server: every worker pushes and pulls (K−1)/K of the data', async () => {
  const k = 4;
  const n = 4000;
  const ts = memoryGroup(k);
  await Promise.all(ts.map((t, r) => allReduceBy('parameter-server', t, rankOrderRing(r, k), vec(n, r), 'ps')));
  for (const t of ts) expect(t.stats().bytesSent).toBe((2 * (k - 1) * n * 4) / k);
});
