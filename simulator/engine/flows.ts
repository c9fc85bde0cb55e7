// Flow-level network model: transfers are fluid flows over routes of links; concurrent flows
// share each link max-min fairly (progressive filling, as SimGrid's flow models do). Rates are
// worked out again (or found in the memo of flow sets already seen) whenever a flow starts or
// ends; the engine is told when the next flow finishes.
import type { Engine } from './engine';
import { grown } from './grown';

export interface Link {
  id: number;
  name: string;
  bandwidthBytesPerSecond: number;
}

// A flow whose remaining bytes fall below this is complete (floating-point residue of rate × dt).
const EPS_BYTES = 1e-6;

/** Per-link scratch space for progressive filling, reused across computations. */
export class FillScratch {
  readonly residual: Float64Array;
  readonly count: Int32Array;
  readonly bottleneck: Uint8Array;
  readonly touched: Int32Array;
  unfrozen = new Int32Array(16);
  constructor(links: number) {
    this.residual = new Float64Array(links);
    this.count = new Int32Array(links);
    this.bottleneck = new Uint8Array(links);
    this.touched = new Int32Array(links);
  }
}

/**
 * Max-min fair rates by progressive filling: repeatedly find the links whose fair share
 * (residual capacity / unfrozen flows) is smallest and freeze every flow crossing them at that
 * share. All links tied at the minimum are frozen together, so symmetric patterns take one round.
 * Writes the rates of `routes[0..n)` into `rates`.
 */
export function fillRates(bandwidth: ArrayLike<number>, routes: ArrayLike<number>[], n: number, rates: Float64Array, s: FillScratch): void {
  // Plain loops over typed scratch arrays: this runs on every instant a flow starts or ends.
  const { residual, count, bottleneck, touched } = s;
  if (s.unfrozen.length < n) s.unfrozen = new Int32Array(Math.max(n, 2 * s.unfrozen.length));
  const unfrozen = s.unfrozen;
  let nTouched = 0;
  for (let i = 0; i < n; i++) {
    const r = routes[i];
    unfrozen[i] = i;
    for (let j = 0; j < r.length; j++) {
      const l = r[j];
      if (count[l] === 0) {
        touched[nTouched++] = l;
        residual[l] = bandwidth[l];
      }
      count[l]++;
    }
  }
  let left = n;
  while (left > 0) {
    let share = Infinity;
    for (let k = 0; k < nTouched; k++) {
      const l = touched[k];
      if (count[l] > 0) {
        const x = residual[l] / count[l];
        if (x < share) share = x;
      }
    }
    // Links within a relative 1e-12 of the minimum are the same bottleneck (float noise).
    const limit = share * (1 + 1e-12);
    for (let k = 0; k < nTouched; k++) {
      const l = touched[k];
      bottleneck[l] = count[l] > 0 && residual[l] / count[l] <= limit ? 1 : 0;
    }
    // Freeze, in flow order, every unfrozen flow that crosses a bottleneck; keep the rest.
    let kept = 0;
    for (let u = 0; u < left; u++) {
      const i = unfrozen[u];
      const r = routes[i];
      let hit = false;
      for (let j = 0; j < r.length; j++) if (bottleneck[r[j]]) hit = true;
      if (!hit) {
        unfrozen[kept++] = i;
        continue;
      }
      rates[i] = share;
      for (let j = 0; j < r.length; j++) {
        residual[r[j]] -= share;
        count[r[j]]--;
      }
    }
    left = kept;
  }
  for (let k = 0; k < nTouched; k++) {
    count[touched[k]] = 0;
    bottleneck[touched[k]] = 0;
  }
}

/** Max-min fair rate of each route's flow when all of them share `links` at once. */
export function maxMinRates(links: { bandwidthBytesPerSecond: number }[], routes: number[][]): number[] {
  const rates = new Float64Array(routes.length);
  fillRates(links.map((l) => l.bandwidthBytesPerSecond), routes, routes.length, rates, new FillScratch(links.length));
  return Array.from(rates);
}

/** A node of the memo: the flow set made of the routes on the path from the root. */
class MemoNode {
  readonly next = new Map<number, MemoNode>();
  /** Where removing the flows at the positions in a bit mask leads (sets of up to MAX_MASKED_FLOWS). */
  removed?: Map<number, MemoNode>;
  rates?: Float64Array;
}

