// Parameter servers on the groups' hosts, with the gradients averaged inside each group first: what
// TensorFlow 1.x's `distributed_replicated` does (tf_cnn_benchmarks, VariableMgrDistributedReplicated,
// as run for the published p2.8xlarge figures, benchmark hash 9165a70):
//   1. inside each group every variable is averaged on one of the group's GPUs, round-robin
//      (aggregate_gradients_using_copy_with_device_selection with local_parameter_device=gpu):
//      each rank ends with 1/g of the buffer averaged — a reduce-scatter;
//   2. each rank pushes its 1/g to the P parameter servers, 1/P of it to each (replica_device_setter
//      spreads the variables over the PS tasks); server j runs on the host of group j mod G;
//   3. a server applies the update when every group's push has arrived (the per-variable barrier);
//   4. every group reads the updated values back from every server;
//   5. and copies them to each of its GPUs — an all-gather inside the group.
// The endpoint of server j for local index k is rank k of its host group: cross-group transfers
// cross only the groups' level-1 ports, which a node's GPUs share (portsPerGroup), so the NIC
// carries what the host's would. With P = G every port carries 2(G−1)/G·S each way, as the
// hierarchical all-reduce; with fewer servers than groups the servers' ports carry more
// ((P−1)/P + (G−1)/P)·S, the others S: the busiest port sets the pace.
// The servers' update itself (an SGD step over S/P on the host) is not costed.
import type { TaskGraph } from '../engine/graph';
import type { Topology } from '../topology/topology';
import { Collective, CollectiveOptions, Pattern, registerCollective, ringPattern, roundTime } from './collective';
import { ringSteps } from './ring';

function groupsOf(topo: Topology, ranks: number[]): number[][] {
  const set = new Set(ranks);
  return topo.groups().map((grp) => grp.filter((r) => set.has(r))).filter((grp) => grp.length > 0);
}

/** The servers: as many as asked for (default one per group), server j on group j mod G. */
const serverCount = (groups: number[][], o?: CollectiveOptions) => o?.servers ?? groups.length;

/** (rank, server endpoint, server) for every rank and every server on another group. */
function crossings(groups: number[][], servers: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  groups.forEach((grp, a) => {
    for (let j = 0; j < servers; j++) {
      const host = groups[j % groups.length];
      if (j % groups.length === a) continue;
      grp.forEach((r, k) => out.push([r, host[k % host.length], j]));
    }
  });
  return out;
}

export const groupedParameterServer: Collective = {
  name: 'grouped-parameter-server',
  lower(g: TaskGraph, topo, ranks, bytes, ready, label, o) {
    const groups = groupsOf(topo, ranks);
    const G = groups.length;
    const P = serverCount(groups, o);
    const readyOf = new Map(ranks.map((r, i) => [r, ready[i]]));
    const reduced = new Map<number, number>();
    for (const grp of groups) ringSteps(g, grp, bytes / grp.length, grp.length - 1, grp.map((r) => readyOf.get(r)!), `${label} group average`).forEach((t, k) => reduced.set(grp[k], t));
    const groupOf = new Map(groups.flatMap((grp, a) => grp.map((r) => [r, a] as [number, number])));
    // Pushes into each server; a server's own group hands its part over in host memory.
    const into: number[][] = Array.from({ length: P }, (_, j) => groups[j % G].map((r) => reduced.get(r)!));
    const cross = crossings(groups, P);
    for (const [r, server, j] of cross) into[j].push(g.transfer(r, server, bytes / (P * groups[groupOf.get(r)!].length), [reduced.get(r)!], `${label} push`));
    const applied = into.map((deps, j) => g.join(deps, `${label} server ${j}`));
    const pulled = groups.map((_, a) => Array.from({ length: P }, (_, j) => j).filter((j) => j % G === a).map((j) => applied[j]));
    for (const [r, server, j] of cross) pulled[groupOf.get(r)!].push(g.transfer(server, r, bytes / (P * groups[groupOf.get(r)!].length), [applied[j]], `${label} pull`));
    const done = new Map<number, number>();
    groups.forEach((grp, a) => {
      const have = g.join(pulled[a], `${label} pulled`);
      ringSteps(g, grp, bytes / grp.length, grp.length - 1, grp.map(() => have), `${label} group copy`).forEach((t, k) => done.set(grp[k], t));
    });
    return ranks.map((r) => done.get(r)!);
  },
  time(topo, ranks, bytes, round = roundTime, o) {
    const groups = groupsOf(topo, ranks);
    const P = serverCount(groups, o);
    const gs = Math.max(...groups.map((x) => x.length));
    const key = `${ranks.length}:${groups.length}:${P}`;
    const inGroups = gs > 1 ? (gs - 1) * round(topo, () => groups.filter((x) => x.length > 1).flatMap(ringPattern), bytes / gs, `gps-intra:${key}`) : 0;
    const push = (): Pattern => crossings(groups, P).map(([r, s]) => [r, s]);
    const pull = (): Pattern => crossings(groups, P).map(([r, s]) => [s, r]);
    const shard = bytes / (P * gs);
    const network = groups.length > 1 ? round(topo, push, shard, `gps-push:${key}`) + round(topo, pull, shard, `gps-pull:${key}`) : 0;
    return 2 * inGroups + network;
  },
};
registerCollective(groupedParameterServer);
