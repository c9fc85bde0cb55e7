// The tuner's search space: every plan it may choose for a model on a cluster, as candidates.
// Workers, batch per worker, and per family: the synchronisation and overlap of the data layers,
// the data/model boundary, the exchange and fcBatch of the model layers, pipeline stages (split
// by dynamic programming) and micro-batches.
import type { Hardware } from '../simulator/hardware/schema';
import type { AnalyzedModel } from '../simulator/model/analyze';
import { memoryPerWorker } from '../simulator/cost/memory';
import { resolvePlan, ResolvedPlan } from '../simulator/plan/resolve';
import type { Plan, Segment } from '../simulator/plan/schema';
import { SYNCS, EXCHANGES } from '../simulator/plan/schema';
import { MAX_FULL_WORKERS } from '../simulator/simulate';
import { pipelineBoundaries } from './partition';
import { hybridSplits } from './splits';

export type Family = ResolvedPlan['family'];

export interface SpaceOptions {
  /** Exactly this many workers, or every power of two up to maxWorkers (and maxWorkers itself). */
  workers?: number;
  maxWorkers?: number;
  /** Exactly this batch per worker, or powers of two up to what fits and maxGlobalBatch. */
  batch?: number;
  maxGlobalBatch?: number;
  families?: Family[];
  /** Gradient synchronisations to try (default: every synchronous one the hardware supports). */
  syncs?: (typeof SYNCS)[number][];
}

/** Goyal et al. 2017 trained ResNet-50 with minibatches up to 8k without loss of accuracy. */
export const TUNER_DEFAULTS = { maxGlobalBatch: 8192, maxBatchPerWorker: 1024, families: ['single', 'data', 'model', 'hybrid', 'pipeline'] as Family[] };

/**
 * Plans that are not symmetric are simulated worker by worker; beyond this many workers the
 * tuner only considers symmetric data-parallel plans (ring / hierarchical all-reduce), which the
 * simulator's fast path handles at any scale.
 */
export const MAX_ASYMMETRIC_WORKERS = 64;

export interface Candidate {
  plan: ResolvedPlan;
  family: Family;
}

const pow2Upto = (n: number) => {
  const out: number[] = [];
  for (let v = 1; v <= n; v *= 2) out.push(v);
  if (out[out.length - 1] !== n) out.push(n);
  return out;
};

/**
 * Asynchronous SGD is left out unless asked for: stale gradients change what is trained, not only
 * how fast, and the simulator measures only the latter. The grouped parameter server reproduces
 * how TensorFlow 1.x ran (docs/fidelity.md); it is asked for, never a better choice than the
 * hierarchical all-reduce on the same links.
 */
export const DEFAULT_EXCLUDED_SYNCS = ['async-parameter-server', 'grouped-parameter-server'];

function syncsFor(hw: Hardware, workers: number, wanted?: string[]): (typeof SYNCS)[number][] {
  // S3 patterns need an object store; the hierarchical all-reduce needs a two-level network.
  const all = SYNCS.filter((s) => (wanted ? wanted.includes(s) : !DEFAULT_EXCLUDED_SYNCS.includes(s)) && (!s.startsWith('s3-') || hw.objectStore));
  // Functions cannot connect to each other: they synchronise through the store or not at all.
  if (hw.functions) return workers > MAX_ASYMMETRIC_WORKERS ? [] : all.filter((s) => s.startsWith('s3-'));
  const usable = hw.network.topology === 'hierarchical' ? all : all.filter((s) => s !== 'hierarchical-allreduce');
  if (workers > MAX_ASYMMETRIC_WORKERS) return usable.filter((s) => s === 'ring-allreduce' || s === 'hierarchical-allreduce');
  return usable;
}

/** Where a model segment may start: every layer from there on can be split W ways and they form a chain. */
export function modelBoundaries(model: AnalyzedModel, workers: number): number[] {
  const n = model.layers.length;
  const ok: number[] = [];
  for (let s = n - 1; s >= 0; s--) {
    const l = model.layers[s];
    const feedsNext = s === n - 1 || (model.layers[s + 1].inputs.length === 1 && model.layers[s + 1].inputs[0] === s);
    if (l.splitUnits < workers || l.inputs.length !== 1 || !feedsNext) break;
    ok.push(s);
  }
  return ok.reverse();
}

