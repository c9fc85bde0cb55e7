// The tuner for transformers and composed plans: searches tensor × pipeline × data degrees,
// schedule, micro-batch, ZeRO stage, recomputation and precision for a fixed number of workers and
// global batch. Memory is checked first from the plan alone (no simulation); what fits is
// simulated, best first by a lower bound (the step's FLOPs at the device's matrix rate), and a
// candidate is skipped once its bound cannot beat the best plan of its family.
import type { Hardware } from '../simulator/hardware/schema';
import type { AnalyzedModel } from '../simulator/model/analyze';
import { PRECISIONS, type Plan } from '../simulator/plan/schema';
import { resolvePlan, ResolvedPlan } from '../simulator/plan/resolve';
import { defaultSync } from '../simulator/plan/shorthand';
import type { Feasible } from '../simulator/simulate';
import { simulate } from '../simulator/simulate';
import { Layout, layoutOf } from '../simulator/parallel/layout';
import { KernelCost } from '../simulator/cost/kernels';
import { composedPlanMemory, flopsPerSample } from '../simulator/parallel/step';
import { expectedSlowest } from '../simulator/stragglers';

/** Families of composed plans, by the dimensions they use. */
export const COMPOSED_FAMILIES = ['data', 'data+zero', 'tensor', 'pipeline', 'tensor+pipeline'] as const;
export type ComposedFamily = (typeof COMPOSED_FAMILIES)[number];

export function familyOf(l: Layout): ComposedFamily {
  if (l.tensor > 1 && l.pipeline > 1) return 'tensor+pipeline';
  if (l.tensor > 1) return 'tensor';
  if (l.pipeline > 1) return 'pipeline';
  return l.zero > 0 ? 'data+zero' : 'data';
}

export interface ComposedTuneOptions {
  workers: number;
  globalBatch: number;
  /** Fix a dimension instead of searching it. */
  fixed?: Partial<Pick<Plan, 'tensor' | 'pipeline' | 'zero' | 'recompute' | 'schedule' | 'microBatch' | 'precision' | 'optimizer'>>;
  onProgress?: (done: number, total: number) => void;
}

export interface ComposedScored {
  plan: Plan;
  family: ComposedFamily;
  result: Feasible;
}

export interface ComposedTuneResult {
  best?: ComposedScored;
  families: Partial<Record<ComposedFamily, ComposedScored>>;
  /** One reason per family none of whose candidates fit or ran. */
  infeasibleFamilies: Partial<Record<ComposedFamily, string>>;
  candidates: number;
  simulated: number;
  pruned: number;
  outOfMemory: number;
}

const divisorsPow2 = (n: number, max: number): number[] => {
  const out: number[] = [];
  for (let d = 1; d <= max; d *= 2) if (n % d === 0) out.push(d);
  return out;
};

/** Every composed plan of the space that resolves against the model. */
export function composedCandidates(model: AnalyzedModel, hw: Hardware, o: ComposedTuneOptions): ResolvedPlan[] {
  const W = o.workers;
  const f = o.fixed ?? {};
  const first = model.layers[0].name;
  const last = model.layers[model.layers.length - 1].name;
  const precisions = f.precision ? [f.precision] : (['bf16', 'fp8'] as const).filter((p) => p !== 'fp8' || hw.device.peakFlopsByPrecision?.fp8);
  const out: ResolvedPlan[] = [];
  const blocks = model.layers.filter((l) => l.type === 'attention').length || model.layers.length;
  // Tensor groups stay inside a node (NVLink), as Megatron-LM advises (Narayanan et al. 2021 §3.3).
  const node = hw.network.topology === 'hierarchical' ? hw.network.groupSize : 8;
  for (const tp of f.tensor ? [f.tensor] : divisorsPow2(W, node))
    // At least one transformer block per pipeline stage (Megatron-LM splits between blocks).
    for (const pp of f.pipeline ? [f.pipeline] : divisorsPow2(W / tp, Math.min(64, Math.max(1, blocks)))) {
      const dp = W / (tp * pp);
      if (!Number.isInteger(dp) || o.globalBatch % dp !== 0) continue;
      const perReplica = o.globalBatch / dp;
      for (const mb of f.microBatch ? [f.microBatch] : [1, 2, 4, 8, 16, 32].filter((b) => perReplica % b === 0))
        for (const schedule of f.schedule ? [f.schedule] : pp > 1 ? (['1f1b', 'interleaved'] as const) : ([undefined] as const))
          for (const zero of f.zero !== undefined ? [f.zero] : dp > 1 ? ([0, 1, 3] as const).filter((z) => z < 3 || (tp === 1 && pp === 1)) : [0 as const])
            for (const recompute of f.recompute ? [f.recompute] : (['none', 'selective', 'full'] as const))
              for (const precision of precisions) {
                const plan: Plan = {
                  workers: W, batchPerWorker: perReplica, precision, optimizer: f.optimizer ?? 'adam',
                  segments: [{ layers: [first, last], parallelism: 'data', sync: defaultSync(hw.network.topology) }],
                  tensor: tp, pipeline: pp, microBatch: mb, zero, recompute, ...(tp > 1 ? { sequenceParallel: true } : {}),
                  ...(schedule ? { schedule } : {}), ...(schedule === 'interleaved' ? { virtualStages: 2 } : {}),
                };
                const r = resolvePlan(plan, model);
                if (r.ok) out.push(r.value);
              }
    }
  return out;
}

