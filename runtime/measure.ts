// From every worker's per-step records to the figures a run reports: the steady-state step time
// (warm-up steps left out) and where each worker's time went.
import type { StepRecord } from './protocol';
import { median as medianOf } from 'simple-statistics';
import { mean } from './calibrate-fit';

export interface MeasuredStep {
  step: number;
  /** The slowest worker's step time (workers are in lock-step through their collectives). */
  stepSeconds: number;
  /** Means over workers. */
  computeSeconds: number;
  communicationSeconds: number;
  waitingSeconds: number;
  loss: number;
  warmup: boolean;
  /** Most live tensors on any worker after the step. */
  tensors: number;
  /** Most tensor bytes any worker held between its forward and backward passes (grid executor only). */
  heldBytes?: number;
}

export interface WorkerTimes {
  rank: number;
  stepSeconds: number;
  computeSeconds: number;
  communicationSeconds: number;
  waitingSeconds: number;
  bytesSentPerStep: number;
}

export interface Measured {
  /** Mean over the steady-state steps. */
  stepSeconds: number;
  stepSecondsMedian: number;
  samplesPerSecond: number;
  computeSeconds: number;
  communicationSeconds: number;
  waitingSeconds: number;
  warmupSteps: number;
  steps: MeasuredStep[];
  workers: WorkerTimes[];
}

/** Steps left out of the steady state: the first runs compile kernels and grow memory pools. */
export function defaultWarmup(steps: number): number {
  return steps >= 5 ? 2 : steps >= 2 ? 1 : 0;
}

const median = (xs: number[]) => (xs.length ? medianOf(xs) : 0);

/** records[rank][step]. */
export function measure(records: StepRecord[][], stepSamples: number, warmup: number): Measured {
  const steps = records[0].length;
  const perStep: MeasuredStep[] = Array.from({ length: steps }, (_, t) => {
    const rs = records.map((w) => w[t]);
    return {
      step: t,
      stepSeconds: Math.max(...rs.map((r) => r.endSeconds - r.startSeconds)),
      computeSeconds: mean(rs.map((r) => r.computeSeconds)),
      communicationSeconds: mean(rs.map((r) => r.communicationSeconds)),
      waitingSeconds: mean(rs.map((r) => r.waitingSeconds)),
      loss: rs.reduce((a, r) => a + r.lossSum, 0) / stepSamples,
      warmup: t < warmup,
      tensors: Math.max(...rs.map((r) => r.tensors)),
      ...(rs.some((r) => r.heldBytes !== undefined) ? { heldBytes: Math.max(...rs.map((r) => r.heldBytes ?? 0)) } : {}),
    };
  });
  const steady = perStep.filter((s) => !s.warmup);
  const stepSeconds = mean(steady.map((s) => s.stepSeconds));
  return {
    stepSeconds,
    stepSecondsMedian: median(steady.map((s) => s.stepSeconds)),
    samplesPerSecond: stepSeconds > 0 ? stepSamples / stepSeconds : 0,
    computeSeconds: mean(steady.map((s) => s.computeSeconds)),
    communicationSeconds: mean(steady.map((s) => s.communicationSeconds)),
    waitingSeconds: mean(steady.map((s) => s.waitingSeconds)),
    warmupSteps: warmup,
    steps: perStep,
    workers: records.map((w, rank) => {
      const st = w.slice(warmup);
      return {
        rank,
        stepSeconds: mean(st.map((r) => r.endSeconds - r.startSeconds)),
        computeSeconds: mean(st.map((r) => r.computeSeconds)),
        communicationSeconds: mean(st.map((r) => r.communicationSeconds)),
        waitingSeconds: mean(st.map((r) => r.waitingSeconds)),
        bytesSentPerStep: mean(st.map((r) => r.bytesSent)),
      };
    }),
  };
}
