// The effect of the fidelity defaults (simulator/hardware/defaults.ts) on every hardware file of
// the project: data-parallel ResNet-50 (batch 64 per GPU) speedup at 8…workers as the file
// alone says (parsed, nothing filled in) and as loaded (defaults filled in where the file is
// silent), and Krizhevsky's table on k20-pcie2-2014. docs/fidelity.md gives the table.
// Run: npx tsc -p tsconfig.json && node dist/test/bench/fidelity-defaults.js
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadHardware, parseHardware } from '../../simulator/hardware/load';
import type { Hardware } from '../../simulator/hardware/schema';
import { loadModel } from '../../simulator/model/analyze';
import { strategyResolved } from '../../simulator/plan/shorthand';
import { readJsonFile } from '../../simulator/validate';
import { simulate } from '../../simulator/simulate';

const root = join(__dirname, '..', '..', '..');
const must = <T>(r: { ok: true; value: T } | { ok: false }): T => {
  if (!r.ok) throw new Error('scenario failed to load');
  return r.value;
};
const dir = join(root, 'scenarios/hardware');
const resnet = must(loadModel(join(root, 'scenarios/models/resnet50.json')));
const alexnet = must(loadModel(join(root, 'scenarios/models/alexnet-owt.json')));

const speedup = (model: typeof resnet, hw: Hardware, strategy: string, workers: number, batch: number): string => {
  const p = strategyResolved(strategy, model, { workers, batchPerWorker: batch, topology: hw.network.topology });
  if (!p.ok) return 'n/a';
  const r = simulate(model, hw, p.value);
  return r.feasible ? `${r.speedup.toFixed(2)}x` : 'infeasible';
};

process.stdout.write('ResNet-50, data parallel, batch 64 per worker: speedup as the file says → with the defaults filled in\n');
for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
  const file = join(dir, f);
  const bare = must(parseHardware(must(readJsonFile(file))));
  const resolved = must(loadHardware(file));
  const counts = [8, 16, 32, 64].filter((k) => k <= bare.workers && (bare.network.topology !== 'hierarchical' || k % bare.network.groupSize === 0 || k < bare.network.groupSize));
  const cells = counts.map((k) => `${k}: ${speedup(resnet, bare, 'data', k, 64)} → ${speedup(resnet, resolved, 'data', k, 64)}`);
  process.stdout.write(`  ${f.replace('.json', '').padEnd(20)} ${cells.join('   ')}\n`);
}

process.stdout.write('\nKrizhevsky 2014 (k20-pcie2-2014, AlexNet-OWT hybrid, 128 per GPU): paper → as the file says → loaded\n');
const k20file = join(dir, 'k20-pcie2-2014.json');
const k20bare = must(parseHardware(must(readJsonFile(k20file))));
const k20 = must(loadHardware(k20file));
const errs: number[] = [];
for (const [k, paper] of [[2, 1.95], [4, 3.74], [8, 6.25]] as const) {
  const a = Number(speedup(alexnet, k20bare, 'hybrid', k, 128).replace('x', ''));
  const b = Number(speedup(alexnet, k20, 'hybrid', k, 128).replace('x', ''));
  errs.push(Math.abs(b / paper - 1));
  process.stdout.write(`  ${k} GPUs: ${paper}x → ${a.toFixed(3)}x (${(100 * (a / paper - 1)).toFixed(2)}%) → ${b.toFixed(3)}x (${(100 * (b / paper - 1)).toFixed(2)}%)\n`);
}
process.stdout.write(`  loaded: mean |error| ${(100 * errs.reduce((s, x) => s + x, 0) / errs.length).toFixed(2)}%, worst ${(100 * Math.max(...errs)).toFixed(2)}%\n`);
