// Stragglers: the order-statistics band (simulator/stragglers.ts) against draws of the max of N
// factors and against the full simulation with every worker's factor drawn every step; the laws
// with variability on (fast-check).
import fc from 'fast-check';
import { arbConvNet } from '../helpers/generators';
import type { Hardware } from '../../simulator/hardware/schema';
import { simulate, Feasible } from '../../simulator/simulate';
import { expectedSlowest, factorDraws, slowestQuantile, factorQuantile } from '../../simulator/stragglers';
import { runs } from '../helpers/runs';
import { plan, testHardware, zooModel } from '../helpers/scenarios';

const feasible = (r: ReturnType<typeof simulate>): Feasible => {
  if (!r.feasible) throw new Error(r.reason);
  return r;
};
const withCv = (hw: Hardware, computeCv: number): Hardware => ({ ...hw, device: { ...hw.device, variability: { computeCv, source: 'test fixture' } } });

describe('the slowest of N factors', () => {
  test('one worker: its own factor, whose mean is 1 and whose spread is the stated cv', () => {
    const d = factorDraws(0.1, 7);
    const xs = Array.from({ length: 40_000 }, () => d.next());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(1, 2);
    expect(sd).toBeCloseTo(0.1, 2);
    expect(slowestQuantile(0.9, 1, 0.1)).toBe(factorQuantile(0.9, 0.1));
  });

  test.each([
    [2, 20_000],
    [8, 10_000],
    [64, 2_000],
  ])('E[max of %i] and its p10/p90 match %i draws of the max', (n, draws) => {
    const cv = 0.05;
    const d = factorDraws(cv, n);
    const maxes = Array.from({ length: draws }, () => {
      let m = 0;
      for (let i = 0; i < n; i++) m = Math.max(m, d.next());
      return m;
    }).sort((a, b) => a - b);
    expect(Math.abs(expectedSlowest(n, cv) - maxes.reduce((a, b) => a + b, 0) / maxes.length)).toBeLessThan(1.5e-3);
    expect(Math.abs(slowestQuantile(0.1, n, cv) - maxes[draws / 10])).toBeLessThan(3e-3);
    expect(Math.abs(slowestQuantile(0.9, n, cv) - maxes[(9 * draws) / 10])).toBeLessThan(3e-3);
  });

  test('law: more workers never lower any quantile of the slowest factor (the tail never narrows toward the mean)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: 4096 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true }), (a, b, q, cv) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      return slowestQuantile(q, hi, cv) >= slowestQuantile(q, lo, cv) - 1e-12 && expectedSlowest(hi, cv) >= expectedSlowest(lo, cv) - 1e-12;
    }), { numRuns: runs(200) });
  });
});

