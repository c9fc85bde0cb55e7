// Ring collectives (Patarasuk & Yuan 2009; NCCL's ring): reduce-scatter and all-gather in N−1
// steps of S/N each, all-reduce = reduce-scatter + all-gather in 2(N−1) steps.
// Idle-network cost on a switch: 2(N−1)·(α + S/(N·B)).
import type { TaskGraph } from '../engine/graph';
import type { Topology } from '../topology/topology';
import { Collective, registerCollective, ringPattern, roundTime } from './collective';

/** `steps` ring steps of `chunk` bytes: rank i sends to i+1 after it received step s−1 from i−1. */
export function ringSteps(g: TaskGraph, ranks: number[], chunk: number, steps: number, ready: number[], label: string): number[] {
  const n = ranks.length;
  if (n === 1) return [g.join(ready, label)];
  let last = ready.slice();
  for (let s = 0; s < steps; s++) {
    const next = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const dst = (i + 1) % n;
      // Rank i may send step s once it has received step s−1 (its `last`) and its own data is ready.
      next[dst] = g.transfer(ranks[i], ranks[dst], chunk, [last[i], ready[i]], `${label} ${s + 1}/${steps}`);
    }
    last = next;
  }
  return last;
}

const ringTime = (topo: Topology, ranks: number[], chunk: number, steps: number) =>
  ranks.length === 1 ? 0 : steps * roundTime(topo, ringPattern(ranks), chunk);

export const ringAllReduce: Collective = {
  name: 'ring-allreduce',
  lower: (g, _t, ranks, bytes, ready, label) => ringSteps(g, ranks, bytes / ranks.length, 2 * (ranks.length - 1), ready, label),
  time: (topo, ranks, bytes) => ringTime(topo, ranks, bytes / ranks.length, 2 * (ranks.length - 1)),
};
export const ringAllGather: Collective = {
  name: 'all-gather',
  // `bytes` is the size of the gathered result; each rank contributes bytes/N.
  lower: (g, _t, ranks, bytes, ready, label) => ringSteps(g, ranks, bytes / ranks.length, ranks.length - 1, ready, label),
  time: (topo, ranks, bytes) => ringTime(topo, ranks, bytes / ranks.length, ranks.length - 1),
};
export const ringReduceScatter: Collective = {
  name: 'reduce-scatter',
  // `bytes` is the size of each rank's full input; each ends with bytes/N reduced.
  lower: (g, _t, ranks, bytes, ready, label) => ringSteps(g, ranks, bytes / ranks.length, ranks.length - 1, ready, label),
  time: (topo, ranks, bytes) => ringTime(topo, ranks, bytes / ranks.length, ranks.length - 1),
};
registerCollective(ringAllReduce);
registerCollective(ringAllGather);
registerCollective(ringReduceScatter);
