// The parallel dimensions of a plan (docs/plans.md): workers = data × tensor × pipeline, with
// ranks numbered as Megatron-LM numbers them — tensor ranks consecutive (inside a node), then data,
// then pipeline: rank = stage·(data·tensor) + replica·tensor + tensorRank.
import { problem, Problem } from '../errors';
import type { AnalyzedModel } from '../model/analyze';
import type { Plan } from '../plan/schema';
import type { Precision } from '../cost/compute';

export interface Layout {
  workers: number;
  data: number;
  tensor: number;
  pipeline: number;
  sequenceParallel: boolean;
  schedule: 'gpipe' | '1f1b' | 'interleaved';
  /** Model chunks per pipeline rank (1 unless interleaved). */
  chunks: number;
  /** Samples per micro-batch and micro-batches per step (gradient accumulation). */
  microBatch: number;
  microBatches: number;
  zero: 0 | 1 | 2 | 3;
  recompute: 'none' | 'selective' | 'full';
  optimizer: 'sgd-momentum' | 'adam';
  precision: Precision;
}

/** Whether a plan uses the composed dimensions (any field beyond the per-segment plans of before). */
export function composed(plan: Plan): boolean {
  return [plan.tensor, plan.pipeline, plan.schedule, plan.virtualStages, plan.microBatch, plan.zero, plan.recompute, plan.optimizer, plan.sequenceParallel].some((v) => v !== undefined) ||
    (plan.precision !== undefined && !['fp32', 'mixed'].includes(plan.precision));
}

/**
 * Whether the model is a transformer — it has attention, whose time only the kernel-level cost
 * model (and whose memory only the composed accounting) gets right: always simulated through the
 * composed path. Convolutional models keep their per-segment lowerings unless a plan composes.
 */
export const isTransformer = (model: AnalyzedModel): boolean => model.layers.some((l) => l.split.over === 'heads');

/** Whether a plan of this model is simulated by the composed path (simulator/parallel): a transformer, or a plan with composed fields. */
export const simulatedComposed = (model: AnalyzedModel, plan: Plan): boolean => composed(plan) || isTransformer(model);

export function layoutOf(plan: Plan): Layout {
  const tensor = plan.tensor ?? 1;
  const pipeline = plan.pipeline ?? 1;
  const microBatch = plan.microBatch ?? plan.batchPerWorker;
  const schedule = plan.schedule ?? (pipeline > 1 ? '1f1b' : 'gpipe');
  return {
    workers: plan.workers, tensor, pipeline, data: Math.max(1, Math.floor(plan.workers / (tensor * pipeline))),
    sequenceParallel: !!plan.sequenceParallel && tensor > 1, schedule,
    chunks: schedule === 'interleaved' ? plan.virtualStages ?? 2 : 1,
    microBatch, microBatches: Math.max(1, Math.floor(plan.batchPerWorker / microBatch)),
    zero: plan.zero ?? 0, recompute: plan.recompute ?? 'none', optimizer: plan.optimizer ?? 'sgd-momentum',
    precision: plan.precision ?? 'fp32',
  };
}

export const rankOf = (l: Layout, replica: number, stage: number, t: number): number => stage * l.data * l.tensor + replica * l.tensor + t;
export const tensorGroup = (l: Layout, replica = 0, stage = 0): number[] => Array.from({ length: l.tensor }, (_, t) => rankOf(l, replica, stage, t));
export const dataGroup = (l: Layout, stage = 0, t = 0): number[] => Array.from({ length: l.data }, (_, d) => rankOf(l, d, stage, t));

/** The rules a composed plan must keep, one problem per broken rule, naming the field. */
export function layoutProblems(plan: Plan, model: AnalyzedModel): Problem[] {
  const out: Problem[] = [];
  const l = layoutOf(plan);
  if (plan.workers % (l.tensor * l.pipeline) !== 0)
    out.push(problem('workers', `${plan.workers} is not a multiple of tensor × pipeline (${l.tensor} × ${l.pipeline})`));
  if (plan.batchPerWorker % l.microBatch !== 0) out.push(problem('microBatch', `${l.microBatch} must divide batchPerWorker (${plan.batchPerWorker})`));
  const oneDataSegment = plan.segments.length === 1 && plan.segments[0].parallelism === 'data';
  if ((l.tensor > 1 || l.pipeline > 1) && !oneDataSegment)
    out.push(problem('segments', 'tensor and pipeline degrees compose with one data segment over the whole model (its sync is the data-parallel one); per-segment model or pipeline segments cannot be combined with them'));
  else if (isTransformer(model) && !oneDataSegment)
    out.push(problem('segments', `${model.model.name} is a transformer: give one data segment over the whole model and split it with "tensor" and "pipeline" (--tp, --pp; docs/plans.md)`));
  if (plan.virtualStages !== undefined && l.schedule !== 'interleaved') out.push(problem('virtualStages', 'needs schedule "interleaved"'));
  if (l.schedule === 'interleaved') {
    if (l.pipeline < 2) out.push(problem('schedule', 'interleaved needs pipeline ≥ 2'));
    if (l.microBatches % l.pipeline !== 0) out.push(problem('microBatch', `interleaved needs the micro-batches (${l.microBatches}) to be a multiple of pipeline (${l.pipeline}), as Megatron-LM requires`));
  }
  if (l.pipeline * l.chunks > model.layers.length) out.push(problem('pipeline', `${l.pipeline * l.chunks} stages for ${model.layers.length} layers`));
  if (l.tensor > 1)
    for (const layer of model.layers) {
      const s = layer.split;
      if (s.even && s.units % l.tensor !== 0) {
        out.push(problem('tensor', `${l.tensor} does not divide the ${s.units} ${s.over} of layer "${layer.name}"`));
        break;
      }
      if (s.over !== 'none' && s.units < l.tensor) {
        out.push(problem('tensor', `layer "${layer.name}" has ${s.units} ${s.over}, fewer than ${l.tensor} tensor ranks`));
        break;
      }
    }
  return out;
}