/**
 * Max-min rates already computed, by the sequence of routes in flight: rates depend on nothing
 * else (for one set of links), and a training step repeats the same few flow sets every round
 * and every step. A trie over route ids, so a flow starting extends the current set in one
 * lookup; routes are told apart by identity (topologies hand out each route once).
 */
export class RateMemo {
  private ids = new WeakMap<ArrayLike<number>, number>();
  private nextId = 0;
  private nodes = 0;
  root = new MemoNode();
  /** Bumped when the memo forgets everything: a network holding an older node lets it go. */
  generation = 0;
  /** Flow sets larger than this are computed every time: few repeat, and the trie would grow. */
  static readonly MAX_FLOWS = 64;
  /** Removals are remembered for sets of at most this many flows (positions fit a 31-bit mask). */
  static readonly MAX_MASKED_FLOWS = 30;
  /** Forget everything past this many nodes (a bound on memory for long-lived processes). */
  static readonly MAX_NODES = 50_000; // (~10 MB; the AlexNet-OWT hybrid on 8 K20s needs ~750)

  id(route: ArrayLike<number>): number {
    let id = this.ids.get(route);
    if (id === undefined) this.ids.set(route, (id = this.nextId++));
    return id;
  }

  child(node: MemoNode, routeId: number): MemoNode {
    let c = node.next.get(routeId);
    if (!c) {
      if (++this.nodes > RateMemo.MAX_NODES) {
        this.root = new MemoNode();
        this.nodes = 0;
        this.generation++;
      }
      node.next.set(routeId, (c = new MemoNode()));
    }
    return c;
  }
}

/**
 * The flows in flight, in the order they started (parallel arrays: no object per flow). Each
 * flow carries a caller's token, handed back to `onDone` when its last byte arrives.
 */
export class FlowNetwork {
  /** Bytes carried per link so far. */
  readonly bytesCarried: Float64Array;
  private readonly bandwidth: Float64Array;
  private readonly scratch: FillScratch;
  private routes: ArrayLike<number>[] = [];
  private remaining = new Float64Array(16);
  private rate = new Float64Array(16);
  private token = new Int32Array(16);
  private routeId = new Int32Array(16);
  private n = 0;
  /** The memo's node for the flows now in flight; undefined when not known yet (found again when needed). */
  private at: MemoNode | undefined;
  /** The memo generation `at` and `removedFrom` belong to. */
  private generation = 0;
  /** A removal whose destination node is not known yet: recorded once the walk finds it. */
  private removedFrom: MemoNode | undefined;
  private removedMask = 0;
  private lastUpdate = 0;
  private version = 0;
  private dirty = false;
  private readonly settleKind: number;
  private readonly nextKind: number;

  constructor(
    private engine: Engine, links: readonly { bandwidthBytesPerSecond: number }[], private onDone: (token: number) => void,
    private memo?: RateMemo,
  ) {
    this.at = memo?.root;
    this.generation = memo?.generation ?? 0;
    this.bandwidth = Float64Array.from(links, (l) => l.bandwidthBytesPerSecond);
    this.bytesCarried = new Float64Array(links.length);
    this.scratch = new FillScratch(links.length);
    this.settleKind = engine.on(() => this.settle());
    this.nextKind = engine.on((v) => this.next(v));
  }

  get active(): number {
    return this.n;
  }

  /** Starts a flow of `bytes` over `route` now; `onDone(token)` fires when its last byte arrives. */
  start(route: ArrayLike<number>, bytes: number, token: number): void {
    this.advance();
    if (bytes <= 0 || route.length === 0) {
      this.onDone(token);
      return;
    }
    for (let j = 0; j < route.length; j++) this.bytesCarried[route[j]] += bytes;
    if (this.n === this.remaining.length) this.grow();
    const i = this.n++;
    this.routes[i] = route;
    this.remaining[i] = bytes;
    this.rate[i] = 0;
    this.token[i] = token;
    const memo = this.memo;
    if (memo) {
      this.routeId[i] = memo.id(route);
      this.removedFrom = undefined;
      this.forgetIfReset(memo);
      if (this.at) this.at = this.n <= RateMemo.MAX_FLOWS ? memo.child(this.at, this.routeId[i]) : undefined;
    }
    this.markDirty();
  }

