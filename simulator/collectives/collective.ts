// The Collective interface and its registry. A collective lowers itself to transfers between
// ranks (the full event simulation) and, for the symmetric fast path, states its time on an idle
// network from the topology's max-min rates for each communication pattern it uses. It never
// works out routes itself: it asks the Topology.
import { maxMinRates } from '../engine/flows';
import type { TaskGraph } from '../engine/graph';
import type { Topology } from '../topology/topology';

export interface Collective {
  name: string;
  /**
   * Adds the collective to `g`. `ready[i]` is the task after which rank `ranks[i]` may send
   * (-1: at once). Returns, per rank, the task after which that rank holds the result.
   */
  lower(g: TaskGraph, topo: Topology, ranks: number[], bytes: number, ready: number[], label: string): number[];
  /** Time on an idle network when every rank starts together (closed-form α-β with max-min rates). */
  time(topo: Topology, ranks: number[], bytes: number): number;
}

const registry = new Map<string, Collective>();

export function registerCollective(c: Collective): void {
  if (registry.has(c.name)) throw new Error(`collective ${c.name} registered twice`);
  registry.set(c.name, c);
}

export function collective(name: string): Collective {
  const c = registry.get(name);
  if (!c) throw new Error(`no collective named ${name}`);
  return c;
}

/** A set of simultaneous point-to-point transfers, as (src, dst) pairs. */
export type Pattern = [number, number][];

/** Slowest max-min fair rate and largest latency of a pattern of equal transfers on an idle network. */
export function patternCost(topo: Topology, pattern: Pattern): { rate: number; latency: number } {
  if (pattern.length === 0) return { rate: Infinity, latency: 0 };
  const rates = maxMinRates(topo.links, pattern.map(([s, d]) => topo.route(s, d)));
  let rate = Infinity;
  let latency = 0;
  pattern.forEach(([s, d], i) => {
    rate = Math.min(rate, rates[i]);
    latency = Math.max(latency, topo.latency(s, d));
  });
  return { rate, latency };
}

/** α + bytes/β for one round of a pattern. */
export function roundTime(topo: Topology, pattern: Pattern, bytes: number): number {
  const { rate, latency } = patternCost(topo, pattern);
  return latency + (bytes > 0 ? bytes / rate : 0);
}

export const ringPattern = (ranks: number[]): Pattern => ranks.map((r, i) => [r, ranks[(i + 1) % ranks.length]]);
