// The simulator's laws, checked with fast-check over generated models, clusters and plans.
import fc from 'fast-check';
import { arbConvNet } from '../helpers/generators';
import { DeviceCost } from '../../simulator/cost/compute';
import type { Hardware } from '../../simulator/hardware/schema';
import { simulate, Feasible } from '../../simulator/simulate';
import { runs } from '../helpers/runs';
import { analyzeModel } from '../../simulator/model/analyze';
import { must, plan, testHardware, zooHardware, zooModel } from '../helpers/scenarios';

const arbModel = arbConvNet({ filters: [8, 16, 32], maxConvs: 3, units: [16, 64, 256], size: 16 });

const arbHardware = fc.record({
  workers: fc.constantFrom(1, 2, 3, 4, 8),
  bandwidth: fc.constantFrom(1e7, 1e8, 1e9, 1e10),
  latency: fc.constantFrom(0, 1e-6, 1e-4),
  topology: fc.constantFrom('switch' as const, 'ring' as const, 'pcie-pairs' as const, 'tree' as const),
  memBw: fc.constantFrom(undefined, 1e11),
});

const arbCase = fc.record({
  model: arbModel,
  hw: arbHardware,
  strategy: fc.constantFrom('data', 'hybrid', 'model', 'pipeline'),
  batch: fc.constantFrom(4, 8, 16),
  sync: fc.constantFrom('ring-allreduce' as const, 'tree-allreduce' as const, 'parameter-server' as const, 'hierarchical-allreduce' as const, 'grouped-parameter-server' as const),
  exchange: fc.constantFrom('all-gather' as const, 'round-robin' as const, 'chunked' as const),
  overlap: fc.boolean(),
});
type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;

const feasible = (r: ReturnType<typeof simulate>): Feasible => {
  if (!r.feasible) throw new Error(r.reason);
  return r;
};
function run(c: Case, hwOverride: Partial<Parameters<typeof testHardware>[0]> = {}, opts = {}) {
  const hw = testHardware({ ...c.hw, ...hwOverride });
  const p = plan(c.strategy, c.model, { workers: c.hw.workers, batchPerWorker: c.batch, sync: c.sync, exchange: c.exchange, overlap: c.overlap });
  return { hw, p, r: feasible(simulate(c.model, hw, p, opts)) };
}
const valid = (c: Case) => !(c.exchange === 'chunked' && c.batch % c.hw.workers !== 0) && !(c.strategy === 'pipeline' && c.hw.workers > c.model.layers.length);
const settings = { numRuns: runs(200) };