  /**
   * Many flows start or end at the same instant (every rank of a ring step): recompute rates once,
   * after all of that instant's events (priority 1 runs after priority 0 at equal times). A new
   * flow moves no bytes until then, so deferring changes nothing but the work.
   */
  private markDirty(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.version = (this.version + 1) | 0; // any pending completion is stale: rates are about to change (an Int32 event argument)
    this.engine.schedule(this.engine.now, this.settleKind, 0, 1);
  }

  private settle(): void {
    this.dirty = false;
    this.advance();
    if (this.n) this.reschedule();
  }

  private advance(): void {
    const dt = this.engine.now - this.lastUpdate;
    if (dt > 0) for (let i = 0; i < this.n; i++) this.remaining[i] -= this.rate[i] * dt;
    this.lastUpdate = this.engine.now;
  }

  private reschedule(): void {
    const memo = this.memo;
    if (memo) this.forgetIfReset(memo);
    if (memo && !this.at && this.n <= RateMemo.MAX_FLOWS) {
      this.at = memo.root;
      for (let i = 0; i < this.n; i++) this.at = memo.child(this.at, this.routeId[i]);
      if (this.removedFrom) (this.removedFrom.removed ??= new Map()).set(this.removedMask, this.at);
      this.removedFrom = undefined;
    }
    const known = this.at?.rates;
    if (known) this.rate.set(known);
    else {
      fillRates(this.bandwidth, this.routes, this.n, this.rate, this.scratch);
      if (this.at) this.at.rates = this.rate.slice(0, this.n);
    }
    let next = Infinity;
    for (let i = 0; i < this.n; i++) next = Math.min(next, this.remaining[i] / this.rate[i]);
    if (next === Infinity) return;
    this.version = (this.version + 1) | 0;
    this.engine.schedule(this.engine.now + Math.max(0, next), this.nextKind, this.version);
  }

  /** The earliest flow was due now: retire every finished flow, in the order they started. */
  private next(version: number): void {
    if (version !== this.version) return; // superseded by a later rate change
    this.advance();
    const finished: number[] = [];
    let kept = 0;
    // The removal is remembered in the memo (as a bit mask of the finished flows' positions) when
    // the set is small enough for the mask and the memo is current.
    if (this.memo) this.forgetIfReset(this.memo);
    let from = this.n <= RateMemo.MAX_MASKED_FLOWS ? this.at : undefined;
    let mask = 0;
    for (let i = 0; i < this.n; i++) {
      if (this.remaining[i] <= EPS_BYTES * Math.max(1, this.rate[i] * 1e-9)) {
        finished.push(this.token[i]);
        if (from) mask |= 1 << i;
      } else this.keep(i, kept++);
    }
    // When a float residue keeps the earliest flow alive, finish it anyway: it was scheduled to end now.
    if (finished.length === 0 && kept) {
      let k = 0;
      for (let i = 1; i < kept; i++) if (this.remaining[i] / this.rate[i] < this.remaining[k] / this.rate[k]) k = i;
      finished.push(this.token[k]);
      for (let i = k + 1; i < kept; i++) this.keep(i, i - 1);
      kept--;
      from = undefined; // (not worth remembering: a rare rounding case)
    }
    for (let i = kept; i < this.n; i++) this.routes[i] = EMPTY;
    this.n = kept;
    this.at = from?.removed?.get(mask);
    this.removedFrom = !this.at ? from : undefined;
    this.removedMask = mask;
    if (this.n) this.markDirty();
    for (let i = 0; i < finished.length; i++) this.onDone(finished[i]);
  }

  /** Lets go of memo nodes from before the memo last forgot everything. */
  private forgetIfReset(memo: RateMemo): void {
    if (this.generation === memo.generation) return;
    this.generation = memo.generation;
    this.at = undefined;
    this.removedFrom = undefined;
  }

  private keep(from: number, to: number): void {
    if (from === to) return;
    this.routes[to] = this.routes[from];
    this.remaining[to] = this.remaining[from];
    this.rate[to] = this.rate[from];
    this.token[to] = this.token[from];
    this.routeId[to] = this.routeId[from];
  }

  private grow(): void {
    const size = this.remaining.length * 2;
    this.remaining = grown(this.remaining, size);
    this.rate = grown(this.rate, size);
    this.token = grown(this.token, size);
    this.routeId = grown(this.routeId, size);
  }
}

const EMPTY: number[] = [];
