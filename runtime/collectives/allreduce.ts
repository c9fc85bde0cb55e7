// Ring all-reduce (Patarasuk & Yuan 2009, "Bandwidth optimal all-reduce algorithms for clusters of
// workstations"): a reduce-scatter then an all-gather around the ring, K−1 steps each, every worker
// sending 2(K−1)/K of the data in all — the cost the simulator charges: 2(N−1)/N · S/B + 2(N−1)·α.
import type { Transport } from '../transports/transport';
import { bytesOf, floatsOf } from '../transports/transport';
import { addInto, chunkBounds } from './chunks';
import type { Ring } from './ring';

/** Sums `data` over all workers of the ring, in place. */
export async function ringAllReduce(t: Transport, ring: Ring, data: Float32Array, tag: string): Promise<void> {
  const k = ring.size;
  if (k === 1) return;
  const chunk = (i: number) => {
    const [a, b] = chunkBounds(data.length, k, ((i % k) + k) % k);
    return data.subarray(a, b);
  };
  for (let s = 0; s < k - 1; s++) {
    const [, got] = await Promise.all([
      t.send(ring.right, `${tag}/rs${s}`, bytesOf(chunk(ring.rank - s))),
      t.recv(ring.left, `${tag}/rs${s}`),
    ]);
    addInto(chunk(ring.rank - s - 1), floatsOf(got));
    t.release?.(got);
  }
  for (let s = 0; s < k - 1; s++) {
    const [, got] = await Promise.all([
      t.send(ring.right, `${tag}/ag${s}`, bytesOf(chunk(ring.rank + 1 - s))),
      t.recv(ring.left, `${tag}/ag${s}`),
    ]);
    chunk(ring.rank - s).set(floatsOf(got));
    t.release?.(got);
  }
}
