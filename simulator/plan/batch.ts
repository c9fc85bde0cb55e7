// The two batch sizes of a plan: what one step trains on, and what each worker (each replica)
// feeds through its layers. batchPerWorker is a share of the step only where layers are data
// parallel; tensor and pipeline ranks share their replica's samples.
import type { Plan } from './schema';

export interface BatchSizes {
  /** Samples one step trains on (one weight update): data-parallel replicas × batchPerWorker with data-parallel layers, else batchPerWorker. */
  global: number;
  /** The plan's batchPerWorker: the samples each worker (each data-parallel replica, with tensor or pipeline degrees) feeds through its layers per step. */
  perWorker: number;
  /** Data-parallel replicas: workers / (tensor × pipeline); tensor and pipeline ranks share their replica's samples. */
  replicas: number;
}

export function batchSizes(p: Plan): BatchSizes {
  const hasData = p.segments.some((s) => s.parallelism === 'data');
  const replicas = p.workers / ((p.tensor ?? 1) * (p.pipeline ?? 1));
  return { global: hasData ? replicas * p.batchPerWorker : p.batchPerWorker, perWorker: p.batchPerWorker, replicas };
}

/** Whether batchPerWorker is per data-parallel replica of several workers (tensor or pipeline degrees), so a description must say so. */
export const perReplica = (p: Plan, b: BatchSizes = batchSizes(p)): boolean => b.replicas !== p.workers && b.global !== b.perWorker;
