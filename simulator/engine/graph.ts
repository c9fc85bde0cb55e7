// Task graphs: what a strategy lowers a plan to. Compute tasks occupy a worker's compute stream;
// transfers are flows over the topology's links; delays take time on no resource (request
// latency, closed-form collectives of the symmetric fast path). Ids are creation order, which is
// also each stream's priority (program order).

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

export class TaskGraph {
  readonly tasks: Task[] = [];
  step = 0;

  // Object literals with a fixed shape per kind keep V8's property access monomorphic: the tuner
  // builds thousands of graphs.
  compute(worker: number, seconds: number, deps: number[], label: string, cat: Category): number {
    const id = this.tasks.length;
    this.tasks.push({ kind: 'compute', id, deps: clean(deps), label, step: this.step, cat, worker, seconds });
    return id;
  }
  transfer(src: number, dst: number, bytes: number, deps: number[], label: string, messages = 1): number {
    const id = this.tasks.length;
    this.tasks.push({ kind: 'transfer', id, deps: clean(deps), label, step: this.step, cat: 'comm', src, dst, bytes, messages });
    return id;
  }
  delay(worker: number, seconds: number, deps: number[], label: string, cat: Category = 'comm'): number {
    const id = this.tasks.length;
    this.tasks.push({ kind: 'delay', id, deps: clean(deps), label, step: this.step, cat, worker, seconds });
    return id;
  }
  /** A zero-time task that completes when all `deps` have: a barrier or a join point. */
  join(deps: number[], label = 'join'): number {
    return this.delay(-1, 0, deps, label, 'sync');
  }
}

/** Dependencies may be given as `-1` for "none" (the first step has no predecessor). */
function clean(deps: number[]): number[] {
  // Most lists are already clean: keep them rather than copy (graphs are built thousands of times).
  let dirty = false;
  for (let i = 0; i < deps.length && !dirty; i++) {
    if (deps[i] < 0) dirty = true;
    for (let j = 0; j < i && !dirty; j++) if (deps[j] === deps[i]) dirty = true;
  }
  if (!dirty) return deps;
  const out: number[] = [];
  for (let i = 0; i < deps.length; i++) {
    const d = deps[i];
    if (d < 0) continue;
    let seen = false;
    for (let j = 0; j < out.length; j++) if (out[j] === d) seen = true;
    if (!seen) out.push(d);
  }
  return out;
}
