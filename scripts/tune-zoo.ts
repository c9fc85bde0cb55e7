// What `tune` picks for every zoo transformer on both GPU clusters (docs/transformers.md):
//   npx tsc -p tsconfig.json && node dist/scripts/tune-zoo.js
import { join } from 'node:path';
import { loadHardware } from '../simulator/hardware/load';
import { loadModel } from '../simulator/model/analyze';
import { layoutOf } from '../simulator/parallel/layout';
import type { Plan } from '../simulator/plan/schema';

function dims(p: Plan): string {
  const l = layoutOf(p);
  return `dp ${l.data} × tp ${l.tensor}${l.sequenceParallel ? '+sp' : ''} × pp ${l.pipeline}${l.pipeline > 1 ? ` ${l.schedule}${l.chunks > 1 ? `×${l.chunks}` : ''}` : ''}, micro-batch ${l.microBatch}, ZeRO ${l.zero}, recompute ${l.recompute}, ${l.precision}`;
}
import { tuneComposed } from '../tuner/composed';

const root = join(__dirname, '..', '..');
// Workers and global batch (sequences or images per step) as each model's paper or common practice trains it.
const runs: [string, number, number][] = [
  ['gpt2', 64, 512], ['gpt2-xl', 64, 512], ['bert-large', 64, 256], ['vit-b16', 64, 4096],
  ['llama2-7b', 256, 1024], ['llama3-8b', 256, 512], ['llama2-70b', 1024, 1024], ['gpt3-175b', 1024, 1536],
];
console.log('| model | cluster | GPUs | global batch | plan | step (s) | MFU | memory (GB) | tune (s) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const hwName of ['selene-a100', 'h100-cluster']) {
  const hw = loadHardware(join(root, `scenarios/hardware/${hwName}.json`));
  if (!hw.ok) throw new Error(`${hwName} failed to load`);
  for (const [name, workers, globalBatch] of runs) {
    const m = loadModel(join(root, `scenarios/models/${name}.json`));
    if (!m.ok) throw new Error(`${name} failed to load`);
    const t0 = Date.now();
    const r = tuneComposed(m.value, hw.value, { workers, globalBatch });
    const s = ((Date.now() - t0) / 1e3).toFixed(1);
    const b = r.best;
    console.log(b
      ? `| ${name} | ${hwName} | ${workers} | ${globalBatch} | ${dims(b.plan)} | ${b.result.stepTimeSeconds.toFixed(2)} | ${(b.result.flops!.mfu * 100).toFixed(0)}% | ${(b.result.memory.totalBytes / 1e9).toFixed(1)} | ${s} |`
      : `| ${name} | ${hwName} | ${workers} | ${globalBatch} | none fits: ${Object.values(r.infeasibleFamilies)[0]} | | | | ${s} |`);
  }
}
