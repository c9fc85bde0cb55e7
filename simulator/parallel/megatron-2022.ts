// A second, independent check of the transformer cost model: the Megatron-LM runs of Korthikanti
// et al. 2022 ("Reducing Activation Recomputation in Large Transformer Models", arXiv:2205.05198,
// Table 3 configurations) on Selene, with the 2022 software (sequence parallelism, selective or
// full recomputation, data-parallel size 1). Published: model FLOPs utilisation with selective
// recomputation and sequence parallelism (Megatron-LM README from commit 2e90a342, May 2022:
// "measured using a data parallel size of one") and seconds per iteration with full and with
// selective recomputation (the paper's Table 5, as transcribed in calculon-ai/calculon,
// calculon/llm/validation.py, seqsel_tab5). Nothing in the simulator is fitted to these.
import type { Hardware } from '../hardware/schema';
import { analyzeModel } from '../model/analyze';
import { megatronSpec, transformerModel } from '../model/transformer';
import type { Plan } from '../plan/schema';
import { resolvePlan } from '../plan/resolve';
import { simulate } from '../simulate';

export interface KorthikantiRun {
  name: string;
  heads: number;
  hidden: number;
  layers: number;
  tp: number;
  pp: number;
  gpus: number;
  batch: number;
  microBatch: number;
  /** README: model FLOPs utilisation with selective recomputation and sequence parallelism. */
  mfu: number;
  /** Table 5: seconds per iteration with full recomputation, and with selective + sequence parallelism. */
  fullSeconds: number;
  selectiveSeconds: number;
}

export const KORTHIKANTI_RUNS: readonly KorthikantiRun[] = [
  { name: '22B', heads: 64, hidden: 6144, layers: 48, tp: 8, pp: 1, gpus: 8, batch: 4, microBatch: 4, mfu: 0.415, fullSeconds: 1.42, selectiveSeconds: 1.1 },
  { name: '175B', heads: 96, hidden: 12288, layers: 96, tp: 8, pp: 8, gpus: 64, batch: 64, microBatch: 1, mfu: 0.514, fullSeconds: 18.13, selectiveSeconds: 13.75 },
  { name: '530B', heads: 128, hidden: 20480, layers: 105, tp: 8, pp: 35, gpus: 280, batch: 280, microBatch: 1, mfu: 0.56, fullSeconds: 49.05, selectiveSeconds: 37.83 },
  { name: '1T', heads: 160, hidden: 25600, layers: 128, tp: 8, pp: 64, gpus: 512, batch: 512, microBatch: 1, mfu: 0.563, fullSeconds: 94.42, selectiveSeconds: 71.49 },
];

export type Recompute = 'full' | 'selective';

/** The run as a trainplan plan: fp16 with Adam, 1F1B where pipelined, sequence parallelism with selective recomputation. */
function korthikantiPlan(first: string, last: string, r: KorthikantiRun, recompute: Recompute): Plan {
  return {
    name: `korthikanti ${r.name} ${recompute}`, workers: r.gpus, batchPerWorker: r.batch / (r.gpus / (r.tp * r.pp)), precision: 'fp16', optimizer: 'adam',
    segments: [{ layers: [first, last], parallelism: 'data' }], tensor: r.tp, pipeline: r.pp, microBatch: r.microBatch,
    recompute, sequenceParallel: recompute === 'selective', ...(r.pp > 1 ? { schedule: '1f1b' as const } : {}),
  };
}

/** Predicted seconds per iteration and model FLOPs utilisation of run `r`. */
export function korthikantiPrediction(hw: Hardware, r: KorthikantiRun, recompute: Recompute): { stepTimeSeconds: number; mfu: number } {
  const analyzed = analyzeModel(transformerModel(megatronSpec({ billions: 0, ...r })));
  if (!analyzed.ok) throw new Error(`${r.name}: ${analyzed.problems.map((p) => p.message).join('; ')}`);
  const m = analyzed.value;
  const plan = resolvePlan(korthikantiPlan(m.layers[0].name, m.layers[m.layers.length - 1].name, r, recompute), m);
  if (!plan.ok) throw new Error(plan.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  const res = simulate(m, hw, plan.value);
  if (!res.feasible || !res.flops) throw new Error(`${r.name} (${recompute}) does not run on ${hw.name}`);
  return { stepTimeSeconds: res.stepTimeSeconds, mfu: res.flops.mfu };
}
