// The arithmetic of calibrate: the batch curve fit recovers the curve it was given, keeps its
// coefficients non-negative, and the simulator's compute cost follows the curve it is given.
import fc from 'fast-check';
import { curveSeconds, fitBatchCurve, pooledCv, quantile, spreadOf } from '../../runtime/calibrate-fit';
import { rotate } from '../../runtime/calibrate-worker';
import { mergeRounds } from '../../runtime/calibrate';
import { calibrationBatches, computeScaled } from '../../runtime/validate-calibration';
import { simulate } from '../../simulator/simulate';
import { strategyResolved } from '../../simulator/plan/shorthand';
import { efficiencyAt } from '../../simulator/hardware/load';
import { parseHardware } from '../../simulator/hardware/load';
import { DeviceCost, layerSignature } from '../../simulator/cost/compute';
import { unwrap } from '../../simulator/errors';
import type { BenchComputeResult } from '../../runtime/protocol';
import type { Hardware } from '../../simulator/hardware/schema';
import { runs } from '../helpers/runs';
import { testHardware, zooModel } from '../helpers/scenarios';

const BATCHES = [8, 32, 128, 512];
// Per-sample FLOPs of a few layers of different sizes (a type measured on several layers).
const arbLayers = fc.uniqueArray(fc.integer({ min: 1e4, max: 1e8 }), { minLength: 2, maxLength: 5, selector: (x) => Math.round(Math.log2(x)) });
const arbCurve = fc.record({
  overheadSeconds: fc.constantFrom(0, 1e-5, 1e-3),
  rate: fc.double({ min: 1e8, max: 1e11, noNaN: true }),
  halfBatch: fc.constantFrom(0, 2, 20, 200),
});

test('the fit recovers an exact curve from several layers at several batches', () => {
  fc.assert(fc.property(arbCurve, arbLayers, (curve, perSample) => {
    const pts = perSample.flatMap((f) => BATCHES.map((batch) => ({ flops: f * batch, batch, seconds: curveSeconds(curve, f * batch, batch) })));
    const fit = fitBatchCurve(pts);
    // Relative: an overhead far below a call's time is beyond float precision to recover, and need not be.
    for (const p of pts) expect(curveSeconds(fit, p.flops, p.batch) / p.seconds).toBeCloseTo(1, 6);
    expect(fit.rate / curve.rate).toBeCloseTo(1, 4);
  }), { numRuns: runs(100) });
});

test('the fit keeps every coefficient non-negative and its predictions near noisy points', () => {
  fc.assert(fc.property(arbCurve, arbLayers, fc.array(fc.double({ min: 0.7, max: 1.3, noNaN: true }), { minLength: 20, maxLength: 20 }), (curve, perSample, noise) => {
    let i = 0;
    const pts = perSample.flatMap((f) => BATCHES.map((batch) => ({ flops: f * batch, batch, seconds: curveSeconds(curve, f * batch, batch) * noise[i++ % noise.length] })));
    const fit = fitBatchCurve(pts);
    expect(fit.overheadSeconds).toBeGreaterThanOrEqual(0);
    expect(fit.halfBatch).toBeGreaterThanOrEqual(0);
    expect(fit.rate).toBeGreaterThan(0);
    expect(Number.isFinite(fit.rate)).toBe(true);
    // Within the noise's ±30% of each point, with some slack for the least-squares compromise.
    for (const p of pts) expect(Math.abs(Math.log(curveSeconds(fit, p.flops, p.batch) / p.seconds))).toBeLessThan(Math.log(1.3 / 0.7) * 1.5);
  }), { numRuns: runs(100) });
});

test('noise that slows as often as it speeds up by the same ratio does not move the fit', () => {
  const curve = { overheadSeconds: 0, rate: 1e10, halfBatch: 20 };
  // Every point twice, once ×2 and once ×½: the fit in ratio space sits between them.
  const pts = [1e6, 3e7].flatMap((f) => BATCHES.flatMap((batch) => [2, 0.5].map((k) => ({ flops: f * batch, batch, seconds: k * curveSeconds(curve, f * batch, batch) }))));
  const fit = fitBatchCurve(pts);
  for (const b of BATCHES) expect(curveSeconds(fit, 3e7 * b, b) / curveSeconds(curve, 3e7 * b, b)).toBeCloseTo(1, 3);
});

test('one layer cannot separate call overhead from per-row work: the fit takes the overhead and still predicts the points', () => {
  const curve = { overheadSeconds: 1e-4, rate: 1e10, halfBatch: 16 };
  const pts = BATCHES.map((batch) => ({ flops: 1e6 * batch, batch, seconds: curveSeconds(curve, 1e6 * batch, batch) }));
  const fit = fitBatchCurve(pts);
  expect(fit.halfBatch).toBe(0);
  for (const p of pts) expect(curveSeconds(fit, p.flops, p.batch)).toBeCloseTo(p.seconds, 10);
});

test('quantiles, spread and pooled CV', () => {
  expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
  expect(quantile([0, 10], 0.1)).toBeCloseTo(1);
  const s = spreadOf([2, 1, 3]);
  expect(s).toMatchObject({ median: 2, n: 3 });
  expect(s.cv).toBeCloseTo(0.5);
  // Series at very different scales, each ±10%: the pooled CV is the relative spread, not the scales'.
  expect(pooledCv([[0.9, 1.1], [90, 110], [5]])).toBeCloseTo(Math.SQRT2 * 0.1);
  expect(pooledCv([[3]])).toBe(0);
});