describe('simulator laws', () => {
  test('no plan beats N× on N workers, except by the weight updates and weight reads a model segment saves', () => {
    fc.assert(fc.property(arbCase.filter(valid), (c) => {
      const { hw, p, r } = run(c);
      const N = c.hw.workers;
      if (c.strategy === 'data' || c.strategy === 'pipeline') return expect(r.speedup).toBeLessThanOrEqual(N * (1 + 1e-9));
      // Stated reasons: with the default fcBatch a model segment updates its weights once per
      // N·B samples where the single-worker baseline updates once per B; and where the roofline
      // has a memory term, a worker reads its slice of a layer's weights once per call (forward
      // once, backward twice), which with the all-gather exchange covers all N·B samples, where
      // the baseline reads the whole layer once per B. Worker-time may fall short of N baseline
      // steps by at most what those N−1 skipped updates and weight reads cost.
      const base = p.plan.batchPerWorker / (r.samplesPerSecond / r.speedup); // the single-worker step time
      const cost = new DeviceCost(hw as Hardware);
      const modelLayers = p.segments.filter((s) => s.segment.parallelism === 'model').flatMap((s) => s.layers);
      const memBw = hw.device.memoryBandwidthBytesPerSecond;
      const saved = modelLayers.reduce((a, i) => a + cost.update(c.model.layers[i].parameters) + (memBw ? (3 * c.model.layers[i].weightBytes) / memBw : 0), 0);
      const steps = p.stepSamples / c.batch; // baseline steps per plan step
      expect(N * r.stepTimeSeconds).toBeGreaterThanOrEqual((steps * base - (steps - 1) * saved) * (1 - 1e-9));
    }), settings);
  });

  test('more bandwidth never slows a plan', () => {
    fc.assert(fc.property(arbCase.filter(valid), fc.constantFrom(2, 10), (c, k) => {
      const slow = run(c).r.stepTimeSeconds;
      const fast = run(c, { bandwidth: c.hw.bandwidth * k }).r.stepTimeSeconds;
      expect(fast).toBeLessThanOrEqual(slow * (1 + 1e-9));
    }), settings);
  });

  // One exception, found by stress runs (5 in 3,000 ring cases, none in 6,000 on the other
  // topologies, none for the other exchanges): the round-robin exchange on a ring network. There
  // each round's broadcast is N−1 direct multi-hop flows; with less latency the next round's
  // broadcast starts sooner and takes a fair share of the ring links from the current round's
  // critical flows. Max-min fair sharing does not know the critical path, so finishing some
  // transfers sooner can finish the step later (a scheduling anomaly in Graham's sense; the worst
  // seen in stress runs: 2.0% slower). The simulator keeps the physics: the law is asserted where
  // it holds, and the exception is pinned by its smallest example.
  const ringRoundRobin = (c: Case) => c.hw.topology === 'ring' && c.exchange === 'round-robin' && (c.strategy === 'hybrid' || c.strategy === 'model');

  test('less latency never slows a plan (all topologies and exchanges but round-robin on a ring)', () => {
    fc.assert(fc.property(arbCase.filter(valid).filter((c) => !ringRoundRobin(c)), (c) => {
      const slow = run(c, { latency: (c.hw.latency + 1e-5) * 10 }).r.stepTimeSeconds;
      const fast = run(c).r.stepTimeSeconds;
      expect(fast).toBeLessThanOrEqual(slow * (1 + 1e-9));
    }), settings);
  });

  test('round-robin on a ring: the known latency anomaly, on its smallest example', () => {
    // The smallest counterexample fast-check found: a hybrid of three dense layers on 8 workers.
    const m = must(analyzeModel({
      name: 'gen', input: [16, 16, 3], layers: [
        { name: 'conv0', type: 'conv2d', filters: 8, kernel: 1, padding: 'same' }, { name: 'pool', type: 'maxpool2d', size: 2 },
        { name: 'fc0', type: 'dense', units: 16 }, { name: 'fc1', type: 'dense', units: 16 }, { name: 'fc2', type: 'dense', units: 16 }],
    }));
    const c: Case = { model: m, hw: { workers: 8, bandwidth: 1e7, latency: 0, topology: 'ring', memBw: undefined }, strategy: 'hybrid', batch: 8, sync: 'ring-allreduce', exchange: 'round-robin', overlap: false };
    const slow = run(c, { latency: 1e-4 }).r.stepTimeSeconds;
    const fast = run(c).r.stepTimeSeconds;
    // Zero latency is 0.49% slower than 100 µs here; on a switch the same plan obeys the law.
    expect(fast / slow - 1).toBeCloseTo(0.0049, 3);
    const onSwitch: Case = { ...c, hw: { ...c.hw, topology: 'switch' } };
    expect(run(onSwitch).r.stepTimeSeconds).toBeLessThanOrEqual(run(onSwitch, { latency: 1e-4 }).r.stepTimeSeconds);
  });

  test('with infinite bandwidth and zero latency data parallelism is linear', () => {
    fc.assert(fc.property(arbCase.filter(valid), (c) => {
      const { r } = run({ ...c, strategy: 'data' }, { bandwidth: 1e300, latency: 0 });
      expect(r.speedup).toBeCloseTo(c.hw.workers, 9);
    }), settings);
  });

  test('every byte sent is received, on every worker and link', () => {
    fc.assert(fc.property(arbCase.filter(valid), (c) => {
      const { r } = run(c, {}, { keepTimeline: true, fast: false });
      const t = r.timeline!.timeline;
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      expect(sum(t.receivedBytes)).toBeCloseTo(sum(t.sentBytes), 3);
      const transfers = r.timeline!.graph.tasks.filter((x) => x.kind === 'transfer');
      expect(sum(t.sentBytes)).toBeCloseTo(transfers.reduce((a, x) => a + (x.kind === 'transfer' ? x.bytes : 0), 0), 3);
    }), settings);
  });

  test('simulation is deterministic, bit for bit', () => {
    fc.assert(fc.property(arbCase.filter(valid), (c) => {
      expect(JSON.stringify(run(c).r)).toBe(JSON.stringify(run(c).r));
    }), { numRuns: runs(60) });
  });

  test('what was simulated before changes nothing (the engine\'s memo of max-min rates is pure)', () => {
    // One hardware object shares a topology, and so a memo, across simulations (as in the tuner);
    // a fresh object starts cold.
    fc.assert(fc.property(arbCase.filter(valid), fc.array(fc.constantFrom('data', 'hybrid', 'model', 'pipeline'), { minLength: 1, maxLength: 3 }), (c, before) => {
      const cold = run(c).r;
      const hw = testHardware(c.hw);
      for (const strategy of before) {
        const k = { ...c, strategy };
        if (valid(k)) simulate(k.model, hw, plan(strategy, k.model, { workers: k.hw.workers, batchPerWorker: k.batch, sync: k.sync, exchange: k.exchange, overlap: k.overlap }), { fast: false });
      }
      const p = plan(c.strategy, c.model, { workers: c.hw.workers, batchPerWorker: c.batch, sync: c.sync, exchange: c.exchange, overlap: c.overlap });
      const warm = feasible(simulate(c.model, hw, p));
      expect(JSON.stringify(warm)).toBe(JSON.stringify(cold));
    }), { numRuns: runs(60) });
  });

  test('overlap never hurts', () => {
    fc.assert(fc.property(arbCase.filter(valid), (c) => {
      const off = run({ ...c, strategy: 'data' as const, overlap: false }).r.stepTimeSeconds;
      const on = run({ ...c, strategy: 'data' as const, overlap: true }).r.stepTimeSeconds;
      expect(on).toBeLessThanOrEqual(off * (1 + 1e-9));
    }), settings);
  });

  test('the symmetric fast path gives what the full event simulation gives', () => {
    fc.assert(fc.property(arbCase.filter(valid), fc.constantFrom('switch' as const, 'ring' as const), fc.constantFrom('ring-allreduce' as const, 'hierarchical-allreduce' as const), (c, topology, sync) => {
      const k = { ...c, strategy: 'data' as const, sync, hw: { ...c.hw, topology } };
      const fast = run(k).r;
      const full = run(k, {}, { fast: false }).r;
      expect(fast.simulatedWorkers).toBe(1);
      expect(fast.stepTimeSeconds).toBeCloseTo(full.stepTimeSeconds, 12);
      // Every rank's bytes, although only one rank is simulated.
      expect(Math.abs(fast.bytesPerStep - full.bytesPerStep)).toBeLessThanOrEqual(1e-9 * full.bytesPerStep);
      expect(fast.breakdown.computeSeconds).toBeCloseTo(full.breakdown.computeSeconds, 12);
      expect(fast.breakdown.exposedCommunicationSeconds).toBeCloseTo(full.breakdown.exposedCommunicationSeconds, 12);
    }), settings);
  });

  test.each([
    ['hierarchical-allreduce' as const, undefined],
    ['ring-allreduce' as const, undefined],
    ['grouped-parameter-server' as const, undefined],
    ['grouped-parameter-server' as const, 8],
  ])('on a hierarchical cluster the fast path agrees too (%s, %s servers, 16 and 32 workers, groups of 8)', (sync, parameterServers) => {
    // A flat ring crosses nodes (fast hops inside, a slow one out): its closed form is its slowest hop.
    const model = zooModel('alexnet-owt');
    const hw = { ...zooHardware('dgx-a100-ib'), workers: 32 };
    for (const workers of [16, 32]) {
      const p = plan('data', model, { workers, batchPerWorker: 16, topology: 'hierarchical', sync, parameterServers });
      const fast = feasible(simulate(model, hw, p));
      const full = feasible(simulate(model, hw, p, { fast: false }));
      expect(fast.simulatedWorkers).toBe(1);
      expect(full.simulatedWorkers).toBe(workers);
      expect(fast.stepTimeSeconds).toBeCloseTo(full.stepTimeSeconds, 12);
      expect(full.bytesPerStep).toBeGreaterThan(0);
      expect(Math.abs(fast.bytesPerStep - full.bytesPerStep)).toBeLessThanOrEqual(1e-9 * full.bytesPerStep);
      // The flow-level lowering lets a flat ring's fast hops finish early and wait (idle, their
      // compute no longer slowed by communication); in lockstep every rank communicates
      // throughout. The step is the same; how its time splits differs by that much.
      if (sync === 'hierarchical-allreduce') {
        expect(fast.breakdown.computeSeconds).toBeCloseTo(full.breakdown.computeSeconds, 12);
        expect(fast.breakdown.exposedCommunicationSeconds).toBeCloseTo(full.breakdown.exposedCommunicationSeconds, 12);
      }
    }
  });

  test('steady state: after the first step every step repeats (1 and 5 measured steps give the same step time)', () => {
    fc.assert(fc.property(arbCase.filter(valid), (c) => {
      const one = run(c, {}, { measuredSteps: 1 }).r.stepTimeSeconds;
      expect(Math.abs(run(c, {}, { measuredSteps: 5 }).r.stepTimeSeconds - one)).toBeLessThanOrEqual(1e-12 * one);
    }), { numRuns: runs(100) });
  });
});
