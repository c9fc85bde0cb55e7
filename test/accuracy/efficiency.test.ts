import fc from 'fast-check';
import { effectiveNoiseScale, fitStepsToTarget, goodput, samplesToTarget, scaledLearningRate, statisticalEfficiency, stepsToTarget } from '../../simulator/statistics/efficiency';

test('steps × batch = samples: S(B)·B = E(B) with E_min = S_min·B_noise', () => {
  fc.assert(fc.property(fc.double({ min: 1, max: 1e6, noNaN: true }), fc.double({ min: 1, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 1 << 20 }), (sMin, bNoise, B) => {
    const S = stepsToTarget(sMin, bNoise, B);
    const E = samplesToTarget(sMin * bNoise, bNoise, B);
    expect(S * B).toBeCloseTo(E, 6 - Math.log10(E));
    // Fewer steps and more samples as the batch grows.
    expect(stepsToTarget(sMin, bNoise, 2 * B)).toBeLessThan(S);
    expect(samplesToTarget(sMin * bNoise, bNoise, 2 * B)).toBeGreaterThan(E);
  }));
});

test('at B = B_noise: twice the minimum steps and samples, efficiency ½, goodput half the throughput', () => {
  expect(stepsToTarget(100, 512, 512)).toBe(200);
  expect(samplesToTarget(51200, 512, 512)).toBe(102400);
  expect(statisticalEfficiency(512, 512)).toBe(0.5);
  expect(goodput(1000, 512, 512)).toBe(500);
});

test('a schedule behaves as the progress-weighted harmonic mean of its phases', () => {
  expect(effectiveNoiseScale(300)).toBe(300);
  // Half the run at 100, half at 300: 1/(0.5/100 + 0.5/300) = 150.
  expect(effectiveNoiseScale([{ from: 0, value: 100 }, { from: 0.5, value: 300 }])).toBeCloseTo(150, 10);
});

test('learning-rate rules: linear, square root, and the noise-scale rule (linear below B_noise, flat above)', () => {
  expect(scaledLearningRate('linear', 0.1, 256, 1024)).toBeCloseTo(0.4);
  expect(scaledLearningRate('sqrt', 0.1, 256, 1024)).toBeCloseTo(0.2);
  expect(scaledLearningRate('noise-scale', 0.1, 256, 256, 1000)).toBeCloseTo(0.1);
  const big = scaledLearningRate('noise-scale', 0.1, 16, 1e9, 100);
  expect(big).toBeCloseTo(0.1 * (1 + 100 / 16), 5);
  expect(() => scaledLearningRate('noise-scale', 0.1, 16, 32)).toThrow(/noise scale/);
});

test('the fit recovers S_min and B_noise from exact points, and refuses data without the shape', () => {
  const pts = [16, 64, 256, 1024].map((batch) => ({ batch, steps: stepsToTarget(50, 300, batch) }));
  const f = fitStepsToTarget(pts)!;
  expect(f.minSteps).toBeCloseTo(50, 6);
  expect(f.noiseScale).toBeCloseTo(300, 6);
  expect(f.minSamples).toBeCloseTo(15000, 4);
  expect(fitStepsToTarget([{ batch: 16, steps: 10 }, { batch: 64, steps: 20 }])).toBeUndefined();
});