/**
 * A step can go no faster than the FLOPs each worker runs (recomputation included, the layers the
 * simulation recomputes) at the device's matrix rate, stretched by the pipeline's fill and drain:
 * (p − 1)/(v·m) of the work (Narayanan et al. 2021 §2.2). Candidates are scored at the expected
 * slowest worker's factor E[M], which scales every compute task by E[M] (simulator/stragglers.ts):
 * the compute bound scaled by E[M] stays below the scored step.
 */
export function composedLowerBound(model: AnalyzedModel, hw: Hardware, p: ResolvedPlan): number {
  const l = layoutOf(p.plan);
  const flops = flopsPerSample(model, l).hardware * p.stepSamples;
  const slowest = expectedSlowest(l.workers, hw.device.variability?.computeCv ?? 0);
  return (flops / l.workers / new KernelCost(hw, l.precision).matmul) * (1 + (l.pipeline - 1) / (l.chunks * l.microBatches)) * slowest;
}

export function tuneComposed(model: AnalyzedModel, hw: Hardware, o: ComposedTuneOptions): ComposedTuneResult {
  const all = composedCandidates(model, hw, o).map((p) => ({ p, bound: composedLowerBound(model, hw, p), family: familyOf(layoutOf(p.plan)) }));
  all.sort((a, b) => a.bound - b.bound);
  const families: ComposedTuneResult['families'] = {};
  const infeasibleFamilies: ComposedTuneResult['infeasibleFamilies'] = {};
  let best: ComposedScored | undefined;
  let simulated = 0, pruned = 0, outOfMemory = 0;
  const leastNeed: Partial<Record<ComposedFamily, number>> = {};
  all.forEach(({ p, bound, family }, n) => {
    o.onProgress?.(n, all.length);
    const famBest = families[family];
    if (famBest && bound >= famBest.result.stepTimeSeconds) {
      pruned++;
      return;
    }
    const mem = composedPlanMemory(model, hw, p);
    if (!mem.fits) {
      outOfMemory++;
      // The family's reason is its smallest need: how far its best-fitting candidate is from fitting.
      if (mem.totalBytes < (leastNeed[family] ?? Infinity)) {
        leastNeed[family] = mem.totalBytes;
        infeasibleFamilies[family] = `its smallest candidate needs ${(mem.totalBytes / 1e9).toFixed(1)} GB per worker, device has ${(mem.capacityBytes / 1e9).toFixed(1)} GB`;
      }
      return;
    }
    // Scored at the expected slowest worker (samples 1), as tuner/evaluator.ts scores the other plans.
    const r = simulate(model, hw, p, { samples: 1 });
    simulated++;
    if (!r.feasible) {
      outOfMemory++;
      infeasibleFamilies[family] ??= r.reason;
      return;
    }
    const s: ComposedScored = { plan: p.plan, family, result: r };
    if (!famBest || r.stepTimeSeconds < famBest.result.stepTimeSeconds) families[family] = s;
    if (!best || r.stepTimeSeconds < best.result.stepTimeSeconds) best = s;
  });
  o.onProgress?.(all.length, all.length);
  for (const f of Object.keys(families)) delete infeasibleFamilies[f as ComposedFamily];
  return { best, families, infeasibleFamilies, candidates: all.length, simulated, pruned, outOfMemory };
}

/** Why each other family's best plan loses to the best: compute, exposed communication, pipeline idle, or memory. */
export function explainComposed(r: ComposedTuneResult): { family: ComposedFamily; plan?: ComposedScored; slowdown?: number; reason: string }[] {
  const best = r.best;
  if (!best) return [];
  const bb = best.result.breakdown;
  return COMPOSED_FAMILIES.filter((f) => f !== best.family).map((family) => {
    const s = r.families[family];
    if (!s) return { family, reason: r.infeasibleFamilies[family] ? `no candidate fits or runs (${r.infeasibleFamilies[family]})` : 'no candidate in the space (the global batch does not divide among its replicas, or a dimension was fixed)' };
    const b = s.result.breakdown;
    const ms = (x: number) => `${(x * 1e3).toFixed(0)} ms`;
    const parts: string[] = [];
    const floor = 0.01 * best.result.stepTimeSeconds;
    if (b.computeSeconds - bb.computeSeconds > floor) parts.push(`compute +${ms(b.computeSeconds - bb.computeSeconds)} (recomputation, smaller matrix products)`);
    if (b.exposedCommunicationSeconds - bb.exposedCommunicationSeconds > floor) parts.push(`exposed communication +${ms(b.exposedCommunicationSeconds - bb.exposedCommunicationSeconds)}`);
    if (b.idleSeconds - bb.idleSeconds > floor) parts.push(`pipeline bubble / idle +${ms(b.idleSeconds - bb.idleSeconds)}`);
    return { family, plan: s, slowdown: s.result.stepTimeSeconds / best.result.stepTimeSeconds, reason: parts.length ? parts.join('; ') : 'ties the best' };
  });
}

export const PRECISION_CHOICES = PRECISIONS;