export function batchesFor(model: AnalyzedModel, hw: Hardware, workers: number, o: SpaceOptions): number[] {
  if (o.batch) return [o.batch];
  const g = o.maxGlobalBatch ?? TUNER_DEFAULTS.maxGlobalBatch;
  return pow2Upto(TUNER_DEFAULTS.maxBatchPerWorker).filter((b) => b * workers <= g && fitsSomehow(model, hw, b));
}

/** A batch is worth trying if at least the smallest footprint (model parallel over every worker) could fit. */
function fitsSomehow(model: AnalyzedModel, hw: Hardware, batch: number): boolean {
  const single = resolvePlan({ workers: 1, batchPerWorker: batch, segments: [{ layers: [model.layers[0].name, model.layers[model.layers.length - 1].name], parallelism: 'data' }] }, model);
  if (!single.ok) return false;
  const m = memoryPerWorker(model, single.value, hw.device.memoryBytes);
  // Activations scale with the batch; weights can be split at best hw.workers ways.
  return m.activationsBytes / Math.max(1, hw.workers) + (m.weightsBytes * 3) / Math.max(1, hw.workers) <= hw.device.memoryBytes;
}

export function workersFor(hw: Hardware, o: SpaceOptions): number[] {
  if (o.workers) return [o.workers];
  return pow2Upto(Math.min(o.maxWorkers ?? hw.workers, hw.workers));
}

export function* candidates(model: AnalyzedModel, hw: Hardware, o: SpaceOptions = {}): Generator<Candidate> {
  const families = new Set(o.families ?? TUNER_DEFAULTS.families);
  const names = model.layers.map((l) => l.name);
  const first = names[0];
  const last = names[names.length - 1];
  for (const W of workersFor(hw, o))
    for (const B of batchesFor(model, hw, W, o)) {
      const emit = (segments: Segment[], family: Family): Candidate | undefined => {
        const p: Plan = { workers: W, batchPerWorker: B, segments };
        const r = resolvePlan(p, model);
        return r.ok ? { plan: r.value, family: r.value.family } : undefined;
      };
      const out: (Candidate | undefined)[] = [];
      const syncs = syncsFor(hw, W, o.syncs);
      // Overlap has no meaning through the store: serverless systems synchronise after backprop.
      const dataSegs = (a: string, b: string): Segment[] =>
        syncs.flatMap((sync) => (sync.startsWith('s3-') ? [false] : [true, false]).map((overlap) => ({ layers: [a, b] as [string, string], parallelism: 'data' as const, sync, overlap })));
      if (W === 1) {
        if (families.has('single') || families.has('data')) out.push(emit([{ layers: [first, last], parallelism: 'data', sync: hw.functions ? syncs[0] : 'ring-allreduce', overlap: true }], 'single'));
      } else {
        if (families.has('data')) for (const s of dataSegs(first, last)) out.push(emit([s], 'data'));
        if (W <= MAX_ASYMMETRIC_WORKERS && !hw.functions) {
          const starts = modelBoundaries(model, W);
          const fcBatches = (stepSamples: number) => [...new Set([B, stepSamples])].filter((f) => stepSamples % f === 0);
          if (families.has('model') && starts[0] === 0)
            for (const fcBatch of fcBatches(B)) out.push(emit([{ layers: [first, last], parallelism: 'model', exchange: 'all-gather', fcBatch }], 'model'));
          if (families.has('hybrid'))
            for (const b of hybridSplits(model, starts))
              for (const d of dataSegs(first, names[b - 1]))
                for (const exchange of EXCHANGES)
                  for (const fcBatch of fcBatches(W * B)) out.push(emit([d, { layers: [names[b], last], parallelism: 'model', exchange, fcBatch }], 'hybrid'));
          if (families.has('pipeline') && W <= names.length)
            for (const M of [1, 2, 4, 8, 16, 32].filter((m) => B % m === 0 && m <= 4 * W)) {
              const boundaries = pipelineBoundaries(model, hw, W, B / M).map((i) => names[i]);
              out.push(emit([{ layers: [first, last], parallelism: 'pipeline', stages: W, microBatches: M, boundaries }], 'pipeline'));
            }
        }
      }
      for (const c of out) if (c) yield c;
    }
}
