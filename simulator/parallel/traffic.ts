// Bytes a composed step puts on the network. The symmetric lowering (step.ts) costs each
// collective as a delay of its closed-form time on one representative group; its bytes are those
// the collective's own lowering moves (collectives/traffic.ts), multiplied by the groups that run
// it at the same time.
import { collectiveTraffic } from '../collectives/traffic';
import type { Topology } from '../topology/topology';

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
