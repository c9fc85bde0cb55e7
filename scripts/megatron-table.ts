// Prints predicted against published achieved TFLOP/s per GPU for Narayanan et al. 2021 Table 1:
//   npx tsc -p tsconfig.json && node dist/scripts/megatron-table.js [rows]
import { join } from 'node:path';
import { loadHardware } from '../simulator/hardware/load';
import { loadModel } from '../simulator/model/analyze';
import { MEGATRON_GPT } from '../simulator/model/transformer';
import { megatronPrediction } from '../simulator/parallel/megatron';

const root = join(__dirname, '..', '..');
const hw = loadHardware(join(root, 'scenarios/hardware/selene-a100.json'));
if (!hw.ok) throw new Error('selene-a100 failed to load');
console.log('| model | TP | PP | GPUs | batch | published TFLOP/s | predicted | error | step (s) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const row of MEGATRON_GPT.slice(0, Number(process.argv[2] ?? 5))) {
  const m = loadModel(join(root, `scenarios/models/megatron-gpt-${row.billions}b.json`));
  if (!m.ok) throw new Error(`megatron-gpt-${row.billions}b failed to load`);
  const p = megatronPrediction(m.value, hw.value, row);
  console.log(`| ${row.billions}B | ${row.tp} | ${row.pp} | ${row.gpus} | ${row.batch} | ${row.tflops} | ${p.fits ? p.tflops.toFixed(1) : 'does not fit'} | ${p.fits ? `${((p.tflops / row.tflops - 1) * 100).toFixed(1)}%` : ''} | ${p.stepTimeSeconds.toFixed(2)} |`);
}
