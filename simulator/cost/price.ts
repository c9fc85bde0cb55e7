// Dollars: worker time (per worker-hour, or per GB-second for functions) plus object-store requests.
import { TRANSFER, type TaskGraph } from '../engine/graph';
import type { Hardware } from '../hardware/schema';
import type { ResolvedPlan } from '../plan/resolve';

export interface Cost {
  dollarsPerStep: number;
  computeDollarsPerStep: number;
  requestDollarsPerStep: number;
  dollarsPerSample: number;
  /** Per epoch of the model's data set; absent when the model names none (figures are per sample). */
  dollarsPerEpoch?: number;
  secondsPerEpoch?: number;
}

/** Dollars for one step (`step`: which step of `g` to count requests in) and per epoch. */
export function costOf(hw: Hardware, plan: ResolvedPlan, stepSeconds: number, g: TaskGraph, step: number, datasetSamples: number | undefined): Cost | undefined {
  const price = hw.price;
  if (!price) return undefined;
  const K = plan.plan.workers;
  let perWorkerSecond = 0;
  if (price.dollarsPerWorkerHour !== undefined) perWorkerSecond = price.dollarsPerWorkerHour / 3600;
  else if (price.dollarsPerGBSecond !== undefined) perWorkerSecond = price.dollarsPerGBSecond * ((hw.functions?.memoryMB ?? 1024) / 1024);
  const compute = K * stepSeconds * perWorkerSecond;
  const store = hw.objectStore;
  let requests = 0;
  // Every PUT and GET of the s3 synchronisations is one request (polls that find nothing are not counted).
  if (store)
    for (let i = 0; i < g.size; i++) {
      if (g.kinds[i] !== TRANSFER || g.steps[i] !== step) continue;
      const label = g.labels[i];
      requests += label.includes(' s3 put') ? store.putDollarsPerRequest : label.includes(' s3 get') ? store.getDollarsPerRequest : 0;
    }
  const total = compute + requests;
  const steps = datasetSamples === undefined ? undefined : datasetSamples / plan.stepSamples;
  return {
    dollarsPerStep: total, computeDollarsPerStep: compute, requestDollarsPerStep: requests, dollarsPerSample: total / plan.stepSamples,
    ...(steps !== undefined ? { dollarsPerEpoch: total * steps, secondsPerEpoch: stepSeconds * steps } : {}),
  };
}
