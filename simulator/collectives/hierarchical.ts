// Hierarchical all-reduce (as in Horovod/NCCL on multi-node clusters): reduce-scatter inside each
// group on the fast fabric, ring all-reduce of each 1/g shard across groups among peers with the
// same local index, then all-gather inside each group.
// Idle cost: 2(g−1)(α0 + S/(g·B0)) + 2(G−1)(α1 + S/(g·G·B1)).
import type { TaskGraph } from '../engine/graph';
import type { Topology } from '../topology/topology';
import { Collective, registerCollective, ringPattern, roundTime } from './collective';
import { ringAllReduce, ringSteps } from './ring';
import { minOf } from '../extremes';

function layout(topo: Topology, ranks: number[]): number[][] {
  const set = new Set(ranks);
  return topo.groups().map((grp) => grp.filter((r) => set.has(r))).filter((grp) => grp.length > 0);
}

const layouts = new WeakMap<Topology, Map<number, number[][]>>();
/** Groups of the first N ranks (the fast path always asks for 0..N−1), cached per topology. */
function layoutCached(topo: Topology, ranks: number[]): number[][] {
  let m = layouts.get(topo);
  if (!m) layouts.set(topo, (m = new Map()));
  let l = m.get(ranks.length);
  if (!l) m.set(ranks.length, (l = layout(topo, ranks)));
  return l;
}

export const hierarchicalAllReduce: Collective = {
  name: 'hierarchical-allreduce',
  lower(g, topo, ranks, bytes, ready, label) {
    const groups = layout(topo, ranks);
    const gs = minOf(groups.map((x) => x.length));
    // Unequal groups (a partial last node) have no peer for every local index: use one flat ring.
    if (groups.some((x) => x.length !== gs)) return ringAllReduce.lower(g, topo, ranks, bytes, ready, label);
    const readyOf = new Map(ranks.map((r, i) => [r, ready[i]]));
    const after = new Map<number, number>();
    for (const grp of groups) ringSteps(g, grp, bytes / gs, gs - 1, grp.map((r) => readyOf.get(r)!), `${label} intra-rs`).forEach((t, i) => after.set(grp[i], t));
    for (let k = 0; k < gs; k++) {
      const peers = groups.map((grp) => grp[k]);
      ringSteps(g, peers, bytes / gs / peers.length, 2 * (peers.length - 1), peers.map((r) => after.get(r)!), `${label} inter-ar`).forEach((t, i) => after.set(peers[i], t));
    }
    for (const grp of groups) ringSteps(g, grp, bytes / gs, gs - 1, grp.map((r) => after.get(r)!), `${label} intra-ag`).forEach((t, i) => after.set(grp[i], t));
    return ranks.map((r) => after.get(r)!);
  },
  time(topo, ranks, bytes, round = roundTime) {
    const groups = layoutCached(topo, ranks);
    const gs = groups[0].length;
    if (groups.some((x) => x.length !== gs)) return ringAllReduce.time(topo, ranks, bytes, round);
    const G = groups.length;
    const key = `${ranks.length}:${gs}:${G}`;
    const intra = gs > 1 ? 2 * (gs - 1) * round(topo, () => groups.flatMap(ringPattern), bytes / gs, `h-intra:${key}`) : 0;
    const inter = G > 1 ? 2 * (G - 1) * round(topo, () => Array.from({ length: gs }, (_, k) => ringPattern(groups.map((grp) => grp[k]))).flat(), bytes / gs / G, `h-inter:${key}`) : 0;
    return intra + inter;
  },
};
registerCollective(hierarchicalAllReduce);
