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

  private add<T extends Task>(t: Omit<T, 'id' | 'step'>): number {
    const id = this.tasks.length;
    this.tasks.push({ ...t, id, step: this.step } as T);
    return id;
  }
  compute(worker: number, seconds: number, deps: number[], label: string, cat: Category): number {
    return this.add<ComputeTask>({ kind: 'compute', worker, seconds, deps: clean(deps), label, cat });
  }
  transfer(src: number, dst: number, bytes: number, deps: number[], label: string): number {
    return this.add<TransferTask>({ kind: 'transfer', src, dst, bytes, deps: clean(deps), label, cat: 'comm' });
  }
  delay(worker: number, seconds: number, deps: number[], label: string, cat: Category = 'comm'): number {
    return this.add<DelayTask>({ kind: 'delay', worker, seconds, deps: clean(deps), label, cat });
  }
  /** A zero-time task that completes when all `deps` have: a barrier or a join point. */
  join(deps: number[], label = 'join'): number {
    return this.delay(-1, 0, deps, label, 'sync');
  }
}

/** Dependencies may be given as `-1` for "none" (the first step has no predecessor). */
function clean(deps: number[]): number[] {
  const out: number[] = [];
  for (const d of deps) if (d >= 0 && !out.includes(d)) out.push(d);
  return out;
}
