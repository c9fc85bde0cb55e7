// Whether a run fits in memory, checked before any worker starts. Without it, `run --batch
// 1000000` failed deep inside TF.js ("Invalid typed array length") and `--batch 20000` ran 22 s and
// took 4.2 GB before the wasm backend trapped. The need is the simulator's per-worker estimate
// (cost/memory.ts: weights, gradients, momentum, stashed activations) with the activations counted
// twice: during the backward pass the runtime's tape holds each layer's output and the gradient
// with respect to it, which has the same shape.
import { freemem } from 'node:os';
import { memoryPerWorker } from '../simulator/cost/memory';
import { problem, Problem } from '../simulator/errors';
import type { AnalyzedModel } from '../simulator/model/analyze';
import type { ResolvedPlan } from '../simulator/plan/resolve';
import type { Backend } from './backends';

export interface MemoryNeed {
  perWorkerBytes: number;
  /** What bounds it: the backend's limit per worker, or this machine's free memory shared by the workers. */
  limitBytes: number;
  limitedBy: string;
}

export function runMemoryNeed(model: AnalyzedModel, plan: ResolvedPlan, backend: Pick<Backend, 'name' | 'memoryLimitBytes'>, freeBytes = freemem()): MemoryNeed {
  const m = memoryPerWorker(model, plan, Infinity);
  const perWorkerBytes = m.totalBytes + m.activationsBytes;
  const share = freeBytes / plan.plan.workers;
  const backendLimit = backend.memoryLimitBytes ?? Infinity;
  return backendLimit < share
    ? { perWorkerBytes, limitBytes: backendLimit, limitedBy: `the ${backend.name} backend's limit per worker` }
    : { perWorkerBytes, limitBytes: share, limitedBy: `this machine's free memory shared by ${plan.plan.workers} worker${plan.plan.workers > 1 ? 's' : ''}` };
}

export function runMemoryProblems(need: MemoryNeed): Problem[] {
  if (need.perWorkerBytes <= need.limitBytes) return [];
  const gb = (b: number) => `${(b / 1e9).toFixed(2)} GB`;
  return [problem('batch', `each worker would need about ${gb(need.perWorkerBytes)}, more than ${gb(need.limitBytes)} (${need.limitedBy}): use a smaller batch or more workers`)];
}
