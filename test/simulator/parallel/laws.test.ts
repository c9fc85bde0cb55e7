// Laws of the composed dimensions, as fast-check properties over small generated GPTs and plans:
// sharding floors on memory, ZeRO stages and recomputation never costing memory, and the tuner's
// lower bound never above the simulated step.
import fc from 'fast-check';
import { transformerModel } from '../../../simulator/model/transformer';
import type { AnalyzedModel } from '../../../simulator/model/analyze';
import type { Plan } from '../../../simulator/plan/schema';
import { resolvePlan } from '../../../simulator/plan/resolve';
import { composedPlanMemory, simulateComposed } from '../../../simulator/parallel/step';
import { simulate } from '../../../simulator/simulate';
import { bytesPerParameter } from '../../../simulator/parallel/zero';
import { layoutOf } from '../../../simulator/parallel/layout';
import { modelFrom, zooHardware } from '../../helpers/scenarios';
import { runs } from '../../helpers/runs';
import { composedLowerBound } from '../../../tuner/composed';
import { stepTimeLowerBound } from '../../../tuner/bounds';

const hw = zooHardware('selene-a100');
const settings = { numRuns: runs(60) };

const arbGpt = fc.record({
  layers: fc.integer({ min: 2, max: 6 }), heads: fc.constantFrom(4, 8), headDim: fc.constantFrom(16, 32), seq: fc.constantFrom(64, 128),
}).map((s) => modelFrom(transformerModel({
  name: 'gen', source: 'generated', family: 'decoder', layers: s.layers, hidden: s.heads * s.headDim, heads: s.heads, ffn: 4 * s.heads * s.headDim,
  activation: 'gelu', norm: 'layerNorm', normFirst: true, learnedPositions: true, positions: s.seq, sequence: s.seq, vocabulary: 512, tied: true, bias: true, dropout: 0.1,
})));

const arbPlan = fc.record({
  tp: fc.constantFrom(1, 2, 4), pp: fc.constantFrom(1, 2), dp: fc.constantFrom(1, 2, 4), batch: fc.constantFrom(4, 8), mb: fc.constantFrom(1, 2),
  zero: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<0 | 1 | 2 | 3>, recompute: fc.constantFrom('none', 'selective', 'full') as fc.Arbitrary<Plan['recompute']>,
  schedule: fc.constantFrom('gpipe', '1f1b') as fc.Arbitrary<Plan['schedule']>, sp: fc.boolean(), precision: fc.constantFrom('fp32', 'bf16') as fc.Arbitrary<Plan['precision']>,
});
type P = typeof arbPlan extends fc.Arbitrary<infer T> ? T : never;

function planOf(m: AnalyzedModel, p: P, over: Partial<Plan> = {}): Plan {
  return {
    workers: p.dp * p.tp * p.pp, batchPerWorker: p.batch, precision: p.precision, optimizer: 'adam',
    segments: [{ layers: [m.layers[0].name, m.layers[m.layers.length - 1].name], parallelism: 'data' }],
    tensor: p.tp, pipeline: p.pp, microBatch: p.mb, zero: p.zero, recompute: p.recompute, schedule: p.schedule, sequenceParallel: p.sp, ...over,
  };
}
function memory(m: AnalyzedModel, plan: Plan) {
  const r = resolvePlan(plan, m);
  if (!r.ok) throw new Error(r.problems.map((x) => `${x.path}: ${x.message}`).join('; '));
  return composedPlanMemory(m, hw, r.value);
}

