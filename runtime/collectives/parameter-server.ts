// Synchronous parameter server sharded over the workers themselves, as the simulator charges it
// (simulator/collectives/parameter-server.ts, after DistBelief's sharded servers, Dean et al.
// 2012): every worker pushes shard j of its gradient to worker j, which sums its shard (the
// server's update input), then every owner sends the summed shard back to every worker (the pull).
import type { Transport } from '../transports/transport';
import { allGatherV, reduceScatterV } from './direct';
import { chunkBounds } from './chunks';

/** Sums `data` over all workers, in place, by push to the shard owners and pull back. */
export async function parameterServerPushPull(t: Transport, data: Float32Array, tag: string): Promise<void> {
  const n = t.size;
  if (n === 1) return;
  const shards = Array.from({ length: n }, (_, j) => {
    const [a, b] = chunkBounds(data.length, n, j);
    return data.subarray(a, b);
  });
  const mine = await reduceScatterV(t, shards, `${tag}/push`);
  const all = await allGatherV(t, mine, `${tag}/pull`);
  all.forEach((shard, j) => {
    if (j !== t.rank) shards[j].set(shard);
  });
  shards[t.rank].set(mine);
}
