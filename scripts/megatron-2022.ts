// Prints predicted against published figures for the Megatron-LM runs of Korthikanti et al. 2022
// (model FLOPs utilisation from the Megatron-LM README; seconds per iteration from Table 5):
//   npx tsc -p tsconfig.json && node dist/scripts/megatron-2022.js
import { join } from 'node:path';
import { loadHardware } from '../simulator/hardware/load';
import { KORTHIKANTI_RUNS, korthikantiPrediction } from '../simulator/parallel/megatron-2022';

const root = join(__dirname, '..', '..');
const hw = loadHardware(join(root, 'scenarios/hardware/selene-a100.json'));
if (!hw.ok) throw new Error('selene-a100 failed to load');
const pct = (predicted: number, published: number) => `${predicted >= published ? '+' : ''}${((predicted / published - 1) * 100).toFixed(1)}%`;
console.log('| model | TP | PP | GPUs | MFU published (selective+SP) | predicted | error | s/iter full: published | predicted | speed error | s/iter selective: published | predicted | speed error |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of KORTHIKANTI_RUNS) {
  const sel = korthikantiPrediction(hw.value, r, 'selective');
  const full = korthikantiPrediction(hw.value, r, 'full');
  console.log(
    `| ${r.name} | ${r.tp} | ${r.pp} | ${r.gpus} | ${(r.mfu * 100).toFixed(1)}% | ${(sel.mfu * 100).toFixed(1)}% | ${pct(sel.mfu, r.mfu)} ` +
      `| ${r.fullSeconds} | ${full.stepTimeSeconds.toFixed(2)} | ${pct(r.fullSeconds / full.stepTimeSeconds, 1)} ` +
      `| ${r.selectiveSeconds} | ${sel.stepTimeSeconds.toFixed(2)} | ${pct(r.selectiveSeconds / sel.stepTimeSeconds, 1)} |`,
  );
}
