// Prints predicted against published speed of PyTorch's standard attention on an A100 80 GB SXM4
// (and on an H100 80 GB SXM5, whose file states no score bandwidth):
//   npx tsc -p tsconfig.json && node dist/scripts/attention-check.js
//
// Published: Dao 2023 (FlashAttention-2, arXiv 2307.08691, Fig. 4 a/b; the same figure is
// assets/flash2_a100_fwd_bwd_benchmark.png in Dao-AILab/flash-attention), the "Pytorch" bars,
// forward + backward, without causal mask. The benchmark (benchmarks/benchmark_flash_attention.py
// at 60499abc, July 2023): fp16, hidden 2,048 = heads × head dimension, batch × sequence = 16,384
// tokens, dropout 0; speed = 3.5 × 4·b·s²·heads·d FLOPs over forward + backward time.
import { join } from 'node:path';
import { loadHardware } from '../simulator/hardware/load';
import { KernelCost } from '../simulator/cost/kernels';
import { predictStandardAttention, PUBLISHED_STANDARD_ATTENTION, PUBLISHED_STANDARD_ATTENTION_H100 } from '../simulator/cost/standard-attention';

const root = join(__dirname, '..', '..');
const checks = [
  ['selene-a100', PUBLISHED_STANDARD_ATTENTION],
  ['h100-cluster', PUBLISHED_STANDARD_ATTENTION_H100],
] as const;
for (const [file, published] of checks) {
  const hw = loadHardware(join(root, `scenarios/hardware/${file}.json`));
  if (!hw.ok) throw new Error(`${file} failed to load`);
  const kc = new KernelCost(hw.value, 'fp16');
  console.log(`\n${hw.value.device.name} (${file})\n`);
  console.log('| head dim | heads | batch | sequence | published TFLOP/s | predicted | error | fwd (ms) | bwd (ms) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const p of published) {
    const r = predictStandardAttention(kc, p);
    console.log(`| ${p.headDim} | ${p.heads} | ${p.batch} | ${p.sequence} | ${p.tflops} | ${r.tflops.toFixed(1)} | ${((r.tflops / p.tflops - 1) * 100).toFixed(1)}% | ${(r.forward * 1e3).toFixed(2)} | ${(r.backward * 1e3).toFixed(2)} |`);
  }
}
