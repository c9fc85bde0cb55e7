// Flow-level network model: transfers are fluid flows over routes of links; concurrent flows
// share each link max-min fairly (progressive filling, as SimGrid's flow models do). Rates are
// recomputed whenever a flow starts or ends; the engine is told when the next flow finishes.
import type { Engine } from './engine';

export interface Link {
  id: number;
  name: string;
  bandwidthBytesPerSecond: number;
  /** Bytes carried so far (for the bytes-sent-equals-bytes-received law and the trace). */
  bytesCarried: number;
}

interface Flow {
  id: number;
  route: number[];
  remaining: number;
  rate: number;
  done: () => void;
}

// A flow whose remaining bytes fall below this is complete (floating-point residue of rate × dt).
const EPS_BYTES = 1e-6;

/**
 * Max-min fair rates by progressive filling: repeatedly find the links whose fair share
 * (residual capacity / unfrozen flows) is smallest and freeze every flow crossing them at that
 * share. All links tied at the minimum are frozen together, so symmetric patterns take one round.
 * `residual` and `count` are scratch arrays of links.length (zeroed on return).
 */
export function maxMinRates(
  links: { bandwidthBytesPerSecond: number }[], routes: number[][],
  residual: Float64Array = new Float64Array(links.length), count: Int32Array = new Int32Array(links.length),
  bottleneck: Uint8Array = new Uint8Array(links.length), touched: number[] = [],
): number[] {
  // Plain loops and caller-owned scratch arrays: this runs on every flow start and end.
  touched.length = 0;
  const nFlows = routes.length;
  const rates = new Array<number>(nFlows).fill(-1);
  for (let i = 0; i < nFlows; i++) {
    const r = routes[i];
    for (let j = 0; j < r.length; j++) {
      const l = r[j];
      if (count[l] === 0) {
        touched.push(l);
        residual[l] = links[l].bandwidthBytesPerSecond;
      }
      count[l]++;
    }
  }
  let unfrozen = nFlows;
  while (unfrozen > 0) {
    let share = Infinity;
    for (let k = 0; k < touched.length; k++) {
      const l = touched[k];
      if (count[l] > 0) {
        const s = residual[l] / count[l];
        if (s < share) share = s;
      }
    }
    // Links within a relative 1e-12 of the minimum are the same bottleneck (float noise).
    const limit = share * (1 + 1e-12);
    for (let k = 0; k < touched.length; k++) {
      const l = touched[k];
      bottleneck[l] = count[l] > 0 && residual[l] / count[l] <= limit ? 1 : 0;
    }
    for (let i = 0; i < nFlows; i++) {
      if (rates[i] >= 0) continue;
      const r = routes[i];
      let hit = false;
      for (let j = 0; j < r.length; j++) if (bottleneck[r[j]]) hit = true;
      if (!hit) continue;
      rates[i] = share;
      unfrozen--;
      for (let j = 0; j < r.length; j++) {
        residual[r[j]] -= share;
        count[r[j]]--;
      }
    }
  }
  for (let k = 0; k < touched.length; k++) {
    count[touched[k]] = 0;
    bottleneck[touched[k]] = 0;
  }
  return rates;
}

export class FlowNetwork {
  private flows: Flow[] = [];
  private lastUpdate = 0;
  private version = 0;
  private nextId = 0;
  /** Per-link count scratch space, reused across rate computations. */
  private residual: Float64Array;
  private count: Int32Array;
  private bottleneck: Uint8Array;
  private touched: number[] = [];
  private routes: number[][] = [];

  constructor(private engine: Engine, public readonly links: Link[]) {
    this.residual = new Float64Array(links.length);
    this.count = new Int32Array(links.length);
    this.bottleneck = new Uint8Array(links.length);
  }

  get active(): number {
    return this.flows.length;
  }

  /** Starts a flow of `bytes` over `route` now; `done` fires when its last byte arrives. */
  start(route: number[], bytes: number, done: () => void): void {
    this.advance();
    if (bytes <= 0 || route.length === 0) {
      done();
      return;
    }
    for (const l of route) this.links[l].bytesCarried += bytes;
    this.flows.push({ id: this.nextId++, route, remaining: bytes, rate: 0, done });
    this.markDirty();
  }

  private dirty = false;
  /**
   * Many flows start or end at the same instant (every rank of a ring step): recompute rates once,
   * after all of that instant's events (priority 1 runs after priority 0 at equal times). A new
   * flow moves no bytes until then, so deferring changes nothing but the work.
   */
  private markDirty(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.version++; // any pending completion is stale: rates are about to change
    this.engine.schedule(this.engine.now, () => {
      this.dirty = false;
      this.advance();
      if (this.flows.length) this.reschedule();
    }, 1);
  }

  private advance(): void {
    const dt = this.engine.now - this.lastUpdate;
    if (dt > 0) for (const f of this.flows) f.remaining -= f.rate * dt;
    this.lastUpdate = this.engine.now;
  }

  private computeRates(): void {
    const routes = this.routes;
    routes.length = this.flows.length;
    for (let i = 0; i < this.flows.length; i++) routes[i] = this.flows[i].route;
    const rates = maxMinRates(this.links, routes, this.residual, this.count, this.bottleneck, this.touched);
    for (let i = 0; i < this.flows.length; i++) this.flows[i].rate = rates[i];
  }

  private reschedule(): void {
    this.computeRates();
    let next = Infinity;
    for (const f of this.flows) next = Math.min(next, f.remaining / f.rate);
    if (next === Infinity) return;
    const v = ++this.version;
    this.engine.schedule(this.engine.now + Math.max(0, next), () => {
      if (v !== this.version) return; // superseded by a later rate change
      this.advance();
      const finished: Flow[] = [];
      const still: Flow[] = [];
      for (const f of this.flows) (f.remaining <= EPS_BYTES * Math.max(1, f.rate * 1e-9) ? finished : still).push(f);
      this.flows = still;
      // When a float residue keeps the earliest flow alive, finish it anyway: it was scheduled to end now.
      if (finished.length === 0 && this.flows.length) {
        let k = 0;
        for (let i = 1; i < this.flows.length; i++) if (this.flows[i].remaining / this.flows[i].rate < this.flows[k].remaining / this.flows[k].rate) k = i;
        finished.push(...this.flows.splice(k, 1));
      }
      if (this.flows.length) this.markDirty();
      finished.sort((a, b) => a.id - b.id);
      for (const f of finished) f.done();
    });
  }
}
