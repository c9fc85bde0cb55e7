// The event queue: a binary heap ordered by (time, priority, sequence number). The numeric
// sequence number makes ties stable and the simulation deterministic (SimPy's core does the same).
// An event is two integers (what happens, to what) rather than a closure: a hybrid AlexNet step
// fires thousands of events and the tuner runs thousands of simulations, so the heap lives in
// typed arrays and pushing an event allocates nothing.

export class EventQueue {
  private time = new Float64Array(64);
  /** priority × 2³² + sequence number: one comparison for both tie-breakers. */
  private order = new Float64Array(64);
  private kinds = new Int32Array(64);
  private args = new Int32Array(64);
  private n = 0;
  private nextSeq = 0;

  /** The last popped event. */
  popped = { time: 0, priority: 0, seq: 0, kind: 0, arg: 0 };

  get size(): number {
    return this.n;
  }

  push(time: number, priority: number, kind: number, arg: number): void {
    if (this.n === this.time.length) this.grow();
    const key = priority * 4294967296 + this.nextSeq++;
    // Sift up: move parents down until the new event's place is found, then write it once.
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = this.time[p];
      if (pt < time || (pt === time && this.order[p] < key)) break;
      this.move(p, i);
      i = p;
    }
    this.write(i, time, key, kind, arg);
  }

  /** Removes the earliest event into `popped`; false when the queue is empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    const e = this.popped;
    e.time = this.time[0];
    const key = this.order[0];
    e.priority = Math.floor(key / 4294967296);
    e.seq = key - e.priority * 4294967296;
    e.kind = this.kinds[0];
    e.arg = this.args[0];
    const last = --this.n;
    if (last > 0) {
      const t = this.time[last];
      const k = this.order[last];
      const kind = this.kinds[last];
      const arg = this.args[last];
      // Sift down the last event from the root.
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        const r = l + 1;
        let m = l;
        if (r < last && (this.time[r] < this.time[l] || (this.time[r] === this.time[l] && this.order[r] < this.order[l]))) m = r;
        if (this.time[m] > t || (this.time[m] === t && this.order[m] > k)) break;
        this.move(m, i);
        i = m;
      }
      this.write(i, t, k, kind, arg);
    }
    return true;
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from];
    this.order[to] = this.order[from];
    this.kinds[to] = this.kinds[from];
    this.args[to] = this.args[from];
  }

  private write(i: number, time: number, key: number, kind: number, arg: number): void {
    this.time[i] = time;
    this.order[i] = key;
    this.kinds[i] = kind;
    this.args[i] = arg;
  }

  private grow(): void {
    const size = this.time.length * 2;
    const t = new Float64Array(size);
    t.set(this.time);
    this.time = t;
    const o = new Float64Array(size);
    o.set(this.order);
    this.order = o;
    const k = new Int32Array(size);
    k.set(this.kinds);
    this.kinds = k;
    const a = new Int32Array(size);
    a.set(this.args);
    this.args = a;
  }
}
