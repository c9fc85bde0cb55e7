// `trainplan run`, as a library call: executes a plan on K worker threads and measures it.
import { UserError, problem } from '../simulator/errors';
import type { AnalyzedModel } from '../simulator/model/analyze';
import type { ResolvedPlan } from '../simulator/plan/resolve';
import type { Plan } from '../simulator/plan/schema';
import { chooseBackend } from './backends';
import { SGD_DEFAULTS } from './model/optimizer';
import { defaultWarmup, measure, Measured } from './measure';
import { placeAlong } from './model/slice';
import { runOnWorkers } from './pool';
import { RunInterrupted, stopSignalOf } from './errors';
import type { FaultSpec, Message, StepRecord, TrainedMessage } from './protocol';
import { runtimeSupport } from './support';
import { transportKind, TransportSpec } from './transports';
import { RUNTIME_SYNCS } from './collectives/sync';
import { runOnProcesses } from './processes/spawn';
import { openStoreSession } from './s3/session';
import { s3SpecProblems } from './transports/s3';
import { runMemoryNeed, runMemoryProblems } from './memory-check';
import { NoiseScaleEstimator, NoiseScaleReport } from './noise-scale';
import { stepsToTarget, ValidationPoint } from './validation';
import { dataSourceFor } from './model/datasets';
import { headOf } from './model/network';
import type { Target } from '../simulator/model/training';

export interface RunOptions {
  steps: number;
  seed: number;
  learningRate: number;
  momentum: number;
  /** A backend name; the fastest present one when absent. */
  backend?: string;
  transport: TransportSpec;
  /** Steps left out of the steady state (default: defaultWarmup(steps)). */
  warmupSteps?: number;
  /** Return every trained weight, whole (for tests that compare plans). */
  collectWeights?: boolean;
  fault?: FaultSpec;
  /** Validation loss and accuracy every this many steps (models whose training.dataset has a loader). */
  evaluateEvery?: number;
  /** End the run when validation reaches the model's training.target (needs evaluateEvery). */
  stopAtTarget?: boolean;
  /** Each worker a process of its own (`trainplan worker`) sharing only the store: --transport s3 only. */
  processes?: boolean;
  /** Test hook, with `processes`: SIGKILL worker `rank` once it has started step `step`. */
  kill?: { rank: number; step: number };
  onProgress?: (e: { kind: 'ready'; backend: string } | { kind: 'step'; stepsDone: number; steps: number }) => void;
  /** Aborted with reason "SIGINT" or "SIGTERM": workers stop, what the run made is deleted, and Interrupted is thrown. */
  signal?: AbortSignal;
}

export const RUN_DEFAULTS = {
  steps: 5,
  seed: 1,
  learningRate: SGD_DEFAULTS.learningRate,
  momentum: SGD_DEFAULTS.momentum,
  transport: { kind: 'memory' } as TransportSpec,
};

export interface RunResult {
  model: string;
  plan: Plan;
  family: ResolvedPlan['family'];
  backend: string;
  transport: TransportSpec;
  steps: number;
  seed: number;
  stepSamples: number;
  measured: Measured;
  /** Mean loss of the last step, over its samples. */
  finalLoss: number;
  losses: number[];
  /** L2 norm of all trained weights together. */
  weightsL2: number;
  notes: string[];
  setupSeconds: number;
  weights?: Record<string, { shape: number[]; data: Float32Array }>;
  /** The gradient noise scale measured from the workers' gradients (data plans on 2 or more workers). */
  noiseScale?: NoiseScaleReport;
  /** Held-out loss and accuracy, where evaluated. */
  validation?: ValidationPoint[];
  target?: Target;
  /** Steps to the model's target (interpolated between evaluations), when reached. */
  stepsToTarget?: number;
}