describe('composed plan laws', () => {
  test('tensor and pipeline degrees never bring a worker below what sharding allows', () => {
    fc.assert(fc.property(arbGpt, arbPlan, (m, p) => {
      const mem = memory(m, planOf(m, p));
      const l = layoutOf(planOf(m, p));
      const b = bytesPerParameter(l);
      const shard = (bytes: number, stage: number) => (m.parameters * bytes) / (p.tp * p.pp) / (p.zero >= stage ? p.dp : 1);
      const floor = shard(b.weights, 3) + shard(b.gradients, 2) + shard(b.optimizer, 1);
      return mem.totalBytes >= floor * (1 - 1e-9);
    }), settings);
  });

  test('ZeRO stage k never needs more memory than stage k − 1', () => {
    fc.assert(fc.property(arbGpt, arbPlan, fc.constantFrom(1, 2, 3), (m, p, k) => {
      const stage = k as 1 | 2 | 3;
      return memory(m, planOf(m, p, { zero: stage })).totalBytes <= memory(m, planOf(m, p, { zero: (stage - 1) as 0 | 1 | 2 })).totalBytes * (1 + 1e-12);
    }), settings);
  });

  test('recomputation never keeps more activations: full ≤ selective ≤ none', () => {
    fc.assert(fc.property(arbGpt, arbPlan, (m, p) => {
      const a = (recompute: Plan['recompute']) => memory(m, planOf(m, p, { recompute })).activationsBytes;
      return a('full') <= a('selective') * (1 + 1e-12) && a('selective') <= a('none') * (1 + 1e-12);
    }), settings);
  });

  test('a step is never faster than its FLOPs per worker at the device matrix rate (MFU ≤ 100%)', () => {
    fc.assert(fc.property(arbGpt, arbPlan, (m, p) => {
      const r = resolvePlan(planOf(m, p), m);
      if (!r.ok) return true;
      const s = simulate(m, { ...hw, device: { ...hw.device, memoryBytes: Infinity } }, r.value);
      if (!s.feasible) return false;
      const matmul = p.precision === 'fp32' ? hw.device.peakFlopsByPrecision!.tf32 : hw.device.matmulFlopsByPrecision!.bf16;
      return s.stepTimeSeconds >= (s.flops!.modelFlopsPerStep / s.plan.workers / matmul) * (1 - 1e-9) && s.flops!.mfu <= 1;
    }), { numRuns: runs(30) });
  });

  test('the tuner\'s lower bound is never above the simulated step, stragglers and interference included', () => {
    // Selene's defaults (cv 1.3%, 5% interference) and a noisier device, where a bound off in the
    // straggler factor or in the recomputed FLOPs would show.
    const noisy = { ...hw, device: { ...hw.device, variability: { computeCv: 0.2, source: 'test' }, interference: { computeSlowdown: 0.3, source: 'test' } } };
    fc.assert(fc.property(arbGpt, arbPlan, fc.constantFrom(hw, noisy), fc.constantFrom(1, 3), fc.boolean(), (m, p, device, samples, interleaved) => {
      // Interleaved pipelines too (the bound's fill and drain is divided by the chunks): 2 per rank.
      const r = resolvePlan(planOf(m, p, interleaved ? { schedule: 'interleaved', virtualStages: 2 } : {}), m);
      if (!r.ok) return true;
      const big = { ...device, device: { ...device.device, memoryBytes: Infinity } };
      const s = simulate(m, big, r.value, { samples });
      if (!s.feasible) return false;
      // Both the composed tuner's bound and the plain tuner's (which defers to it for composed plans).
      return composedLowerBound(m, big, r.value) <= s.stepTimeSeconds * (1 + 1e-9) && stepTimeLowerBound(m, big, r.value) <= s.stepTimeSeconds * (1 + 1e-9);
    }), { numRuns: runs(40) });
  });

  test('bytes sent = bytes received in every composed step, and bytesPerStep is what the ranks send', () => {
    fc.assert(fc.property(arbGpt, arbPlan, (m, p) => {
      const r = resolvePlan(planOf(m, p), m);
      if (!r.ok) return true;
      const big = { ...hw, device: { ...hw.device, memoryBytes: Infinity } };
      const c = simulateComposed(m, big, r.value);
      const s = simulate(m, big, r.value, { samples: 1 });
      if (!s.feasible || !c.traffic) return false;
      const { sentBytes, receivedBytes } = c.traffic;
      // One worker sends nothing; more always do (gradients, activations or tensor collectives).
      const workers = p.dp * p.tp * p.pp;
      return Math.abs(sentBytes - receivedBytes) <= 1e-9 * sentBytes && s.bytesPerStep === sentBytes && (workers === 1 ? sentBytes === 0 : sentBytes > 0);
    }), { numRuns: runs(40) });
  });

  test('data parallelism alone sends what a ring all-reduce of the gradients sends: 2(D − 1) × gradient bytes', () => {
    fc.assert(fc.property(arbGpt, arbPlan, (m, p) => {
      const plan = planOf(m, { ...p, tp: 1, pp: 1, zero: 0 }, { segments: [{ layers: [m.layers[0].name, m.layers[m.layers.length - 1].name], parallelism: 'data', sync: 'ring-allreduce' }] });
      const r = resolvePlan(plan, m);
      if (!r.ok) return true;
      const c = simulateComposed(m, { ...hw, device: { ...hw.device, memoryBytes: Infinity } }, r.value);
      const gradients = m.parameters * bytesPerParameter(layoutOf(plan)).gradients;
      return Math.abs(c.traffic!.sentBytes - 2 * (p.dp - 1) * gradients) <= 1e-9 * gradients;
    }), { numRuns: runs(20) });
  });
});
