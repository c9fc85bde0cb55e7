// Tuner speed: plans scored per second (inline against a worker pool, side by side), the time to
// tune alexnet-owt at up to 8 workers (target under 5 s here) and resnet50 at up to 1,024.
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { loadHardware } from '../../simulator/hardware/load';
import { loadModel } from '../../simulator/model/analyze';
import { InlineEvaluator, PoolEvaluator } from '../../tuner/evaluator';
import { candidates } from '../../tuner/space';
import { tune } from '../../tuner/tune';

const root = join(__dirname, '..', '..', '..');
const must = <T>(r: { ok: true; value: T } | { ok: false }): T => {
  if (!r.ok) throw new Error('scenario failed to load');
  return r.value;
};
const seconds = async (fn: () => Promise<unknown>) => {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
};

export async function benchTuner(): Promise<string[]> {
  const out: string[] = [];
  const alex = must(loadModel(join(root, 'scenarios/models/alexnet-owt.json')));
  const k20 = must(loadHardware(join(root, 'scenarios/hardware/k20-pcie2-2014.json')));
  const plans = [...candidates(alex, k20, { workers: 8, batch: 128 })].map((c) => c.plan.plan);
  const inline = new InlineEvaluator(alex, k20);
  const threads = availableParallelism();
  const pool = new PoolEvaluator(alex.model, k20, threads);
  await pool.evaluate(plans); // start the threads and warm their JIT, as the inline run is warmed below
  await inline.evaluate(plans);
  const ti = await seconds(() => inline.evaluate(plans));
  const tp = await seconds(() => pool.evaluate(plans));
  await pool.close();
  out.push(`plans scored per second (alexnet-owt × k20, ${plans.length} candidate plans at 8×128): one thread ${(plans.length / ti).toFixed(0)}/s, pool of ${threads} ${(plans.length / tp).toFixed(0)}/s — ratio ${(ti / tp).toFixed(2)}×`);

  const a8 = await seconds(async () => {
    const r = await tune(alex, k20, { maxWorkers: 8 });
    out.push(`tune alexnet-owt × k20-pcie2-2014 up to 8 workers: ${r.candidates} candidates, ${r.evaluated} simulated, ${r.pruned} skipped by bounds`);
  });
  out.push(`  took ${a8.toFixed(2)} s (target under 5 s)`);

  const resnet = must(loadModel(join(root, 'scenarios/models/resnet50.json')));
  const a100 = must(loadHardware(join(root, 'scenarios/hardware/dgx-a100-ib.json')));
  const r1024 = await seconds(async () => {
    const r = await tune(resnet, a100, { maxWorkers: 1024 });
    out.push(`tune resnet50 × dgx-a100-ib up to 1,024 workers: ${r.candidates} candidates, ${r.evaluated} simulated, ${r.pruned} skipped; best ${r.best!.result.plan.workers}×${r.best!.result.plan.batchPerWorker} at ${r.best!.result.speedup.toFixed(1)}x`);
  });
  out.push(`  took ${r1024.toFixed(2)} s`);
  return out;
}
