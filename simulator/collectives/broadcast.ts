// Broadcast from one root straight to every other rank (no relaying), as Krizhevsky's
// round-robin exchange does: the root's outgoing link carries N−1 copies.
// Idle cost on a switch: α + (N−1)·S/B.
import { Collective, ranksKey, registerCollective, roundTime } from './collective';

export const directBroadcast: Collective = {
  name: 'broadcast',
  // ranks[0] is the root.
  lower(g, _t, ranks, bytes, ready, label) {
    return ranks.map((r, i) => (i === 0 ? g.join([ready[0]], label) : g.transfer(ranks[0], r, bytes, [ready[0], ready[i]], label)));
  },
  time: (topo, ranks, bytes, round = roundTime) => round(topo, () => ranks.slice(1).map((r) => [ranks[0], r]), bytes, `bcast:${ranks[0]}:${ranksKey(ranks.slice(1))}`),
};

/** Reduce to one root straight from every rank: the root's incoming link carries N−1 partial sums. */
export const directReduce: Collective = {
  name: 'reduce',
  // ranks[0] is the root; non-roots are done once they have sent.
  lower(g, _t, ranks, bytes, ready, label) {
    const sends = ranks.slice(1).map((r, i) => g.transfer(r, ranks[0], bytes, [ready[i + 1]], label));
    return [g.join([ready[0], ...sends], label), ...sends];
  },
  time: (topo, ranks, bytes, round = roundTime) => round(topo, () => ranks.slice(1).map((r) => [r, ranks[0]]), bytes, `reduce:${ranks[0]}:${ranksKey(ranks.slice(1))}`),
};
registerCollective(directBroadcast);
registerCollective(directReduce);
