// Synchronous parameter server, sharded over the workers themselves (DistBelief's sharded
// servers, Dean et al. 2012): each rank pushes shard j of its gradient to rank j, shard owners
// sum, then every owner sends its updated shard back to every rank.
// Idle-network cost on a switch: 2·(α + (N−1)/N · S/B). Needs N(N−1) flows: no fast path beyond small N.
import type { TaskGraph } from '../engine/graph';
import type { Topology } from '../topology/topology';
import { Collective, Pattern, ranksKey, registerCollective, roundTime } from './collective';

function allToAll(ranks: number[]): Pattern {
  const p: Pattern = [];
  for (const a of ranks) for (const b of ranks) if (a !== b) p.push([a, b]);
  return p;
}

/** Push then pull; returns per rank the task after which it holds the new parameters. */
export function pushPull(g: TaskGraph, ranks: number[], bytes: number, ready: number[], label: string): { pushed: number[]; done: number[] } {
  const n = ranks.length;
  const shard = bytes / n;
  const pushed = ranks.map((_, j) => g.join(ranks.map((_, i) => (i === j ? ready[i] : g.transfer(ranks[i], ranks[j], shard, [ready[i]], `${label} push`))), `${label} shard ${j}`));
  const done = ranks.map((_, i) => g.join(ranks.map((_, j) => (i === j ? pushed[j] : g.transfer(ranks[j], ranks[i], shard, [pushed[j]], `${label} pull`))), `${label} done`));
  return { pushed, done };
}

export const parameterServer: Collective = {
  name: 'parameter-server',
  lower: (g, _t, ranks, bytes, ready, label) => (ranks.length === 1 ? [g.join(ready, label)] : pushPull(g, ranks, bytes, ready, label).done),
  time: (topo, ranks, bytes, round = roundTime) => (ranks.length === 1 ? 0 : 2 * round(topo, () => allToAll(ranks), bytes / ranks.length, `a2a:${ranksKey(ranks)}`)),
};
registerCollective(parameterServer);
