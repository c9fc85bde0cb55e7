// s3-allreduce, as LambdaML's "AllReduce" through S3 (Jiang et al., SIGMOD 2021, §3.2): every
// worker but 0 publishes its vector; worker 0 reads them, sums, publishes the sum; the others read
// it. Requests per step: N−1 PUTs and N−1 GETs at worker 0, then 1 PUT and N−1 GETs — what the
// simulator charges (simulator/collectives/s3.ts). The sum is taken in rank order, so every run of a
// plan gives the same bits.
import type { Board } from './board';
import { addInto } from './chunks';
import { bytesOf, floatsOf } from '../transports/transport';

/** Sums `data` over all workers of the board, in place. */
export async function s3AllReduce(b: Board, data: Float32Array, tag: string): Promise<void> {
  if (b.size === 1) return;
  if (b.rank !== 0) {
    await b.publish(`${tag}/grad/${b.rank}`, bytesOf(data));
    data.set(floatsOf(await b.read(`${tag}/sum`)));
    return;
  }
  // All reads start together; the sums follow rank order as they complete.
  const reads = Array.from({ length: b.size - 1 }, (_, i) => b.read(`${tag}/grad/${i + 1}`));
  for (const r of reads) addInto(data, floatsOf(await r));
  await b.publish(`${tag}/sum`, bytesOf(data));
}
