// s3-scatter-reduce, as LambdaML's "ScatterReduce" through S3 (Jiang et al., SIGMOD 2021, §3.2):
// worker j owns chunk j (1/N of the vector). Each worker publishes its N−1 other chunks, one per
// owner; each owner reads the N−1 pieces of its chunk, sums, publishes the reduced chunk; everyone
// reads the N−1 reduced chunks it does not own. Per worker: N PUTs and 2(N−1) GETs of S/N bytes.
// Each chunk is summed in rank order (the same bits as s3AllReduce and a plain sum).
import type { Board } from './board';
import { addInto, chunkBounds } from './chunks';
import { bytesOf, floatsOf } from '../transports/transport';

/** Sums `data` over all workers of the board, in place. */
export async function s3ScatterReduce(b: Board, data: Float32Array, tag: string): Promise<void> {
  const n = b.size;
  if (n === 1) return;
  const me = b.rank;
  const chunk = (j: number) => data.subarray(...chunkBounds(data.length, n, j));
  const others = Array.from({ length: n - 1 }, (_, i) => (me + 1 + i) % n);
  const puts = others.map((j) => b.publish(`${tag}/chunk/${me}.${j}`, bytesOf(chunk(j))));
  const pieces = Array.from({ length: n }, (_, i) => (i === me ? Promise.resolve(chunk(me)) : b.read(`${tag}/chunk/${i}.${me}`).then(floatsOf)));
  const sum = new Float32Array(await pieces[0]);
  for (let i = 1; i < n; i++) addInto(sum, await pieces[i]);
  chunk(me).set(sum);
  await Promise.all([...puts, b.publish(`${tag}/reduced/${me}`, bytesOf(sum))]);
  await Promise.all(others.map(async (j) => chunk(j).set(floatsOf(await b.read(`${tag}/reduced/${j}`)))));
}
