// Bytes a composed step puts on the network. The symmetric lowering (step.ts) costs each
// collective as a delay of its closed-form time on one representative group; its bytes are those
// the collective's own lowering moves (the transfers the full event simulation would run), counted
// once per collective and group size at one byte and scaled, since every collective's transfers are
// linear in its size, then multiplied by the groups that run it at the same time.
import { collective } from '../collectives';
import { ranksKey, type CollectiveOptions } from '../collectives/collective';
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

/**
 * A step's bytes on the network, summed over every rank: what they send and what they receive.
 * `times(n)` is the same ledger for something that happens n times (every micro-batch, say).
 */
export class Traffic {
  constructor(private readonly totals = { sent: 0, received: 0 }, private readonly scale = 1) {}

  get sent(): number {
    return this.totals.sent;
  }
  get received(): number {
    return this.totals.received;
  }

  times(n: number): Traffic {
    return new Traffic(this.totals, this.scale * n);
  }

  /** `groups` groups like `ranks` each run collective `name` of `bytes`. */
  collective(name: string, topo: Topology, ranks: number[], bytes: number, groups = 1): void {
    const t = collectiveTraffic(name, topo, ranks, bytes);
    this.totals.sent += t.sent * groups * this.scale;
    this.totals.received += t.received * groups * this.scale;
  }

  /** `pairs` point-to-point sends of `bytes` each. */
  p2p(bytes: number, pairs: number): void {
    this.totals.sent += bytes * pairs * this.scale;
    this.totals.received += bytes * pairs * this.scale;
  }

  /** Bytes sent (= received) by one group's ranks in collective traffic already counted elsewhere. */
  add(bytes: number): void {
    this.totals.sent += bytes * this.scale;
    this.totals.received += bytes * this.scale;
  }
}
