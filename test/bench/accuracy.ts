// The time-to-accuracy experiment (docs/time-to-accuracy.md): MNIST with the zoo's mnist-mlp,
// data-parallel on 2 workers, global batches 16 to 1,024, several seeds. Measures steps to the
// model's target validation loss, fits S = S_min(1 + B_noise/B) on half of the batches and checks
// the other half, and compares the noise scale the runtime measured with the fitted one.
//   npm run bench:accuracy -- [--seeds 3] [--out bench-out/accuracy]
// Slow (minutes on 2 cores); not part of `npm test` or `npm run bench`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chart } from '../../cli/plot';
import { unwrap } from '../../simulator/errors';
import { loadModel } from '../../simulator/model/analyze';
import { strategyResolved } from '../../simulator/plan/shorthand';
import { fitStepsToTarget, scaledLearningRate, stepsToTarget } from '../../simulator/statistics/efficiency';
import { runPlan } from '../../runtime/run';
import { MNIST_MLP_FILE } from '../../runtime/paths';

const BATCHES = [16, 32, 64, 128, 256, 512, 1024];
/** Fitted on these, checked on the rest (alternate batches, so both halves span the range). */
const FIT = new Set([16, 64, 256, 1024]);
const WORKERS = 2;
const MAX_STEPS = 3000;
const MOMENTUM = 0.9;

const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : d;
};

async function trainToTarget(batch: number, seed: number, lr: number) {
  const model = unwrap(loadModel(MNIST_MLP_FILE));
  const plan = unwrap(strategyResolved('data', model, { workers: WORKERS, batchPerWorker: batch / WORKERS, topology: 'switch', sync: 'ring-allreduce', overlap: false }));
  // Evaluations often enough that interpolating between two of them is a small part of the steps.
  const evaluateEvery = Math.max(1, Math.round(128 / batch));
  const r = await runPlan(model, plan, { steps: MAX_STEPS, seed, learningRate: lr, momentum: MOMENTUM, backend: 'wasm', transport: { kind: 'memory' }, evaluateEvery, stopAtTarget: true });
  return { steps: r.stepsToTarget, noiseScale: r.noiseScale?.noiseScale, stepSeconds: r.measured.stepSeconds, validation: r.validation };
}

async function main() {
  const seeds = Array.from({ length: Number(arg('seeds', '3')) }, (_, i) => i + 1);
  const out = arg('out', 'bench-out/accuracy');
  mkdirSync(out, { recursive: true });
  const model = unwrap(loadModel(MNIST_MLP_FILE)).model;
  const rule = model.training!.learningRate!;
  const log = (s: string) => process.stdout.write(s + '\n');

  // 1. The learning-rate rule needs a noise scale: a pilot run at the base batch measures one.
  const pilot = await trainToTarget(rule.batch, 100, rule.base);
  const pilotNoise = pilot.noiseScale!;
  log(`pilot: batch ${rule.batch}, lr ${rule.base}: noise scale ${pilotNoise.toFixed(1)} over ${pilot.steps?.toFixed(0)} steps`);

  // 2. Steps to the target at every batch and seed, learning rate by the model's rule.
  const rows: { batch: number; lr: number; steps: number[]; noise: number[]; stepSeconds: number[] }[] = [];
  for (const batch of BATCHES) {
    const lr = scaledLearningRate(rule.scaling, rule.base, rule.batch, batch, pilotNoise);
    const row = { batch, lr, steps: [] as number[], noise: [] as number[], stepSeconds: [] as number[] };
    for (const seed of seeds) {
      const r = await trainToTarget(batch, seed, lr);
      if (r.steps === undefined) throw new Error(`batch ${batch} seed ${seed}: target not reached in ${MAX_STEPS} steps`);
      row.steps.push(r.steps);
      if (r.noiseScale) row.noise.push(r.noiseScale);
      row.stepSeconds.push(r.stepSeconds);
      log(`batch ${batch} seed ${seed} lr ${lr.toFixed(4)}: ${r.steps.toFixed(1)} steps, noise scale ${r.noiseScale?.toFixed(1)}, ${(r.stepSeconds * 1e3).toFixed(1)} ms/step`);
    }
    rows.push(row);
  }

  // 3. Fit on half, check the other half; fit on all for the noise-scale comparison.
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const fit = fitStepsToTarget(rows.filter((r) => FIT.has(r.batch)).map((r) => ({ batch: r.batch, steps: mean(r.steps) })));
  const all = fitStepsToTarget(rows.map((r) => ({ batch: r.batch, steps: mean(r.steps) })));
  if (!fit || !all) throw new Error('the measured steps do not have the shape S_min(1 + B_noise/B)');
  const table = rows.map((r) => {
    const m = mean(r.steps);
    const p = stepsToTarget(fit.minSteps, fit.noiseScale, r.batch);
    return { batch: r.batch, role: FIT.has(r.batch) ? 'fit' : 'check', lr: r.lr, steps: m, min: Math.min(...r.steps), max: Math.max(...r.steps), predicted: p, error: m / p - 1, noise: r.noise.length ? mean(r.noise) : undefined };
  });
  const measuredNoise = mean(table.filter((t) => t.noise !== undefined).map((t) => t.noise!));
  log('');
  log(`| global batch | half | lr | steps to loss ${model.training!.target!.value} (mean of ${seeds.length} seeds) | spread (min–max) | predicted | error | measured B_noise |`);
  log('|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const t of table) log(`| ${t.batch} | ${t.role} | ${t.lr.toFixed(4)} | ${t.steps.toFixed(1)} | ${t.min.toFixed(1)}–${t.max.toFixed(1)} | ${t.predicted.toFixed(1)} | ${(t.error * 100).toFixed(1)}% | ${t.noise?.toFixed(1) ?? '—'} |`);
  log('');
  log(`fit on ${[...FIT].join(', ')}: S_min ${fit.minSteps.toFixed(2)}, B_noise ${fit.noiseScale.toFixed(1)}; largest error on the checked half ${(Math.max(...table.filter((t) => t.role === 'check').map((t) => Math.abs(t.error))) * 100).toFixed(1)}%, on all ${(Math.max(...table.map((t) => Math.abs(t.error))) * 100).toFixed(1)}%`);
  log(`fit on all batches: S_min ${all.minSteps.toFixed(2)}, B_noise ${all.noiseScale.toFixed(1)}; measured noise scale (mean over runs) ${measuredNoise.toFixed(1)}: ratio ${(measuredNoise / all.noiseScale).toFixed(2)}`);

  const curve = Array.from({ length: 41 }, (_, i) => 16 * 2 ** (i / 6.6667)).map((b) => [b, stepsToTarget(fit.minSteps, fit.noiseScale, b)] as [number, number]);
  const svg = chart(`mnist-mlp, 2 workers: steps to validation loss ${model.training!.target!.value}`, 'global batch', 'steps to target', [
    { name: 'measured (fit half)', points: table.filter((t) => t.role === 'fit').map((t) => [t.batch, t.steps]) },
    { name: 'measured (checked half)', points: table.filter((t) => t.role === 'check').map((t) => [t.batch, t.steps]) },
    { name: `S_min(1+B_noise/B), B_noise ${fit.noiseScale.toFixed(0)}`, points: curve, dashed: true },
  ]);
  writeFileSync(join(out, 'steps-to-target.svg'), svg);
  writeFileSync(join(out, 'results.json'), JSON.stringify({ seeds, pilotNoise, fit, all, measuredNoise, table, rows }, null, 2) + '\n');
  log(`wrote ${join(out, 'steps-to-target.svg')} and results.json`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exitCode = 1;
});
