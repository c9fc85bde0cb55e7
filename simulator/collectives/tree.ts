// Tree all-reduce on a binomial tree: ⌈log2 N⌉ rounds reducing the whole vector to rank 0, then
// ⌈log2 N⌉ rounds broadcasting it back. Idle-network cost: 2⌈log2 N⌉·(α + S/B).
// Latency-optimal, bandwidth-poor: the right choice for small messages.
import type { TaskGraph } from '../engine/graph';
import type { Topology } from '../topology/topology';
import { Collective, Pattern, registerCollective, roundTime } from './collective';

function rounds(n: number): number {
  return Math.ceil(Math.log2(n));
}

/** Pairs (child, parent) of reduce round r: positions with bit r set (and lower bits clear) send to position − 2^r. */
function reducePairs(n: number, r: number): [number, number][] {
  const out: [number, number][] = [];
  const step = 1 << r;
  for (let p = step; p < n; p += 2 * step) out.push([p, p - step]);
  return out;
}

export const treeAllReduce: Collective = {
  name: 'tree-allreduce',
  lower(g, _t, ranks, bytes, ready, label) {
    const n = ranks.length;
    const have = ready.slice();
    const R = rounds(n);
    for (let r = 0; r < R; r++)
      for (const [c, p] of reducePairs(n, r)) have[p] = g.transfer(ranks[c], ranks[p], bytes, [have[c], have[p]], `${label} reduce ${r + 1}/${R}`);
    // Broadcast back down the same tree; a parent sends to its children one after another.
    const done = have.slice();
    for (let r = R - 1; r >= 0; r--)
      for (const [c, p] of reducePairs(n, r)) {
        done[c] = g.transfer(ranks[p], ranks[c], bytes, [done[p]], `${label} bcast ${R - r}/${R}`);
        done[p] = g.join([done[p], done[c]], `${label} sent`);
      }
    return n === 1 ? [g.join(ready, label)] : done;
  },
  time(topo, ranks, bytes, round = roundTime) {
    let t = 0;
    for (let r = 0; r < rounds(ranks.length); r++) {
      const pat: Pattern = reducePairs(ranks.length, r).map(([c, p]) => [ranks[c], ranks[p]]);
      t += round(topo, pat, bytes) + round(topo, pat.map(([a, b]) => [b, a]), bytes);
    }
    return t;
  },
};
registerCollective(treeAllReduce);
