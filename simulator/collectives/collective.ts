// The Collective interface and its registry. A collective lowers itself to transfers between
// ranks (the full event simulation) and, for the symmetric fast path, states its time on an idle
// network from the topology's max-min rates for each communication pattern it uses. It never
// works out routes itself: it asks the Topology.
import { maxMinRates } from '../engine/flows';
import type { TaskGraph } from '../engine/graph';
import type { Topology } from '../topology/topology';
import { maxOf, minOf } from '../extremes';

export interface Collective {
  name: string;
  /**
   * Adds the collective to `g`. `ready[i]` is the task after which rank `ranks[i]` may send
   * (-1: at once). Returns, per rank, the task after which that rank holds the result.
   */
  lower(g: TaskGraph, topo: Topology, ranks: number[], bytes: number, ready: number[], label: string, options?: CollectiveOptions): number[];
  /**
   * Time on an idle network when every rank starts together: closed-form α-β with each round
   * costed by `round` — `roundTime` (exact max-min rates; NaN where flows differ) by default, or
   * `roundBound` for a lower bound that holds under any contention.
   */
  time(topo: Topology, ranks: number[], bytes: number, round?: RoundCost, options?: CollectiveOptions): number;
}

/** What a plan's data segment tells its collective beyond the bytes (only those that use it read it). */
export interface CollectiveOptions {
  /** Parameter servers of a grouped parameter server (default: one per group). */
  servers?: number;
}

/** Cost of one round of a pattern of equal transfers; `key` names the pattern for caching. */
export type RoundCost = (topo: Topology, pattern: Pattern | (() => Pattern), bytes: number, key?: string) => number;

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

export interface PatternCost {
  rate: number;
  latency: number;
  /** Every flow gets the same rate and latency: all ranks move in lockstep, so α-β is exact. */
  uniform: boolean;
}

const costCache = new WeakMap<Topology, Map<string, PatternCost>>();

/**
 * Slowest max-min fair rate and largest latency of a pattern of equal transfers on an idle
 * network. Rates do not depend on message size, so they are cached per topology and `key`.
 */
export function patternCost(topo: Topology, pattern: Pattern | (() => Pattern), key?: string): PatternCost {
  let cache = costCache.get(topo);
  if (!cache) costCache.set(topo, (cache = new Map()));
  const hit = key === undefined ? undefined : cache.get(key);
  if (hit) return hit;
  const pat = typeof pattern === 'function' ? pattern() : pattern;
  let out: PatternCost = { rate: Infinity, latency: 0, uniform: true };
  if (pat.length > 0) {
    const rates = maxMinRates(topo.links, pat.map(([s, d]) => topo.route(s, d)));
    const lats = pat.map(([s, d]) => topo.latency(s, d));
    const rate = minOf(rates);
    const latency = maxOf(lats);
    const same = (xs: number[], v: number) => xs.every((x) => Math.abs(x - v) <= 1e-9 * Math.abs(v));
    out = { rate, latency, uniform: same(rates, rate) && same(lats, latency) };
  }
  if (key !== undefined) cache.set(key, out);
  return out;
}

const loadCache = new WeakMap<Topology, Map<string, { latency: number; secondsPerByte: number }>>();

/**
 * A lower bound on one round, whatever else shares the network: every flow pays at least the
 * smallest latency, and the busiest link must carry all its flows' bytes at its bandwidth.
 */
export const roundBound: RoundCost = (topo, pattern, bytes, key) => {
  let cache = loadCache.get(topo);
  if (!cache) loadCache.set(topo, (cache = new Map()));
  let c = key === undefined ? undefined : cache.get(key);
  if (!c) {
    const pat = typeof pattern === 'function' ? pattern() : pattern;
    const flows = new Map<number, number>();
    let latency = Infinity;
    for (const [s, d] of pat) {
      latency = Math.min(latency, topo.latency(s, d));
      for (const l of topo.route(s, d)) flows.set(l, (flows.get(l) ?? 0) + 1);
    }
    let secondsPerByte = 0;
    for (const [l, n] of flows) secondsPerByte = Math.max(secondsPerByte, n / topo.links[l].bandwidthBytesPerSecond);
    c = { latency: pat.length ? latency : 0, secondsPerByte };
    if (key !== undefined) cache.set(key, c);
  }
  return c.latency + bytes * c.secondsPerByte;
};

/** α + bytes/β at the pattern's slowest rate and largest latency. */
const alphaBeta = ({ rate, latency }: PatternCost, bytes: number): number => latency + (bytes > 0 ? bytes / rate : 0);

/** α + bytes/β for one round of a pattern; NaN when the pattern is not uniform (no exact closed form). */
export const roundTime: RoundCost = (topo, pattern, bytes, key) => {
  const c = patternCost(topo, pattern, key);
  return c.uniform ? alphaBeta(c, bytes) : NaN;
};

/**
 * One round of a pattern whose ranks move in lockstep, each round waiting for its slowest flow
 * (a ring: every rank's next step needs the chunk its previous step received): α + bytes/β at the
 * slowest rate and largest latency, also where flows differ — as on a ring that crosses nodes
 * (NVLink hops inside, one InfiniBand hop out of each node); NCCL's ring runs at its slowest
 * link's bandwidth. A flow-level lowering gives the same where the flows share no link.
 */
export const lockstepRound: RoundCost = (topo, pattern, bytes, key) => alphaBeta(patternCost(topo, pattern, key), bytes);

export const ringPattern = (ranks: number[]): Pattern => ranks.map((r, i) => [r, ranks[(i + 1) % ranks.length]]);

/** Cache key for a rank list: short for the usual 0..N−1. */
export function ranksKey(ranks: number[]): string {
  return ranks.every((r, i) => r === i) ? `0..${ranks.length}` : ranks.join(',');
}
