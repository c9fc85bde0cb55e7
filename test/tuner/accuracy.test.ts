// The accuracy objectives: laws against the throughput objective, and exactness of the branch and
// bound under them.
import fc from 'fast-check';
import { arbConvNet } from '../helpers/generators';
import { tune } from '../../tuner/tune';
import { MemoryResults } from '../../tuner/results';
import { testHardware, zooHardware, zooModel } from '../helpers/scenarios';
import { value } from '../../tuner/objective';
import { runs } from '../helpers/runs';

const same = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.abs(b));

describe('time to accuracy', () => {
  const model = zooModel('alexnet-owt');
  const hw = zooHardware('k20-pcie2-2014');
  // One log for every run: the same plans are simulated once. Single and data plans keep the
  // space small (the laws hold in any space; the brute-force test below covers every family).
  const results = new MemoryResults();
  const space = { results, maxGlobalBatch: Infinity, families: ['single', 'data'] as ('single' | 'data')[] };
  let throughputBest: Awaited<ReturnType<typeof tune>>['best'];
  beforeAll(async () => {
    throughputBest = (await tune(model, hw, { ...space, objective: 'throughput' })).best;
  });

  test('with B_noise → ∞ it picks what the throughput objective picks', async () => {
    await fc.assert(fc.asyncProperty(fc.double({ min: 9, max: 15, noNaN: true }), async (log10) => {
      const r = await tune(model, hw, { objective: 'time-to-accuracy', statistics: { noiseScale: 10 ** log10 }, ...space });
      // The same seconds per sample (a tie between two plans may be broken either way).
      same(r.best!.score.secondsPerSample, throughputBest!.score.secondsPerSample);
    }), { numRuns: runs(5) });
  });

  test('a larger noise scale never picks a plan with a shorter step (the minimiser of t + stepTime/B_noise)', async () => {
    await fc.assert(fc.asyncProperty(fc.double({ min: 1, max: 6, noNaN: true }), fc.double({ min: 0.1, max: 2, noNaN: true }), async (log10, dlog) => {
      const small = await tune(model, hw, { objective: 'time-to-accuracy', statistics: { noiseScale: 10 ** log10 }, ...space });
      const large = await tune(model, hw, { objective: 'time-to-accuracy', statistics: { noiseScale: 10 ** (log10 + dlog) }, ...space });
      expect(large.best!.result.stepTimeSeconds).toBeGreaterThanOrEqual(small.best!.result.stepTimeSeconds * (1 - 1e-9));
      // Time to the target can only grow as the noise scale shrinks.
      expect(value(small.best!.score, 'time-to-accuracy')).toBeGreaterThanOrEqual(value(large.best!.score, 'time-to-accuracy') * (1 - 1e-9));
    }), { numRuns: runs(3) });
  });

  test('a small noise scale stops the batch below what throughput alone would take', async () => {
    const r = await tune(model, hw, { objective: 'time-to-accuracy', statistics: { noiseScale: 64 }, ...space });
    expect(r.best!.result.samplesPerStep).toBeLessThan(throughputBest!.result.samplesPerStep);
  });

  test('branch and bound is exact under the accuracy objectives', async () => {
    const arbModel = arbConvNet({ filters: [8, 16], maxConvs: 2, units: [16, 64, 512], size: 12 });
    const arbHw = fc.record({ workers: fc.constantFrom(2, 4), bandwidth: fc.constantFrom(1e7, 1e9), latency: fc.constant(0), topology: fc.constant('switch' as const) }).map((h) => testHardware(h));
    await fc.assert(fc.asyncProperty(arbModel, arbHw, fc.double({ min: 0, max: 4, noNaN: true }), fc.constantFrom('time-to-accuracy' as const, 'cost-to-accuracy' as const), fc.constantFrom(4, 16), async (m, h, log10, objective, batch) => {
      // One batch per worker (as the brute-force test of the throughput objective); the workers set the global batch.
      const statistics = { noiseScale: 10 ** log10 };
      const fast = await tune(m, h, { maxWorkers: h.workers, batch, objective, statistics });
      const brute = await tune(m, h, { maxWorkers: h.workers, batch, objective, statistics, exhaustive: true });
      same(value(fast.best!.score, objective), value(brute.best!.score, objective));
    }), { numRuns: runs(3) });
  });

  test('the accuracy objectives need a noise scale', async () => {
    await expect(tune(model, hw, { objective: 'time-to-accuracy' })).rejects.toThrow(/noise scale/);
  });
});
