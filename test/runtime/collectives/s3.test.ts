// The store-native synchronisations (s3-allreduce, s3-scatter-reduce) sum exactly what a plain sum
// in rank order gives, through a real S3 API server and on an in-memory board, with the request
// counts the simulator charges.
import fc from 'fast-check';
import type { Board } from '../../../runtime/collectives/board';
import { s3AllReduce } from '../../../runtime/collectives/s3-allreduce';
import { s3ScatterReduce } from '../../../runtime/collectives/s3-scatter-reduce';
import { embeddedServer, randomFloats, s3Group } from '../s3/helpers';

const srv = embeddedServer();
const collectives = { 's3-allreduce': s3AllReduce, 's3-scatter-reduce': s3ScatterReduce };

function plainSum(vs: Float32Array[]): Float32Array {
  const out = new Float32Array(vs[0]);
  for (let i = 1; i < vs.length; i++) for (let j = 0; j < out.length; j++) out[j] += vs[i][j];
  return out;
}

/** Every worker's end of a board kept in memory (reads wait for the publish). */
function memoryBoards(size: number): Board[] {
  const keys = new Map<string, { data?: Uint8Array; waiters: ((d: Uint8Array) => void)[] }>();
  const slot = (k: string) => keys.get(k) ?? (keys.set(k, { waiters: [] }), keys.get(k)!);
  return Array.from({ length: size }, (_, rank) => ({
    rank, size,
    async publish(k: string, d: Uint8Array) {
      const s = slot(k);
      if (s.data) throw new Error(`${k} published twice`);
      s.data = d.slice();
      s.waiters.splice(0).forEach((w) => w(s.data!));
      await new Promise((r) => setTimeout(r, 0));
    },
    read: (k: string) => new Promise<Uint8Array>((resolve) => {
      const s = slot(k);
      if (s.data) resolve(s.data.slice());
      else s.waiters.push((d) => resolve(d.slice()));
    }),
  }));
}

for (const [name, reduce] of Object.entries(collectives)) {
  test(`${name} through the embedded S3 server gives the plain sum, bit for bit`, async () => {
    const n = 3;
    const len = 1001; // not a multiple of 3: chunks of unequal length
    const inputs = Array.from({ length: n }, (_, r) => randomFloats(len, r + 1));
    const group = s3Group(srv.server().endpoint, n);
    const data = inputs.map((v) => new Float32Array(v));
    await Promise.all(group.map((t, r) => reduce(t, data[r], 's0/g')));
    const want = plainSum(inputs);
    for (const d of data) expect(Buffer.from(d.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    const stats = group.map((t) => t.stats());
    if (name === 's3-allreduce') {
      // Worker 0: N−1 GETs and 1 PUT; the others: 1 PUT and 1 GET.
      expect(stats.map((s) => [s.puts, s.gets])).toEqual([[1, n - 1], ...Array(n - 1).fill([1, 1])]);
    } else {
      // Everyone: N−1 chunk PUTs + 1 reduced PUT, N−1 chunk GETs + N−1 reduced GETs.
      for (const s of stats) expect([s.puts, s.gets]).toEqual([n, 2 * (n - 1)]);
    }
    await Promise.all(group.map((t) => t.close()));
  });

  test(`${name} on any number of workers and any length gives the plain sum`, async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 40 }), fc.integer(), async (n, len, seed) => {
      const inputs = Array.from({ length: n }, (_, r) => randomFloats(len, seed + r));
      const data = inputs.map((v) => new Float32Array(v));
      await Promise.all(memoryBoards(n).map((b, r) => reduce(b, data[r], 't')));
      const want = plainSum(inputs);
      for (const d of data) expect(Array.from(d)).toEqual(Array.from(want));
    }), { numRuns: 60 });
  });
}