test('rounds rotate the order they visit things in; merged rounds keep every timing', () => {
  expect(rotate([1, 2, 3], 1)).toEqual([2, 3, 1]);
  expect(rotate([1, 2, 3], 5)).toEqual([3, 1, 2]);
  fc.assert(fc.property(fc.array(fc.integer()), fc.integer({ min: 0, max: 50 }), (xs, k) => {
    expect([...rotate(xs, k)].sort()).toEqual([...xs].sort());
  }));
  const r = (s: number[]): BenchComputeResult[] => [{
    kind: 'bench-compute-result', rank: 0, backend: 'cpu', layers: [{ type: 'dense', layer: 'fc', model: 'm', batch: 8, flops: 1, seconds: s[0], rounds: s }],
    matmulFlopsPerSecond: 1, matmulRounds: [1], opOverheadSeconds: 0, hostCopyBytesPerSecond: 1, updates: [],
  }];
  const m = mergeRounds(r([1, 5]), r([2]));
  expect(m[0].layers[0].rounds).toEqual([1, 5, 2]);
  expect(m[0].layers[0].seconds).toBe(2);
  expect(m[0].matmulRounds).toEqual([1, 1]);
});

test('validate calibrates at its batches, or at an eighth of a single one too', () => {
  expect(calibrationBatches([32])).toEqual([4, 32]);
  expect(calibrationBatches([512, 8, 8])).toEqual([8, 512]);
  expect(calibrationBatches([1])).toEqual([1]);
});

describe('the batch curve in the simulator', () => {
  const withCurve = (halfBatch: Record<string, number>) => {
    const h = testHardware();
    return { ...h, device: { ...h.device, batchEfficiency: { halfBatch, source: 'test fixture' } } };
  };

  test('old hardware files load and cost as before; the block is optional and checked', () => {
    const h = testHardware();
    expect(efficiencyAt(h, 'dense', 1)).toBe(0.8);
    expect(efficiencyAt(h, 'conv2d', 1)).toBe(0.5);
    expect(parseHardware(withCurve({ default: 4 })).ok).toBe(true);
    const bad = parseHardware(withCurve({ default: -1 }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0].path).toContain('batchEfficiency');
  });

  test('efficiency rises with the batch towards the large-batch figure, halfway at halfBatch; missing types use default', () => {
    const h = withCurve({ default: 10, dense: 100 });
    expect(efficiencyAt(h, 'dense', 100)).toBeCloseTo(0.4);
    expect(efficiencyAt(h, 'conv2d', 10)).toBeCloseTo(0.25);
    fc.assert(fc.property(fc.integer({ min: 1, max: 1 << 16 }), fc.integer({ min: 1, max: 1 << 16 }), (a, b) => {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      expect(efficiencyAt(h, 'dense', lo)).toBeLessThanOrEqual(efficiencyAt(h, 'dense', hi));
      expect(efficiencyAt(h, 'dense', hi)).toBeLessThanOrEqual(0.8);
    }));
  });

  test("a layer's time per sample falls with the batch under the curve, and is flat without it", () => {
    const model = zooModel('alexnet-owt');
    const fc6 = model.layers.find((l) => l.name === 'fc6')!;
    const curved = new DeviceCost(withCurve({ default: 50 }));
    const flat = new DeviceCost(testHardware());
    const perSample = (d: DeviceCost, b: number) => (d.forward(fc6, b) + d.backward(fc6, b)) / b;
    expect(perSample(curved, 8)).toBeGreaterThan(perSample(curved, 512));
    expect(perSample(flat, 8)).toBeCloseTo(perSample(flat, 512), 12);
    // At batch = halfBatch the rate is half: twice the flat device's time.
    expect(curved.forward(fc6, 50)).toBeCloseTo(2 * flat.forward(fc6, 50), 12);
  });
});

test('a device at another speed (computeScaled): one worker\'s step, all compute, takes exactly that many times as long', () => {
  const model = zooModel('mini-owt');
  const base = testHardware({ workers: 1 });
  const hw: Hardware = { ...base, device: { ...base.device, opOverheadSeconds: 2e-5, callOverheadSeconds: { conv2d: 1e-4, update: 3e-5 }, hostCopyBytesPerSecond: 1e9,
    measuredLayers: { layers: { [layerSignature(model.layers.find((l) => l.name === 'conv2')!)]: { overheadSeconds: 1e-4, rate: 2e10 } }, source: 'test' } } };
  const plan = unwrap(strategyResolved('single', model, { workers: 1, batchPerWorker: 16 }));
  const step = (h: Hardware) => { const r = simulate(model, h, plan, { samples: 1 }); if (!r.feasible) throw new Error(r.reason); return r.stepTimeSeconds; };
  fc.assert(fc.property(fc.double({ min: 0.3, max: 3, noNaN: true }), (s) => {
    const scaled = computeScaled(hw, s, 0.02, 'test');
    expect(parseHardware(JSON.parse(JSON.stringify(scaled))).ok).toBe(true);
    expect(step(scaled) / step(hw)).toBeCloseTo(s, 9);
  }), { numRuns: runs(20) });
});
