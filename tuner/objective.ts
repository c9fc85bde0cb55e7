// What the tuner minimises: seconds per sample (throughput) or cost per sample — dollars where the
// hardware has prices, worker-seconds otherwise.
import type { Hardware } from '../simulator/hardware/schema';
import type { Feasible } from '../simulator/simulate';

export type Objective = 'throughput' | 'cost';

export interface Score {
  secondsPerSample: number;
  costPerSample: number;
}

/** Price of one worker for one second, or 1 (worker-seconds) when the hardware has none. */
export function workerSecondPrice(hw: Hardware): number {
  const p = hw.price;
  if (!p) return 1;
  if (p.dollarsPerWorkerHour !== undefined) return p.dollarsPerWorkerHour / 3600;
  return (p.dollarsPerGBSecond ?? 0) * ((hw.functions?.memoryMB ?? 1024) / 1024);
}

export const costUnit = (hw: Hardware): string => (hw.price ? 'dollars' : 'worker-seconds');

export function score(hw: Hardware, r: Feasible): Score {
  return {
    secondsPerSample: r.stepTimeSeconds / r.samplesPerStep,
    costPerSample: r.cost ? r.cost.dollarsPerSample : (r.stepTimeSeconds * r.plan.workers * workerSecondPrice(hw)) / r.samplesPerStep,
  };
}

export const value = (s: Score, o: Objective): number => (o === 'cost' ? s.costPerSample : s.secondsPerSample);
