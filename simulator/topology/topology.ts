// The Topology interface: a link graph and the route between any two workers. A topology never
// schedules a send; collectives ask it who is where and which links a transfer crosses.
import type { Link } from '../engine/flows';

export interface Topology {
  readonly workers: number;
  readonly links: Link[];
  /** Links a transfer from `src` to `dst` crosses, in order. */
  route(src: number, dst: number): number[];
  /** One-way latency of a transfer from `src` to `dst` (seconds). */
  latency(src: number, dst: number): number;
  /** Groups of workers on the fast fabric (hierarchical topologies); one group otherwise. */
  groups(): number[][];
  /** The object store, where the hardware has one: a node with index `workers` in routes. */
  readonly store?: StoreNode;
  /**
   * True when `route` hands out the same array every time for a pair: the engine's memo of
   * max-min rates then knows flow sets by their routes' identity (a fresh array each time would
   * only make it miss and grow).
   */
  readonly stableRoutes?: boolean;
}

export interface StoreNode {
  /** The store's node index (= workers): route(w, index) is a PUT, route(index, w) a GET. */
  index: number;
  pollIntervalSeconds: number;
  /** Seconds per byte a worker spends summing gradients it fetched (memory-bound). */
  reduceSecondsPerByte: number;
}

export class LinkSet {
  readonly links: Link[] = [];
  add(name: string, bandwidthBytesPerSecond: number): number {
    this.links.push({ id: this.links.length, name, bandwidthBytesPerSecond });
    return this.links.length - 1;
  }
}
