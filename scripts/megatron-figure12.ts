// Predicted achieved TFLOP/s per GPU of the 1F1B and interleaved schedules on the configuration of
// Narayanan et al. 2021 Figure 12 (Megatron-LM examples/sc21/run_figure_12.sh at de7dc40f: GPT
// 175B = 96 layers, hidden 12,288, 96 heads; tensor 8, pipeline 12, 96 GPUs, micro-batch 1, full
// recomputation, interleaved with 2 layers per virtual stage = 4 chunks; batch 12 to 60), for a
// comparison with the figure's measured points (the paper's own interleaved-vs-1F1B check):
//   npx tsc -p tsconfig.json && node dist/scripts/megatron-figure12.js
import { join } from 'node:path';
import { loadHardware } from '../simulator/hardware/load';
import { analyzeModel } from '../simulator/model/analyze';
import { megatronSpec, transformerModel } from '../simulator/model/transformer';
import type { Plan } from '../simulator/plan/schema';
import { resolvePlan } from '../simulator/plan/resolve';
import { simulate } from '../simulator/simulate';

const root = join(__dirname, '..', '..');
const loaded = loadHardware(join(root, 'scenarios/hardware/selene-a100.json'));
if (!loaded.ok) throw new Error('selene-a100 failed to load');
const hw = loaded.value;
const model = analyzeModel(transformerModel(megatronSpec({ billions: 175, heads: 96, hidden: 12288, layers: 96 })));
if (!model.ok) throw new Error(model.problems.map((p) => p.message).join('; '));
const m = model.value;

function tflops(batch: number, schedule: Plan['schedule']): string {
  const plan = resolvePlan({
    name: `figure 12 ${schedule} ${batch}`, workers: 96, batchPerWorker: batch, precision: 'fp16', optimizer: 'adam',
    segments: [{ layers: [m.layers[0].name, m.layers[m.layers.length - 1].name], parallelism: 'data' }],
    tensor: 8, pipeline: 12, microBatch: 1, recompute: 'full', schedule, ...(schedule === 'interleaved' ? { virtualStages: 4 } : {}),
  }, m);
  if (!plan.ok) throw new Error(plan.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  const r = simulate(m, hw, plan.value);
  return r.feasible ? (r.flops!.achievedFlopsPerWorker / 1e12).toFixed(1) : 'does not fit';
}

console.log('| batch | 1F1B TFLOP/s | interleaved TFLOP/s | interleaved / 1F1B |');
console.log('|---|---|---|---|');
for (const batch of [12, 24, 36, 48, 60]) {
  const a = tflops(batch, '1f1b');
  const b = tflops(batch, 'interleaved');
  console.log(`| ${batch} | ${a} | ${b} | ${(Number(b) / Number(a)).toFixed(2)} |`);
}