export async function runPlan(model: AnalyzedModel, plan: ResolvedPlan, options: RunOptions): Promise<RunResult> {
  const support = runtimeSupport(model, plan);
  if (support.problems.length) throw new UserError(support.problems);
  if (!(Number.isInteger(options.steps) && options.steps >= 1)) throw new UserError([problem('steps', 'must be a positive integer')]);
  const chosen = await chooseBackend(options.backend);
  if (!chosen.ok) throw new UserError([problem('backend', chosen.reason)]);
  const backend = chosen.backend.name;
  const memory = runMemoryProblems(runMemoryNeed(model, plan, chosen.backend));
  if (memory.length) throw new UserError(memory);
  const workers = plan.plan.workers;
  const kind = transportKind(options.transport.kind);
  if (!kind) throw new UserError([problem('transport', `unknown transport "${options.transport.kind}"`)]);
  const storeProblems = plan.segments.flatMap((s, i) => {
    const sync = s.segment.parallelism === 'data' ? s.segment.sync : undefined;
    return sync && RUNTIME_SYNCS[sync]?.needsBoard && workers > 1 && kind.name !== 's3' ? [problem(`segments[${i}].sync`, `${sync} synchronises through an object store: run it with --transport s3`)] : [];
  });
  // Names that become keys are checked before anything starts (an embedded server would create the bucket's directory).
  if (kind.name === 's3') storeProblems.push(...s3SpecProblems(options.transport));
  if (options.processes && kind.name !== 's3') storeProblems.push(problem('processes', 'worker processes share nothing but an object store: run them with --transport s3'));
  if (storeProblems.length) throw new UserError(storeProblems);
  if (options.evaluateEvery !== undefined) {
    if (!model.model.training?.dataset?.loader) throw new UserError([problem('evaluate-every', `validation needs a real data set: model ${model.model.name} has no training.dataset.loader`)]);
    if (plan.family !== 'single' && plan.family !== 'data') throw new UserError([problem('evaluate-every', `validation runs on plans whose workers hold the whole model (single, data), not ${plan.family}`)]);
  }
  // A data set that cannot be read is the user's input: one line here, not a worker's failure.
  try {
    dataSourceFor(model.model, options.seed, model.layers[headOf(model).logitsLayer].outputShape[0]);
  } catch (e) {
    throw new UserError([problem('training.dataset', (e as Error).message)]);
  }

  const records: StepRecord[][] = Array.from({ length: workers }, () => []);
  let setupSeconds = 0;
  let ready = 0;
  const progress = (m: Message) => {
    if (m.kind === 'ready') {
      setupSeconds = Math.max(setupSeconds, m.setupSeconds);
      if (++ready === workers) options.onProgress?.({ kind: 'ready', backend: m.backend });
    } else if (m.kind === 'step') {
      records[m.rank][m.record.step] = m.record;
      const done = Math.min(...records.map((r) => r.filter(Boolean).length));
      if (records.every((r) => r[m.record.step])) options.onProgress?.({ kind: 'step', stepsDone: done, steps: options.steps });
    }
  };
  // The s3 transport's store: the endpoint given, or an embedded server for this run.
  const signal = options.signal;
  const session = await openStoreSession(options.transport);
  let setup: unknown;
  let results: TrainedMessage[] = [];
  let failure: unknown;
  try {
    setup = kind.setup(workers, session.spec);
    const tasks = Array.from({ length: workers }, (_, rank) => ({
      kind: 'train' as const, rank, workers, model: model.model, plan: plan.plan, steps: options.steps, seed: options.seed,
      learningRate: options.learningRate, momentum: options.momentum, backend, transport: { kind: kind.name, setup },
      fault: options.fault, collectWeights: !!options.collectWeights, evaluateEvery: options.evaluateEvery, stopAtTarget: options.stopAtTarget,
    }));
    if (!stopSignalOf(signal))
      results = options.processes ? await runOnProcesses(tasks, progress, { kill: options.kill, signal }) : await runOnWorkers<TrainedMessage>(tasks, progress, signal);
  } catch (e) {
    failure = e;
  }
  // A signal wins over whatever failure it caused (children killed by the same Ctrl-C, a torn-down pool).
  const sig = stopSignalOf(signal);
  const left = await session.close(setup, { quick: !!sig });
  if (sig) throw new RunInterrupted(sig, left ? [left] : []);
  if (failure) {
    if (left && failure instanceof Error) failure.message += `; its objects could not be deleted: ${left}`;
    throw failure;
  }
  if (left) throw new Error(`the run finished, but its objects could not be deleted: ${left}`);

  // A run that stopped at its target has fewer steps than asked for.
  const stepsRun = records[0].filter(Boolean).length;
  const warmup = Math.min(options.warmupSteps ?? defaultWarmup(stepsRun), stepsRun - 1);
  const measured = measure(records, plan.stepSamples, warmup);
  const statistics = trainingStatistics(records, plan, model.model.training?.target);
  return {
    model: model.model.name, plan: plan.plan, family: plan.family, backend,
    transport: { ...options.transport, ...(session.embedded ? { embedded: true } : {}), ...(options.processes ? { processes: true } : {}) },
    steps: stepsRun, seed: options.seed, stepSamples: plan.stepSamples, measured, ...statistics,
    finalLoss: measured.steps[measured.steps.length - 1].loss, losses: measured.steps.map((s) => s.loss),
    weightsL2: Math.sqrt(results.reduce((a, r) => a + r.squares, 0)),
    notes: support.notes, setupSeconds,
    weights: options.collectWeights ? assembleWeights(results) : undefined,
  };
}

/** Whole weights from every worker's slices, keyed "layer/param". */
export function assembleWeights(results: TrainedMessage[]): Record<string, { shape: number[]; data: Float32Array }> {
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const r of [...results].sort((a, b) => a.rank - b.rank)) {
    for (const w of r.weights ?? []) {
      const key = `${w.layer}/${w.param}`;
      if (w.range === null) {
        out[key] ??= { shape: w.shape, data: w.data };
        continue;
      }
      out[key] ??= { shape: w.shape, data: new Float32Array(w.shape.reduce((a, b) => a * b, 1)) };
      placeAlong(out[key].data, w.shape, w.splitAxis!, w.range, w.data);
    }
  }
  return out;
}

/** The noise scale from every step's gradient norms, and the validation curve and steps to the target. */
function trainingStatistics(records: StepRecord[][], plan: ResolvedPlan, target: Target | undefined): Pick<RunResult, 'noiseScale' | 'validation' | 'target' | 'stepsToTarget'> {
  const out: Pick<RunResult, 'noiseScale' | 'validation' | 'target' | 'stepsToTarget'> = {};
  if (records[0].some((r) => r.gradients)) {
    const est = new NoiseScaleEstimator();
    records[0].forEach((r0, t) => {
      const all = records.map((w) => w[t].gradients);
      if (!r0.gradients || all.some((g) => !g)) return;
      est.add({
        smallBatch: plan.plan.batchPerWorker, smallSquares: all.reduce((a, g) => a + g!.smallSquares, 0) / all.length,
        largeBatch: plan.stepSamples, largeSquares: r0.gradients.largeSquares,
      });
    });
    out.noiseScale = est.report();
  }
  const curve = records[0].filter((r) => r.validation).map((r) => ({ step: r.step, samples: (r.step + 1) * plan.stepSamples, ...r.validation! }));
  if (curve.length) {
    out.validation = curve;
    if (target) {
      out.target = target;
      out.stepsToTarget = stepsToTarget(target, curve);
    }
  }
  return out;
}
