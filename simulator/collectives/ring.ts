// Ring collectives (Patarasuk & Yuan 2009; NCCL's ring): reduce-scatter and all-gather in N−1
// steps of S/N each, all-reduce = reduce-scatter + all-gather in 2(N−1) steps.
// Idle-network cost on a switch: 2(N−1)·(α + S/(N·B)).
import type { TaskGraph } from '../engine/graph';
import type { Topology } from '../topology/topology';
import { Collective, lockstepRound, ranksKey, registerCollective, ringPattern, RoundCost } from './collective';

/**
 * `steps` ring steps of `chunk` bytes. Every step every rank sends to the next and waits for the
 * previous, so on a ring whose flows share links equally all ranks move in lockstep: the ring is
 * one flow per rank of steps × chunk bytes, paying the route latency once per step (a flow-level
 * model, as SimGrid's; it keeps the event count independent of the number of steps). It starts
 * when every rank is ready and every rank holds the result when the last flow ends.
 */
export function ringSteps(g: TaskGraph, ranks: number[], chunk: number, steps: number, ready: number[], label: string): number[] {
  const n = ranks.length;
  if (n === 1 || steps === 0) return ready.map((r) => g.join([r], label));
  const start = g.join(ready, `${label} start`);
  const flowLabel = `${label} (${steps} steps)`;
  const flows = ranks.map((r, i) => g.transfer(r, ranks[(i + 1) % n], chunk * steps, [start], flowLabel, steps));
  const done = g.join(flows, `${label} done`);
  return ranks.map(() => done);
}

const ringTime = (topo: Topology, ranks: number[], chunk: number, steps: number, round: RoundCost = lockstepRound) =>
  ranks.length === 1 ? 0 : steps * round(topo, () => ringPattern(ranks), chunk, `ring:${ranksKey(ranks)}`);

export const ringAllReduce: Collective = {
  name: 'ring-allreduce',
  lower: (g, _t, ranks, bytes, ready, label) => ringSteps(g, ranks, bytes / ranks.length, 2 * (ranks.length - 1), ready, label),
  time: (topo, ranks, bytes, round) => ringTime(topo, ranks, bytes / ranks.length, 2 * (ranks.length - 1), round),
};
export const ringAllGather: Collective = {
  name: 'all-gather',
  // `bytes` is the size of the gathered result; each rank contributes bytes/N.
  lower: (g, _t, ranks, bytes, ready, label) => ringSteps(g, ranks, bytes / ranks.length, ranks.length - 1, ready, label),
  time: (topo, ranks, bytes, round) => ringTime(topo, ranks, bytes / ranks.length, ranks.length - 1, round),
};
export const ringReduceScatter: Collective = {
  name: 'reduce-scatter',
  // `bytes` is the size of each rank's full input; each ends with bytes/N reduced.
  lower: (g, _t, ranks, bytes, ready, label) => ringSteps(g, ranks, bytes / ranks.length, ranks.length - 1, ready, label),
  time: (topo, ranks, bytes, round) => ringTime(topo, ranks, bytes / ranks.length, ranks.length - 1, round),
};
registerCollective(ringAllReduce);
registerCollective(ringAllGather);
registerCollective(ringReduceScatter);
