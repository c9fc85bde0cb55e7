// A collective's closed-form time on the ranks it runs on. Where its flows do not all get the same
// rate (a ring over ranks of several nodes on a two-level network), there is no exact closed form:
// the round is then costed by its busiest link (roundBound), the time the links themselves impose.
import { collective } from '../collectives';
import { roundBound } from '../collectives/collective';
import type { Topology } from '../topology/topology';

export function collectiveSeconds(name: string, topo: Topology, ranks: number[], bytes: number): number {
  if (ranks.length < 2 || bytes === 0) return 0;
  const c = collective(name);
  const exact = c.time(topo, ranks, bytes);
  return Number.isNaN(exact) ? c.time(topo, ranks, bytes, roundBound) : exact;
}
