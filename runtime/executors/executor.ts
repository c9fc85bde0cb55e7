// The Executor interface: how one worker carries out one training step of a plan family
// (single, data, model, hybrid, pipeline). Executors register by family; the trainer
// (train.ts) owns everything around the step: setup, timing, faults, reporting.
import type { AnalyzedModel } from '../../simulator/model/analyze';
import type { ResolvedPlan } from '../../simulator/plan/resolve';
import type { Ring } from '../collectives/ring';
import type { Batch, DataSource } from '../model/data';
import type { Part } from '../model/network';
import type { OptimizerSpec } from '../model/optimizer';
import type { Transport } from '../transports/transport';

/** Accumulates the seconds spent in synchronous tensor work (a worker's compute time). */
export class ComputeClock {
  seconds = 0;
  time<T>(f: () => T): T {
    const t0 = performance.now();
    try {
      return f();
    } finally {
      this.seconds += (performance.now() - t0) / 1000;
    }
  }
}

export interface ExecutorContext {
  rank: number;
  workers: number;
  model: AnalyzedModel;
  plan: ResolvedPlan;
  transport: Transport;
  ring: Ring;
  seed: number;
  classes: number;
  /** The optimiser every part of the model steps with, learning rate included (makeOptimizer builds it). */
  optimizer: OptimizerSpec;
  compute: ComputeClock;
  /** The samples: the model's data set, or synthetic ones (runtime/model/datasets.ts). */
  data: DataSource;
}

/** This worker's squared norms of the data-parallel gradient before and after the all-reduce (runtime/noise-scale.ts). */
export interface StepGradients {
  /** |G_b|² of this worker's own b samples (its mean gradient). */
  smallSquares: number;
  /** |G_B|² of the mean over the step's B samples. */
  largeSquares: number;
}

export interface Executor {
  /** Untimed preparation of a step (generating its synthetic samples). */
  prepare(step: number): void;
  /** One training step; resolves with this worker's share of the step's summed loss. */
  step(step: number): Promise<number>;
  /** Tensor bytes held between the last step's forward and backward passes, where the executor measures them. */
  heldBytes?(): number | undefined;
  /** After the last step, before parts(): brings back whatever the worker keeps sharded (ZeRO-3). */
  finish?(): Promise<void>;
  /** Squared gradient norms of the last step, where the plan's data parallelism gives them (whole-model data plans). */
  lastGradients?(): StepGradients | undefined;
  /** Summed loss and correct predictions on `batch`, without training; only executors holding the whole model. */
  evaluate?(batch: Batch): { lossSum: number; correct: number };
  /** The parts of the network this worker holds (for weights and their norm). */
  parts(): Part[];
  dispose(): void;
}

export type ExecutorFactory = (ctx: ExecutorContext) => Executor;

const factories = new Map<ResolvedPlan['family'], ExecutorFactory>();

export function registerExecutor(family: ResolvedPlan['family'], f: ExecutorFactory): void {
  if (factories.has(family)) throw new Error(`executor for ${family} registered twice`);
  factories.set(family, f);
}

export function executorFor(family: ResolvedPlan['family']): ExecutorFactory | undefined {
  return factories.get(family);
}
