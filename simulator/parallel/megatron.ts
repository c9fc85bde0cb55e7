// The plans of Narayanan et al. 2021 Table 1 as trainplan plans, with the assumptions the table
// leaves open (docs/transformers.md "Fidelity"): micro-batch 1; the interleaved schedule with 2
// chunks where pipeline > 1 (§5 runs use it with the scatter/gather optimisation); full activation
// recomputation (their eq. 3 counts the recomputed forward: 96 = 4 × 24); fp16 mixed precision
// with Adam; gradients all-reduced in fp16 after backprop, not overlapped (Megatron-LM 2021's DDP).
import type { Hardware } from '../hardware/schema';
import type { AnalyzedModel } from '../model/analyze';
import type { MegatronRow } from '../model/transformer';
import type { Plan } from '../plan/schema';
import { resolvePlan } from '../plan/resolve';
import { simulate } from '../simulate';

export function megatronPlan(model: AnalyzedModel, row: MegatronRow): Plan {
  const data = row.gpus / (row.tp * row.pp);
  return {
    name: `megatron ${row.billions}B`, workers: row.gpus, batchPerWorker: row.batch / data, precision: 'fp16', optimizer: 'adam',
    segments: [{ layers: [model.layers[0].name, model.layers[model.layers.length - 1].name], parallelism: 'data' }],
    tensor: row.tp, pipeline: row.pp, microBatch: 1, recompute: 'full',
    ...(row.pp > 1 ? { schedule: 'interleaved' as const, virtualStages: 2 } : {}),
  };
}

/** Predicted achieved TFLOP/s per GPU (recomputation counted, as eq. 3 counts it). */
export function megatronPrediction(model: AnalyzedModel, hw: Hardware, row: MegatronRow): { tflops: number; fits: boolean; stepTimeSeconds: number } {
  const plan = resolvePlan(megatronPlan(model, row), model);
  if (!plan.ok) throw new Error(plan.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  const r = simulate(model, hw, plan.value);
  if (!r.feasible) return { tflops: 0, fits: false, stepTimeSeconds: NaN };
  return { tflops: r.flops!.achievedFlopsPerWorker / 1e12, fits: true, stepTimeSeconds: r.stepTimeSeconds };
}
