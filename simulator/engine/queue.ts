// The event queue: a binary heap ordered by (time, priority, sequence number). The numeric
// sequence number makes ties stable and the simulation deterministic (SimPy's core does the same).
// An event is two integers (what happens, to what) rather than a closure: a hybrid AlexNet step
// fires thousands of events and the tuner runs thousands of simulations, so the heap lives in
// typed arrays and pushing an event allocates nothing.

import { grown } from './grown';

export class EventQueue {
  private time = new Float64Array(64);
  /** priority × 2³² + sequence number: one comparison for both tie-breakers. */
  private order = new Float64Array(64);
  private kinds = new Int32Array(64);
  private args = new Int32Array(64);
  private n = 0;
  private nextSeq = 0;

  /** The last popped event (`order` = priority × 2³² + sequence number). */
  popped = { time: 0, order: 0, kind: 0, arg: 0 };

  get size(): number {
    return this.n;
  }

  push(time: number, priority: number, kind: number, arg: number): void {
    if (this.n === this.time.length) this.grow();
    const key = priority * 4294967296 + this.nextSeq++;
    const t = this.time;
    const o = this.order;
    const k = this.kinds;
    const a = this.args;
    // Sift up: move parents down until the new event's place is found, then write it once.
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = t[p];
      if (pt < time || (pt === time && o[p] < key)) break;
      t[i] = pt;
      o[i] = o[p];
      k[i] = k[p];
      a[i] = a[p];
      i = p;
    }
    t[i] = time;
    o[i] = key;
    k[i] = kind;
    a[i] = arg;
  }

  /** Removes the earliest event into `popped`; false when the queue is empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    const t = this.time;
    const o = this.order;
    const k = this.kinds;
    const a = this.args;
    const e = this.popped;
    e.time = t[0];
    e.order = o[0];
    e.kind = k[0];
    e.arg = a[0];
    const last = --this.n;
    if (last > 0) {
      const lt = t[last];
      const lo = o[last];
      // Sift the last event down from the root, moving smaller children up.
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        const r = l + 1;
        let m = l;
        if (r < last && (t[r] < t[l] || (t[r] === t[l] && o[r] < o[l]))) m = r;
        if (t[m] > lt || (t[m] === lt && o[m] > lo)) break;
        t[i] = t[m];
        o[i] = o[m];
        k[i] = k[m];
        a[i] = a[m];
        i = m;
      }
      t[i] = lt;
      o[i] = lo;
      k[i] = k[last];
      a[i] = a[last];
    }
    return true;
  }

  /** Priority and sequence number of an event's `order`. */
  static priorityAndSeq(order: number): [number, number] {
    const priority = Math.floor(order / 4294967296);
    return [priority, order - priority * 4294967296];
  }

  private grow(): void {
    const size = this.time.length * 2;
    this.time = grown(this.time, size);
    this.order = grown(this.order, size);
    this.kinds = grown(this.kinds, size);
    this.args = grown(this.args, size);
  }
}
