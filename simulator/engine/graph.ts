// Task graphs: what a strategy lowers a plan to. Compute tasks occupy a worker's compute stream;
// transfers are flows over the topology's links; delays take time on no resource (request
// latency, closed-form collectives of the symmetric fast path). Ids are creation order, which is
// also each stream's priority (program order).
//
// The graph is stored as columns (one typed array per field) rather than one object per task:
// the tuner lowers and runs thousands of graphs, and a hybrid AlexNet step has over a thousand
// tasks. `task(i)` and `tasks` give the same graph as objects, for traces and tests.

import { grown } from './grown';

export type Category = 'forward' | 'backward' | 'update' | 'comm' | 'sync';

interface Base {
  id: number;
  deps: number[];
  label: string;
  step: number;
  cat: Category;
}
export interface ComputeTask extends Base {
  kind: 'compute';
  worker: number;
  seconds: number;
}
export interface TransferTask extends Base {
  kind: 'transfer';
  src: number;
  dst: number;
  bytes: number;
  /** Messages this transfer stands for, sent back to back: the route's latency is paid once per message. */
  messages: number;
}
export interface DelayTask extends Base {
  kind: 'delay';
  /** The worker whose communication this stands for (for the breakdown), or -1. */
  worker: number;
  seconds: number;
}
export type Task = ComputeTask | TransferTask | DelayTask;

/** Task kinds as stored in `TaskGraph.kinds`. */
export const COMPUTE = 0;
export const TRANSFER = 1;
export const DELAY = 2;
const KINDS = ['compute', 'transfer', 'delay'] as const;
/** Categories as stored in `TaskGraph.cats`. */
export const CATEGORIES: readonly Category[] = ['forward', 'backward', 'update', 'comm', 'sync'];
export const COMM = CATEGORIES.indexOf('comm');
const CATEGORY_CODE: Record<Category, number> = { forward: 0, backward: 1, update: 2, comm: 3, sync: 4 };

/** The typed arrays of one graph; a disposed graph's columns serve the next one. */
class Columns {
  constructor(
    public size: number,
    public kinds = new Uint8Array(size),
    public cats = new Uint8Array(size),
    public steps = new Int32Array(size),
    public where = new Int32Array(size),
    public dst = new Int32Array(size),
    public amount = new Float64Array(size),
    public messages = new Float64Array(size),
    public depStart = new Int32Array(size + 1),
    public depList = new Int32Array(2 * size),
    public labels: string[] = [],
  ) {}
}
const spare: Columns[] = [];

export class TaskGraph {
  size = 0;
  step = 0;
  private edges = 0;
  private c: Columns;

  constructor() {
    this.c = spare.pop() ?? new Columns(1024);
  }

  /** Task labels (for traces, costs and error messages). */
  get labels(): string[] {
    return this.c.labels;
  }
  /** COMPUTE, TRANSFER or DELAY, per task. */
  get kinds(): Uint8Array {
    return this.c.kinds;
  }
  /** The category of each task (an index into CATEGORIES). */
  get cats(): Uint8Array {
    return this.c.cats;
  }
  /** The step each task belongs to. */
  get steps(): Int32Array {
    return this.c.steps;
  }
  /** The worker of a compute or delay task (-1: none), the source of a transfer. */
  get where(): Int32Array {
    return this.c.where;
  }
  /** The destination of a transfer (-1 otherwise). */
  get dst(): Int32Array {
    return this.c.dst;
  }
  /** Seconds of a compute or delay task, bytes of a transfer. */
  get amount(): Float64Array {
    return this.c.amount;
  }
  /** Messages of a transfer (its latency is paid once per message), 0 otherwise. */
  get messages(): Float64Array {
    return this.c.messages;
  }
  /** Task i waits for depList[depStart[i] .. depStart[i + 1]). */
  get depStart(): Int32Array {
    return this.c.depStart;
  }
  get depList(): Int32Array {
    return this.c.depList;
  }

