// The plans of Narayanan et al. 2021 Table 1 as trainplan plans, with the run settings the table
// leaves out taken from the paper's own reproduction script (Megatron-LM, examples/sc21/
// run_table_1.sh, with examples/sc21/CONFIG.sh): its micro-batch size per row, the interleaved
// schedule only where it sets --num-layers-per-virtual-pipeline-stage (else 1F1B), full activation
// recomputation (--recompute-method uniform; eq. 3 counts the recomputed forward: 96 = 4 × 24),
// fp16 with Adam, gradients all-reduced in fp16 after backprop.
import type { Hardware } from '../hardware/schema';
import type { AnalyzedModel } from '../model/analyze';
import type { MegatronRow } from '../model/transformer';
import type { Plan } from '../plan/schema';
import { resolvePlan } from '../plan/resolve';
import { simulate } from '../simulate';

/**
 * Per Table 1 row (by billions of parameters): the micro-batch (MBS) and the model chunks per
 * pipeline rank (layers per rank / --num-layers-per-virtual-pipeline-stage; 1: plain 1F1B) that
 * examples/sc21/run_table_1.sh runs.
 */
export const MEGATRON_RUNS: Record<string, { microBatch: number; chunks: number }> = {
  '1.7': { microBatch: 16, chunks: 1 }, '3.6': { microBatch: 16, chunks: 1 }, '7.5': { microBatch: 16, chunks: 1 },
  '18.4': { microBatch: 8, chunks: 1 }, '39.1': { microBatch: 4, chunks: 1 }, '76.1': { microBatch: 2, chunks: 3 },
  '145.6': { microBatch: 2, chunks: 2 }, '310.1': { microBatch: 1, chunks: 2 }, '529.6': { microBatch: 1, chunks: 3 },
  '1008': { microBatch: 1, chunks: 1 },
};

export function megatronPlan(model: AnalyzedModel, row: MegatronRow): Plan {
  const data = row.gpus / (row.tp * row.pp);
  const run = MEGATRON_RUNS[String(row.billions)];
  if (!run) throw new Error(`no run settings for the ${row.billions}B row`);
  return {
    name: `megatron ${row.billions}B`, workers: row.gpus, batchPerWorker: row.batch / data, precision: 'fp16', optimizer: 'adam',
    segments: [{ layers: [model.layers[0].name, model.layers[model.layers.length - 1].name], parallelism: 'data' }],
    tensor: row.tp, pipeline: row.pp, microBatch: run.microBatch, recompute: 'full',
    ...(row.pp > 1 ? (run.chunks > 1 ? { schedule: 'interleaved' as const, virtualStages: run.chunks } : { schedule: '1f1b' as const }) : {}),
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
