// The tuner returns the true optimum of the space it searches: its branch and bound agrees with
// scoring every candidate, on generated small models and clusters.
import fc from 'fast-check';
import { arbConvNet } from '../helpers/generators';
import { simulate } from '../../simulator/simulate';
import { stepTimeLowerBound } from '../../tuner/bounds';
import { candidates } from '../../tuner/space';
import { tune } from '../../tuner/tune';
import { modelFrom, must, testHardware, zooHardware, zooModel } from '../helpers/scenarios';
import { resolvePlan } from '../../simulator/plan/resolve';
import { withFidelityDefaults } from '../../simulator/hardware/defaults';

const arbModel = arbConvNet({ filters: [8, 16], maxConvs: 2, units: [16, 64, 512], size: 12 });
const arbHw = fc.record({
  workers: fc.constantFrom(2, 4),
  bandwidth: fc.constantFrom(1e7, 1e8, 1e9),
  latency: fc.constantFrom(0, 1e-5),
  topology: fc.constantFrom('switch' as const, 'pcie-pairs' as const, 'ring' as const),
}).map((h) => testHardware(h));

describe('tuner', () => {
  test('branch and bound finds the same optimum as brute force', async () => {
    await fc.assert(fc.asyncProperty(arbModel, arbHw, fc.constantFrom(4, 8), fc.constantFrom('throughput' as const, 'cost' as const), async (model, hw, batch, objective) => {
      const fast = await tune(model, hw, { maxWorkers: hw.workers, batch, objective });
      const brute = await tune(model, hw, { maxWorkers: hw.workers, batch, objective, exhaustive: true });
      expect(brute.pruned).toBe(0);
      const value = (r: typeof fast) => (objective === 'cost' ? r.best!.score.costPerSample : r.best!.score.secondsPerSample);
      // Equal up to float rounding: two different plans may tie to the last bit.
      const same = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.abs(b));
      same(value(fast), value(brute));
      // Each family's best (the runners-up the explanation shows) is exact too.
      for (const f of Object.keys(brute.families) as (keyof typeof brute.families)[]) {
        same(fast.families[f]!.score.secondsPerSample, brute.families[f]!.score.secondsPerSample);
        same(fast.families[f]!.score.costPerSample, brute.families[f]!.score.costPerSample);
      }
      expect(fast.frontier.length).toBe(brute.frontier.length);
      fast.frontier.forEach((s, i) => same(s.score.secondsPerSample, brute.frontier[i].score.secondsPerSample));
    }), { numRuns: 25 });
  });

  test('the lower bound never exceeds the simulated step time', () => {
    fc.assert(fc.property(arbModel, arbHw, fc.constantFrom(4, 8), (model, hw, batch) => {
      for (const c of candidates(model, hw, { maxWorkers: hw.workers, batch })) {
        const r = simulate(model, hw, c.plan);
        if (r.feasible) expect(stepTimeLowerBound(model, hw, c.plan)).toBeLessThanOrEqual(r.stepTimeSeconds * (1 + 1e-9));
      }
    }), { numRuns: 15 });
  });

  test('the lower bound holds with the fidelity mechanisms, at the expected slowest worker the tuner scores', () => {
    // Defaults filled in (achieved collectives, launch, interference) and a compute spread from
    // the default to a large one: the bound scales compute by E[max of K factors].
    const arbVaried = fc.tuple(arbHw, fc.constantFrom(0.013, 0.1)).map(([hw, computeCv]) => {
      const d = withFidelityDefaults(hw);
      return { ...d, device: { ...d.device, variability: { computeCv, source: 'test fixture' } } };
    });
    fc.assert(fc.property(arbModel, arbVaried, fc.constantFrom(4, 8), (model, hw, batch) => {
      for (const c of candidates(model, hw, { maxWorkers: hw.workers, batch })) {
        const r = simulate(model, hw, c.plan, { samples: 1 });
        if (r.feasible) expect(stepTimeLowerBound(model, hw, c.plan)).toBeLessThanOrEqual(r.stepTimeSeconds * (1 + 1e-9));
      }
    }), { numRuns: 8 });
  });

  test('memory is a hard limit: plans that do not fit are never chosen', async () => {
    const model = modelFrom({ name: 'big-fc', input: [8, 8, 4], layers: [{ name: 'c', type: 'conv2d', filters: 8, kernel: 3, padding: 'same' }, { name: 'fc1', type: 'dense', units: 4096 }, { name: 'fc2', type: 'dense', units: 4096 }] });
    // fc2 alone is 16.8M weights = 201 MB with gradients and momentum: only split plans fit in 150 MB.
    const hw = { ...testHardware({ workers: 4 }), device: { ...testHardware().device, memoryBytes: 1.5e8 } };
    const r = await tune(model, hw, { workers: 4, batch: 8 });
    expect(r.best!.result.memory.fits).toBe(true);
    expect(['model', 'hybrid', 'pipeline']).toContain(r.best!.family);
    expect(r.infeasible).toBeGreaterThan(0);
  });
});

test('the lower bound holds for plans with two data segments (only one synchronisation is sure to stall)', () => {
  const model = zooModel('vgg16');
  const hw = zooHardware('c5-cluster');
  for (const overlap of [true, false])
    for (const sync of ['ring-allreduce', 'tree-allreduce', 'parameter-server'] as const) {
      const p = must(resolvePlan({ workers: 4, batchPerWorker: 8, segments: [
        { layers: ['conv1_1', 'conv5_3'], parallelism: 'data', sync, overlap },
        { layers: ['pool5', 'fc8'], parallelism: 'data', sync, overlap },
      ] }, model));
      const r = simulate(model, hw, p);
      if (r.feasible) expect(stepTimeLowerBound(model, hw, p)).toBeLessThanOrEqual(r.stepTimeSeconds * (1 + 1e-9));
    }
});
