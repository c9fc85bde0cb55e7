// Bytes a collective puts on the network: those its own lowering moves (the transfers the full
// event simulation would run), counted once per collective, rank list and topology at one byte and
// scaled — every collective's transfers are linear in its size. The symmetric lowerings (the fast
// data-parallel path, composed steps) cost collectives by their closed forms and count their bytes here.
// The registry through the index, which registers every collective.
import { collective } from './index';
import { ranksKey, type CollectiveOptions } from './collective';
import { TaskGraph, TRANSFER } from '../engine/graph';
import type { Topology } from '../topology/topology';

/** Bytes sent and received per byte of a collective's size, by topology, then collective and ranks. */
const perByte = new WeakMap<Topology, Map<string, { sent: number; received: number }>>();

/** Bytes all of `ranks` send, and receive, in collective `name` of size `bytes`. */
export function collectiveTraffic(name: string, topo: Topology, ranks: number[], bytes: number, options?: CollectiveOptions): { sent: number; received: number } {
  if (ranks.length < 2 || bytes === 0) return { sent: 0, received: 0 };
  let m = perByte.get(topo);
  if (!m) perByte.set(topo, (m = new Map()));
  const key = `${name}:${ranksKey(ranks)}${options ? `:${JSON.stringify(options)}` : ''}`;
  let f = m.get(key);
  if (!f) {
    const g = new TaskGraph();
    try {
      collective(name).lower(g, topo, ranks, 1, ranks.map(() => -1), name, options);
      const members = new Set(ranks);
      let sent = 0;
      let received = 0;
      for (let i = 0; i < g.size; i++) {
        if (g.kinds[i] !== TRANSFER) continue;
        if (members.has(g.where[i])) sent += g.amount[i];
        if (members.has(g.dst[i])) received += g.amount[i];
      }
      f = { sent, received };
    } finally {
      g.dispose();
    }
    if (m.size > 4096) m.clear();
    m.set(key, f);
  }
  return { sent: f.sent * bytes, received: f.received * bytes };
}
