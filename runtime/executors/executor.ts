// The Executor interface: how one worker carries out one training step of a plan family
// (single, data, model, hybrid, pipeline). Executors register by family; the trainer
// (train.ts) owns everything around the step: setup, timing, faults, reporting.
import type { AnalyzedModel } from '../../simulator/model/analyze';
import type { ResolvedPlan } from '../../simulator/plan/resolve';
import type { Ring } from '../collectives/ring';
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
  learningRate: number;
  momentum: number;
  classes: number;
  /** The optimiser every part of the model steps with. */
  optimizer: OptimizerSpec;
  compute: ComputeClock;
}

export interface Executor {
  /** Untimed preparation of a step (generating its synthetic samples). */
  prepare(step: number): void;
  /** One training step; resolves with this worker's share of the step's summed loss. */
  step(step: number): Promise<number>;
  /** After the last step, before parts(): brings back whatever the worker keeps sharded (ZeRO-3). */
  finish?(): Promise<void>;
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
