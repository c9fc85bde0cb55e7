// What the tuner minimises: seconds per sample (throughput) or cost per sample — dollars where the
// hardware has prices, worker-seconds otherwise — or, given the training statistics, the time or
// cost to a target accuracy: the same per-sample figures times the samples the plan's global batch
// needs to reach the target, E(B) = E_min·(1 + B/B_noise) (tuner/accuracy.ts).
import type { Hardware } from '../simulator/hardware/schema';
import type { Feasible } from '../simulator/simulate';
import { samplesToTarget } from '../simulator/statistics/efficiency';

export const OBJECTIVES = ['throughput', 'cost', 'time-to-accuracy', 'cost-to-accuracy'] as const;
export type Objective = (typeof OBJECTIVES)[number];

/** Whether the objective counts samples to a target (and so needs a noise scale). */
export const toAccuracy = (o: Objective): boolean => o === 'time-to-accuracy' || o === 'cost-to-accuracy';

/** What turns per-sample figures into figures to the target. */
export interface Statistics {
  /** B_noise in samples (a schedule already reduced to its effective value). */
  noiseScale: number;
  /** E_min; without it, figures to the target are in units of E_min samples. */
  minSamples?: number;
}

export interface Score {
  secondsPerSample: number;
  costPerSample: number;
  /** Samples to the target at this plan's global batch (present when statistics were given). */
  samplesToTarget?: number;
}

/** Price of one worker for one second, or 1 (worker-seconds) when the hardware has none. */
export function workerSecondPrice(hw: Hardware): number {
  const p = hw.price;
  if (!p) return 1;
  if (p.dollarsPerWorkerHour !== undefined) return p.dollarsPerWorkerHour / 3600;
  return (p.dollarsPerGBSecond ?? 0) * ((hw.functions?.memoryMB ?? 1024) / 1024);
}

export const costUnit = (hw: Hardware): string => (hw.price ? 'dollars' : 'worker-seconds');

/** Samples to the target at global batch B, or undefined without statistics. */
export const targetSamples = (stats: Statistics | undefined, globalBatch: number): number | undefined =>
  stats ? samplesToTarget(stats.minSamples ?? 1, stats.noiseScale, globalBatch) : undefined;

export function score(hw: Hardware, r: Feasible, stats?: Statistics): Score {
  return {
    secondsPerSample: r.stepTimeSeconds / r.samplesPerStep,
    costPerSample: r.cost ? r.cost.dollarsPerSample : (r.stepTimeSeconds * r.plan.workers * workerSecondPrice(hw)) / r.samplesPerStep,
    ...(stats ? { samplesToTarget: targetSamples(stats, r.samplesPerStep) } : {}),
  };
}

/** The time and cost axes an objective is judged on: per sample, or to the target. */
export function axes(s: Score, o: Objective): { seconds: number; cost: number } {
  const k = toAccuracy(o) ? s.samplesToTarget ?? NaN : 1;
  return { seconds: s.secondsPerSample * k, cost: s.costPerSample * k };
}

export const value = (s: Score, o: Objective): number => {
  const a = axes(s, o);
  return o === 'cost' || o === 'cost-to-accuracy' ? a.cost : a.seconds;
};