  compute(worker: number, seconds: number, deps: number[], label: string, cat: Category): number {
    return this.add(COMPUTE, CATEGORY_CODE[cat], worker, -1, seconds, 0, deps, label);
  }
  transfer(src: number, dst: number, bytes: number, deps: number[], label: string, messages = 1): number {
    return this.add(TRANSFER, COMM, src, dst, bytes, messages, deps, label);
  }
  delay(worker: number, seconds: number, deps: number[], label: string, cat: Category = 'comm'): number {
    return this.add(DELAY, CATEGORY_CODE[cat], worker, -1, seconds, 0, deps, label);
  }
  /** A zero-time task that completes when all `deps` have: a barrier or a join point. */
  join(deps: number[], label = 'join'): number {
    return this.delay(-1, 0, deps, label, 'sync');
  }

  /** Task `i` as an object. */
  task(i: number): Task {
    const c = this.c;
    const base = { id: i, deps: this.depsOf(i), label: this.labels[i], step: c.steps[i], cat: CATEGORIES[c.cats[i]] };
    const kind = KINDS[c.kinds[i]];
    if (kind === 'transfer') return { kind, ...base, src: c.where[i], dst: c.dst[i], bytes: c.amount[i], messages: c.messages[i] };
    return { kind, ...base, worker: c.where[i], seconds: c.amount[i] };
  }

  /** Every task as an object (built on demand: the simulator itself reads the columns). */
  get tasks(): Task[] {
    return Array.from({ length: this.size }, (_, i) => this.task(i));
  }

  /** The tasks that task `i` waits for. */
  depsOf(i: number): number[] {
    return Array.from(this.c.depList.subarray(this.c.depStart[i], this.c.depStart[i + 1]));
  }

  /** Hands the columns to the next graph; this one must not be used afterwards (adding to it throws). */
  dispose(): void {
    if (this.disposed) return; // (twice would hand the same columns to two graphs)
    this.disposed = true;
    this.c.labels.length = this.size; // (what lies beyond is garbage from an earlier graph)
    if (spare.length < 4) spare.push(this.c);
    this.c = new Columns(0);
    this.size = 0;
  }
  private disposed = false;

  /** Dependencies may be given as `-1` for "none" (the first step has no predecessor); repeats count once. */
  private add(kind: number, cat: number, where: number, dst: number, amount: number, messages: number, deps: number[], label: string): number {
    if (this.disposed) throw new Error('task added to a disposed task graph');
    const id = this.size;
    let c = this.c;
    if (id + 1 >= c.size) c = this.grow(Math.max(1024, 2 * c.size));
    if (this.edges + deps.length > c.depList.length) c.depList = grown(c.depList, 2 * (this.edges + deps.length));
    c.kinds[id] = kind;
    c.cats[id] = cat;
    c.steps[id] = this.step;
    c.where[id] = where;
    c.dst[id] = dst;
    c.amount[id] = amount;
    c.messages[id] = messages;
    const list = c.depList;
    const from = this.edges;
    let e = from;
    // Repeats are found by scanning what was kept, which is quadratic: a join over thousands of
    // tasks (every layer of a 2,000-layer model, every worker of 1,024) uses a set instead.
    const many = deps.length > 32 ? new Set<number>() : undefined;
    for (let i = 0; i < deps.length; i++) {
      const d = deps[i];
      if (d < 0) continue;
      // (Also catches undefined, which a typed array would store as task 0.)
      if (!(d < id)) throw new Error(`task ${id} (${label}) depends on ${d}, which is not an earlier task`);
      if (many) {
        if (many.has(d)) continue;
        many.add(d);
        list[e++] = d;
        continue;
      }
      let seen = false;
      for (let j = from; j < e; j++) if (list[j] === d) seen = true;
      if (!seen) list[e++] = d;
    }
    this.edges = e;
    c.depStart[id + 1] = e;
    c.labels[id] = label;
    this.size = id + 1;
    return id;
  }

  private grow(size: number): Columns {
    const o = this.c;
    const c = new Columns(size, grown(o.kinds, size), grown(o.cats, size), grown(o.steps, size), grown(o.where, size), grown(o.dst, size),
      grown(o.amount, size), grown(o.messages, size), grown(o.depStart, size + 1), o.depList, o.labels);
    this.c = c;
    return c;
  }
}
