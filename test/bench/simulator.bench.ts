// Simulator speed: AlexNet-OWT hybrid on 8 K20s (simulations per second) and ResNet-50
// data-parallel on a hierarchical cluster (milliseconds per simulation) at 8 to 16,384 workers,
// with the symmetric fast path against the full event simulation side by side.
import { loadHardware } from '../../simulator/hardware/load';
import { loadModel } from '../../simulator/model/analyze';
import { strategyResolved } from '../../simulator/plan/shorthand';
import { resolvePlan } from '../../simulator/plan/resolve';
import { simulate, SIMULATE_DEFAULTS } from '../../simulator/simulate';
import type { Hardware } from '../../simulator/hardware/schema';
import { join } from 'node:path';
import { perSecond } from './timing';

const root = join(__dirname, '..', '..', '..');
const must = <T>(r: { ok: true; value: T } | { ok: false }): T => {
  if (!r.ok) throw new Error('scenario failed to load');
  return r.value;
};

export function benchSimulator(): string[] {
  const out: string[] = [];
  const alex = must(loadModel(join(root, 'scenarios/models/alexnet-owt.json')));
  const k20 = must(loadHardware(join(root, 'scenarios/hardware/k20-pcie2-2014.json')));
  const hybrid = must(strategyResolved('hybrid', alex, { workers: 8, batchPerWorker: 128 }));
  const data = must(strategyResolved('data', alex, { workers: 8, batchPerWorker: 128 }));
  const h = perSecond(() => simulate(alex, k20, hybrid));
  const d = perSecond(() => simulate(alex, k20, data));
  out.push(`alexnet-owt × k20-pcie2-2014, hybrid 8×128: ${h.perSecond.toFixed(0)} simulations/s, median of 7 batches (best batch ${h.best.toFixed(0)}; target ≥ 1000); data 8×128: ${d.perSecond.toFixed(0)}/s — hybrid costs ${(d.perSecond / h.perSecond).toFixed(1)}× a data-parallel simulation`);

  const resnet = must(loadModel(join(root, 'scenarios/models/resnet50.json')));
  const h100 = must(loadHardware(join(root, 'scenarios/hardware/h100-ib.json')));
  const line: string[] = [];
  for (const workers of [8, 64, 1024, 16384]) {
    const p = must(strategyResolved('data', resnet, { workers, batchPerWorker: 32, topology: 'hierarchical' }));
    simulate(resnet, h100, p); // warm the JIT
    const t = perSecond(() => simulate(resnet, h100, p), 1);
    line.push(`${workers}: ${((1 / t.perSecond) * 1e3).toFixed(2)} ms`);
  }
  out.push(`resnet50 × h100-ib, data parallel (hierarchical all-reduce), ms per simulation — ${line.join(', ')} (target: 1,024 under 1 s)`);

  for (const workers of [16, 64]) {
    const p = must(strategyResolved('data', resnet, { workers, batchPerWorker: 32, topology: 'hierarchical' }));
    const fast = 1 / perSecond(() => simulate(resnet, h100, p), 0.5).perSecond;
    const full = 1 / perSecond(() => simulate(resnet, h100, p, { fast: false }), 1).perSecond;
    out.push(`  ${workers} workers: full event simulation ${(full * 1e3).toFixed(1)} ms vs symmetric fast path ${(fast * 1e3).toFixed(2)} ms — ratio ${(full / fast).toFixed(0)}×`);
  }
  out.push(...benchBand(alex, k20, hybrid, resnet, h100));
  return out;
}

/** The cost of a banded simulation (stragglers at the default samples) relative to a plain one. */
function benchBand(alex: Parameters<typeof simulate>[0], k20: Hardware, hybrid: Parameters<typeof simulate>[2], resnet: Parameters<typeof simulate>[0], h100: Hardware): string[] {
  // Both sides state their variability: a loaded file may carry the default one (simulator/hardware/defaults.ts).
  const varied = (hw: Hardware, computeCv = 0.02): Hardware => ({ ...hw, device: { ...hw.device, variability: { computeCv, source: 'bench fixture' } } });
  const cases: [string, Parameters<typeof simulate>[0], Hardware, Parameters<typeof simulate>[2]][] = [
    ['alexnet-owt hybrid 8×128 on k20-pcie2-2014', alex, k20, hybrid],
    ['resnet50 data parallel 1,024 workers on h100-ib', resnet, h100, must(strategyResolved('data', resnet, { workers: 1024, batchPerWorker: 32, topology: 'hierarchical' }))],
  ];
  return cases.map(([name, model, hw, p]) => {
    const plain = perSecond(() => simulate(model, varied(hw, 0), p), 1).perSecond;
    const banded = perSecond(() => simulate(model, varied(hw), p), 1).perSecond;
    return `band (stragglers, ${SIMULATE_DEFAULTS.samples} samples) vs plain, ${name}: ${(plain / banded).toFixed(2)}× the plain simulation's time (target ≤ 5×)`;
  });
}

/** A GPT-3 175B step (data × tensor × pipeline) on 1,024 A100s against the same model on 8 (the representative-worker lowering). */
export function benchTransformer(): string {
  const gpt3 = must(loadModel(join(root, 'scenarios/models/gpt3-175b.json')));
  const selene = must(loadHardware(join(root, 'scenarios/hardware/selene-a100.json')));
  const plan = (workers: number, tensor: number, pipeline: number, batch: number) => must(resolvePlan({
    workers, batchPerWorker: batch, precision: 'bf16', optimizer: 'adam', tensor, pipeline, microBatch: 1, schedule: '1f1b', recompute: 'selective', sequenceParallel: true,
    segments: [{ layers: ['tokens', 'loss'], parallelism: 'data' }],
  }, gpt3));
  // The same step (GPT-3's 1,536 sequences in micro-batches of 1) on 8 and on 1,024 GPUs: the
  // lowering's work grows with pipeline stages × micro-batches per replica, not with GPUs.
  const small = plan(8, 8, 1, 1536);
  const large = plan(1024, 8, 16, 96);
  const noMemory = { ...selene, device: { ...selene.device, memoryBytes: Infinity } };
  simulate(gpt3, noMemory, small);
  simulate(gpt3, noMemory, large);
  const a = 1 / perSecond(() => simulate(gpt3, noMemory, small), 1).perSecond;
  const b = 1 / perSecond(() => simulate(gpt3, noMemory, large), 1).perSecond;
  return `gpt3-175b × selene-a100, one step: 8 GPUs (tp 8, 1,536 micro-batches) ${(a * 1e3).toFixed(1)} ms, 1,024 GPUs (dp 8 × tp 8 × pp 16, 96 micro-batches) ${(b * 1e3).toFixed(1)} ms — ratio ${(b / a).toFixed(1)}× (target ≤ 10×, and under 1 s)`;
}