describe('banded simulation', () => {
  const model = zooModel('mini-owt');
  const hw = withCv(testHardware({ workers: 8, bandwidth: 1e9, latency: 1e-5 }), 0.05);

  test('variability off: no band, the same step as before', () => {
    const p = plan('data', model, { workers: 4, batchPerWorker: 32 });
    const plain = feasible(simulate(model, testHardware({ workers: 8, bandwidth: 1e9, latency: 1e-5 }), p));
    expect(plain.band).toBeUndefined();
    const banded = feasible(simulate(model, hw, p));
    expect(banded.band!.deterministicSeconds).toBeCloseTo(plain.stepTimeSeconds, 12);
    expect(banded.stepTimeSeconds).toBe(banded.band!.meanSeconds);
  });

  const bands = (strategy: string, workers: number) => {
    const p = plan(strategy, model, { workers, batchPerWorker: 32 });
    return { os: feasible(simulate(model, hw, p, { samples: 5 })).band!, mc: feasible(simulate(model, hw, p, { samples: 300, stragglers: 'monte-carlo', seed: 3 })).band! };
  };
  test.each([1, 2, 4])('data parallel on %i workers: the order statistics agree with the full simulation drawing every worker\'s factor every step (300 steps) to 1%%', (k) => {
    const { os, mc } = bands('data', k);
    for (const q of ['meanSeconds', 'p10Seconds', 'p50Seconds', 'p90Seconds'] as const) expect(Math.abs(os[q] / mc[q] - 1)).toBeLessThan(0.01);
  });

  test('variation every worker shares makes no straggler: the same mean, a wider band, and the order statistics agree with the full simulation drawing it per step', () => {
    const p = plan('data', model, { workers: 4, batchPerWorker: 32 });
    const shared = { ...hw, device: { ...hw.device, variability: { computeCv: 0.05, sharedCv: 0.1, source: 'test' } } };
    const own = feasible(simulate(model, hw, p, { samples: 5 })).band!;
    const both = feasible(simulate(model, shared, p, { samples: 5 })).band!;
    expect(Math.abs(both.meanSeconds / own.meanSeconds - 1)).toBeLessThan(0.002);
    expect(feasible(simulate(model, shared, p, { samples: 1 })).stepTimeSeconds).toBeCloseTo(feasible(simulate(model, hw, p, { samples: 1 })).stepTimeSeconds, 12);
    expect(both.p90Seconds - both.p10Seconds).toBeGreaterThan(1.5 * (own.p90Seconds - own.p10Seconds));
    const mc = feasible(simulate(model, shared, p, { samples: 400, stragglers: 'monte-carlo', seed: 3 })).band!;
    for (const q of ['meanSeconds', 'p10Seconds', 'p50Seconds', 'p90Seconds'] as const) expect(Math.abs(both[q] / mc[q] - 1)).toBeLessThan(0.015);
  });

  test('the figures\' own uncertainty (estimateCv) widens the band as a shared spread of the same size does, and leaves the mean alone', () => {
    const p = plan('data', model, { workers: 4, batchPerWorker: 32 });
    const withV = (v: object) => ({ ...hw, device: { ...hw.device, variability: { computeCv: 0.05, source: 'test', ...v } } });
    const estimate = feasible(simulate(model, withV({ estimateCv: 0.1 }), p, { samples: 5 })).band!;
    const shared = feasible(simulate(model, withV({ sharedCv: 0.1 }), p, { samples: 5 })).band!;
    const both = feasible(simulate(model, withV({ sharedCv: 0.06, estimateCv: 0.08 }), p, { samples: 5 })).band!;
    for (const q of ['meanSeconds', 'p10Seconds', 'p50Seconds', 'p90Seconds'] as const) {
      expect(estimate[q]).toBeCloseTo(shared[q], 12);
      expect(both[q]).toBeCloseTo(shared[q], 12); // 0.06² + 0.08² = 0.1²
    }
  });

  test('hybrid (a synchronisation per layer): the slowest factor for every worker is an upper bound, within 3% of the full simulation', () => {
    // Between a hybrid step's many synchronisations the slowest worker is not always the same
    // one, so scaling every worker by the step's slowest factor overstates it a little.
    const { os, mc } = bands('hybrid', 4);
    expect(os.meanSeconds).toBeGreaterThanOrEqual(mc.meanSeconds);
    expect(os.meanSeconds / mc.meanSeconds - 1).toBeLessThan(0.03);
  });

  test('deterministic for a seed; another seed draws other factors', () => {
    const p = plan('data', model, { workers: 4, batchPerWorker: 32 });
    const run = (seed: number) => feasible(simulate(model, hw, p, { samples: 20, stragglers: 'monte-carlo', seed })).band!;
    expect(run(5)).toEqual(run(5));
    expect(run(5).meanSeconds).not.toBe(run(6).meanSeconds);
  });

  test('1,024 symmetric workers: the band costs a few one-worker simulations', () => {
    const big = withCv(testHardware({ workers: 1024, bandwidth: 1e10, latency: 1e-6 }), 0.05);
    const r = feasible(simulate(model, big, plan('data', model, { workers: 1024, batchPerWorker: 32 })));
    expect(r.simulatedWorkers).toBe(1);
    expect(r.band!.p90Seconds).toBeGreaterThan(r.band!.p10Seconds);
  });

  const arbModel = arbConvNet({ filters: [8, 16], maxConvs: 2, units: [16, 64], size: 16 });
  test('laws with variability on: p10 ≤ p50 ≤ p90, the mean is at least the variability-free step, and adding workers never lowers p90 (data parallel, switch)', () => {
    fc.assert(fc.property(arbModel, fc.constantFrom(1, 2, 4), fc.constantFrom(2, 4, 8), fc.constantFrom(1e8, 1e9, 1e10), fc.constantFrom(0.01, 0.05, 0.2), fc.boolean(), (m, a, b, bw, cv, overlap) => {
      const h = withCv(testHardware({ workers: 16, bandwidth: bw, latency: 1e-5 }), cv);
      const at = (k: number) => feasible(simulate(m, h, plan('data', m, { workers: k, batchPerWorker: 8, overlap })));
      const [lo, hi] = [at(Math.min(a, b)), at(Math.max(a, b))];
      for (const r of [lo, hi]) {
        const band = r.band!;
        expect(band.p10Seconds).toBeLessThanOrEqual(band.p50Seconds + 1e-15);
        expect(band.p50Seconds).toBeLessThanOrEqual(band.p90Seconds + 1e-15);
        expect(band.meanSeconds).toBeGreaterThanOrEqual(band.deterministicSeconds * (1 - 1e-3));
      }
      expect(hi.band!.p90Seconds).toBeGreaterThanOrEqual(lo.band!.p90Seconds * (1 - 1e-9));
      expect(hi.band!.p90Seconds - hi.band!.deterministicSeconds).toBeGreaterThanOrEqual((lo.band!.p90Seconds - lo.band!.deterministicSeconds) * (1 - 1e-6));
    }), { numRuns: runs(40) });
  });

  test('laws for the mean with variability on: more bandwidth or a faster device never lengthens the expected step', () => {
    fc.assert(fc.property(arbModel, fc.constantFrom('data', 'hybrid'), fc.constantFrom(2, 4), fc.constantFrom(1e8, 1e9), fc.constantFrom(0.02, 0.1), (m, strategy, k, bw, cv) => {
      const mean = (o: { bandwidth: number; peak: number }) =>
        feasible(simulate(m, withCv(testHardware({ workers: 4, latency: 1e-5, ...o }), cv), plan(strategy, m, { workers: k, batchPerWorker: 8 }))).stepTimeSeconds;
      const base = mean({ bandwidth: bw, peak: 1e12 });
      expect(mean({ bandwidth: 10 * bw, peak: 1e12 })).toBeLessThanOrEqual(base * (1 + 1e-9));
      expect(mean({ bandwidth: bw, peak: 2e12 })).toBeLessThanOrEqual(base * (1 + 1e-9));
    }), { numRuns: runs(30) });
  });
});
