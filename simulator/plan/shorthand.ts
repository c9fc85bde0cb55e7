// `--strategy` shorthands expanded into plans for a given model (DESIGN.md "The command line").
import { fail, problem, Result } from '../errors';
import type { AnalyzedModel } from '../model/analyze';
import { SYNCS, type Plan } from './schema';
import { resolvePlan, ResolvedPlan } from './resolve';

export const STRATEGIES = ['single', 'data', 'model', 'hybrid', 'pipeline'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** The parameters a shorthand can take besides the batch; each applies only where the plan has
 *  the segment it configures (a sync needs a data segment, an exchange a model segment). */
export type StrategyParameter = 'workers' | 'sync' | 'overlap' | 'exchange' | 'fcBatch' | 'microBatches';

/** Which parameters each strategy uses: the one place the command line asks whether a flag applies. */
export const STRATEGY_PARAMETERS: Readonly<Record<Strategy, readonly StrategyParameter[]>> = {
  single: [],
  data: ['workers', 'sync', 'overlap'],
  model: ['workers', 'exchange', 'fcBatch'],
  hybrid: ['workers', 'sync', 'overlap', 'exchange', 'fcBatch'],
  pipeline: ['workers', 'microBatches'],
};

/** Layer types that may ride along inside a trailing model-parallel (fully connected) segment. */
const FC_TAIL_TYPES = new Set(['dense', 'dropout', 'softmax', 'activation']);

/** Index of the first layer of the trailing run of dense layers (the one weird trick's FC part). */
export function denseTailStart(model: AnalyzedModel): number {
  let i = model.layers.length;
  while (i > 0 && FC_TAIL_TYPES.has(model.layers[i - 1].type)) i--;
  while (i < model.layers.length && model.layers[i].type !== 'dense') i++;
  return i;
}

export interface ShorthandOptions {
  workers: number;
  batchPerWorker: number;
  sync?: (typeof SYNCS)[number];
  overlap?: boolean;
  /** Gradient bucket of the data segments (a framework's fusion buffer, e.g. Horovod's 64 MiB); absent: the simulator's default. */
  bucketBytes?: number;
  /** grouped-parameter-server: how many servers (default one per group). */
  parameterServers?: number;
  exchange?: 'all-gather' | 'round-robin' | 'chunked';
  fcBatch?: number;
  microBatches?: number;
  /** The hardware's topology, which sets the default gradient synchronisation. */
  topology?: string;
}

/** What NCCL does: a hierarchical all-reduce on two-level networks, a ring elsewhere. */
export function defaultSync(topology?: string): (typeof SYNCS)[number] {
  return topology === 'hierarchical' ? 'hierarchical-allreduce' : 'ring-allreduce';
}

export function strategyPlan(strategy: string, model: AnalyzedModel, o: ShorthandOptions): Result<Plan> {
  const names = model.model.layers.map((l) => l.name);
  const first = names[0];
  const last = names[names.length - 1];
  const data = (a: string, b: string) => ({ layers: [a, b] as [string, string], parallelism: 'data' as const, sync: o.sync ?? defaultSync(o.topology), overlap: o.overlap ?? true, ...(o.bucketBytes === undefined ? {} : { bucketBytes: o.bucketBytes }), ...(o.parameterServers === undefined ? {} : { parameterServers: o.parameterServers }) });
  switch (strategy) {
    case 'single':
      return { ok: true, value: { name: 'single', workers: 1, batchPerWorker: o.batchPerWorker, segments: [data(first, last)] } };
    case 'data':
      return { ok: true, value: { name: 'data', workers: o.workers, batchPerWorker: o.batchPerWorker, segments: [data(first, last)] } };
    case 'model': {
      const cannot = wholeModelUnsplittable(model);
      if (cannot) return fail(problem('--strategy', `model parallelism splits every layer of a chain across the workers, and ${model.model.name} ${cannot}: use ${alternativesToModel(model)}`));
      return { ok: true, value: { name: 'model', workers: o.workers, batchPerWorker: o.batchPerWorker, segments: [{ layers: [first, last], parallelism: 'model', exchange: o.exchange ?? 'all-gather', ...(o.fcBatch ? { fcBatch: o.fcBatch } : {}) }] } };
    }
    case 'hybrid': {
      const t = denseTailStart(model);
      if (t === 0 || t >= names.length) return fail(problem('strategy', `hybrid needs convolutional layers followed by dense layers; ${model.model.name} has ${t === 0 ? 'no layer before its dense tail' : 'no trailing dense layers'}`));
      return { ok: true, value: { name: 'hybrid', workers: o.workers, batchPerWorker: o.batchPerWorker, segments: [
        data(first, names[t - 1]),
        { layers: [names[t], last], parallelism: 'model', exchange: o.exchange ?? 'round-robin', ...(o.fcBatch ? { fcBatch: o.fcBatch } : {}) },
      ] } };
    }
    case 'pipeline':
      return { ok: true, value: { name: 'pipeline', workers: o.workers, batchPerWorker: o.batchPerWorker, segments: [
        { layers: [first, last], parallelism: 'pipeline', stages: Math.min(o.workers, names.length), microBatches: o.microBatches ?? largestDivisorAtMost(o.batchPerWorker, 4 * o.workers) },
      ] } };
    default:
      return fail(problem('strategy', `must be one of ${STRATEGIES.join(', ')}`));
  }
}

/** Why the whole model cannot be one model-parallel segment (its first obstacle), or undefined. */
function wholeModelUnsplittable(model: AnalyzedModel): string | undefined {
  for (const l of model.layers) {
    if (l.inputs.length > 1 || (l.index > 0 && l.inputs[0] !== l.index - 1)) return `branches (at "${l.name}")`;
    if (l.splitUnits === 0) return `has a ${l.type} layer ("${l.name}"), which cannot be split`;
  }
  return undefined;
}

/** What to use instead of --strategy model: the hybrid when the model ends in dense layers. */
function alternativesToModel(model: AnalyzedModel): string {
  const t = denseTailStart(model);
  const names = model.layers.map((l) => l.name);
  const hybrid = t > 0 && t < names.length ? `--strategy hybrid (data-parallel up to "${names[t - 1]}", model-parallel from "${names[t]}"), ` : '';
  return `${hybrid}--strategy data or --strategy pipeline, or a plan file (--plan) with a model segment over a chain of layers`;
}

function largestDivisorAtMost(n: number, cap: number): number {
  for (let d = Math.min(n, cap); d >= 1; d--) if (n % d === 0) return d;
  return 1;
}

export function strategyResolved(strategy: string, model: AnalyzedModel, o: ShorthandOptions): Result<ResolvedPlan> {
  const p = strategyPlan(strategy, model, o);
  return p.ok ? resolvePlan(p.value, model) : p;
}
