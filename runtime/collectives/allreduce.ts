// Ring collectives (Patarasuk & Yuan 2009, "Bandwidth optimal all-reduce algorithms for clusters of
// workstations"). The vector is cut into K balanced chunks and worker i of the ring owns chunk i.
//   reduce-scatter: K−1 steps; afterwards each worker holds the sum of its own chunk.
//   all-gather:     K−1 steps; afterwards each worker holds every owner's chunk.
//   all-reduce:     the two in turn, every worker sending 2(K−1)/K of the data in all — the cost the
//                   simulator charges: 2(N−1)/N · S/B + 2(N−1)·α.
// ZeRO uses the first two on their own: gradients reduce-scattered onto the shard owners, weights
// all-gathered from them.
import type { Transport } from '../transports/transport';
import { bytesOf, floatsOf } from '../transports/transport';
import { addInto, chunkBounds } from './chunks';
import type { Ring } from './ring';

/** Chunk i (taken modulo K) of `data` cut into the ring's K balanced chunks. */
function chunkOf(data: Float32Array, k: number, i: number): Float32Array {
  const [a, b] = chunkBounds(data.length, k, ((i % k) + k) % k);
  return data.subarray(a, b);
}

/** The elements of `data` that ring position `rank` owns (its chunk), as [start, end). */
export function ownedChunk(length: number, ring: Ring, rank = ring.rank): [number, number] {
  return chunkBounds(length, ring.size, rank);
}

/**
 * Sums `data` over the ring into each worker's own chunk (ownedChunk), in place; the rest of `data`
 * is left holding partial sums. At step s a worker sends chunk rank−1−s and adds chunk rank−2−s, so
 * after K−1 steps the chunk it added last, its own, has every worker's contribution.
 */
export async function ringReduceScatter(t: Transport, ring: Ring, data: Float32Array, tag: string): Promise<void> {
  const k = ring.size;
  for (let s = 0; s < k - 1; s++) {
    const [, got] = await Promise.all([
      t.send(ring.right, `${tag}/rs${s}`, bytesOf(chunkOf(data, k, ring.rank - 1 - s))),
      t.recv(ring.left, `${tag}/rs${s}`),
    ]);
    addInto(chunkOf(data, k, ring.rank - 2 - s), floatsOf(got));
    t.release?.(got);
  }
}

/** Fills every chunk of `data` from its owner, each worker starting with its own chunk filled. */
export async function ringAllGather(t: Transport, ring: Ring, data: Float32Array, tag: string): Promise<void> {
  const k = ring.size;
  for (let s = 0; s < k - 1; s++) {
    const [, got] = await Promise.all([
      t.send(ring.right, `${tag}/ag${s}`, bytesOf(chunkOf(data, k, ring.rank - s))),
      t.recv(ring.left, `${tag}/ag${s}`),
    ]);
    chunkOf(data, k, ring.rank - 1 - s).set(floatsOf(got));
    t.release?.(got);
  }
}

/** Sums `data` over all workers of the ring, in place (every worker ends with the same bits). */
export async function ringAllReduce(t: Transport, ring: Ring, data: Float32Array, tag: string): Promise<void> {
  if (ring.size === 1) return;
  await ringReduceScatter(t, ring, data, tag);
  await ringAllGather(t, ring, data, tag);
}

/**
 * The element-wise maximum of `data` over the ring, in place: every worker's vector all-gathered
 * (K·n values, K−1 steps), then reduced locally — for short vectors such as the vocabulary-parallel
 * loss's row maxima.
 */
export async function ringAllReduceMax(t: Transport, ring: Ring, data: Float32Array, tag: string): Promise<void> {
  const k = ring.size;
  if (k === 1) return;
  const n = data.length;
  const all = new Float32Array(k * n);
  all.set(data, ring.rank * n);
  await ringAllGather(t, ring, all, tag);
  for (let r = 0; r < k; r++) for (let i = 0; i < n; i++) if (all[r * n + i] > data[i]) data[i] = all[r * n + i];
}
