// The estimator of McCandlish et al. appendix A on a synthetic problem whose true gradient G and
// per-sample covariance Σ are known: per-sample gradients G + noise, noise of known variance.
import { NoiseScaleEstimator, squaredNorm, unbiasedEstimates } from '../../runtime/noise-scale';
import { Rng } from '../../runtime/model/rng';

/** Standard normal by Box–Muller from the project's seeded generator. */
function normal(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

const D = 20;
const G = Float64Array.from({ length: D }, (_, i) => 0.3 * Math.sin(i + 1)); // |G|² ≈ 0.9, B_noise ≈ 20
const sd = Float64Array.from({ length: D }, (_, i) => 0.5 + (i % 4) * 0.25); // Σ diagonal: tr(Σ) = Σ sd²
const trueG2 = G.reduce((a, g) => a + g * g, 0);
const trueTrace = sd.reduce((a, s) => a + s * s, 0);

/** K workers of b samples: each worker's mean gradient and the mean over all, as float32 like the runtime's. */
function step(rng: Rng, K: number, b: number) {
  const small: Float32Array[] = [];
  const large = new Float32Array(D);
  for (let k = 0; k < K; k++) {
    const m = new Float32Array(D);
    for (let s = 0; s < b; s++) for (let i = 0; i < D; i++) m[i] += (G[i] + sd[i] * normal(rng)) / b;
    small.push(m);
    for (let i = 0; i < D; i++) large[i] += m[i] / K;
  }
  return { smallBatch: b, smallSquares: small.reduce((a, m) => a + squaredNorm(m), 0) / K, largeBatch: K * b, largeSquares: squaredNorm(large) };
}

test('the two estimates are unbiased: their means over many steps approach |G|² and tr(Σ)', () => {
  const rng = new Rng(12);
  let g = 0;
  let t = 0;
  const n = 1000;
  for (let i = 0; i < n; i++) {
    const e = unbiasedEstimates(step(rng, 2, 8))!;
    g += e.gradientSquares / n;
    t += e.traceCovariance / n;
  }
  // Standard errors at n = 1000 are 2–3% of either here. A biased estimator (e.g. |G_B|² for |G|²,
  // which is off by tr(Σ)/B ≈ 1.1 = 1.2 × |G|²) would fail these bounds many times over.
  expect(Math.abs(t - trueTrace) / trueTrace).toBeLessThan(0.15);
  expect(Math.abs(g - trueG2) / trueG2).toBeLessThan(0.25);
});

test('the smoothed estimator finds B_noise = tr(Σ)/|G|² within 25%, with more workers too', () => {
  for (const K of [2, 4]) {
    const rng = new Rng(7 + K);
    const est = new NoiseScaleEstimator();
    for (let i = 0; i < 600; i++) est.add(step(rng, K, 8));
    const r = est.report();
    expect(r.steps).toBe(600);
    expect(r.noiseScale! / (trueTrace / trueG2)).toBeGreaterThan(0.75);
    expect(r.noiseScale! / (trueTrace / trueG2)).toBeLessThan(1.25);
    expect(r.latestNoiseScale).toBeGreaterThan(0);
  }
});

test('one worker gives no estimate, and says why', () => {
  const est = new NoiseScaleEstimator();
  est.add({ smallBatch: 32, smallSquares: 1, largeBatch: 32, largeSquares: 1 });
  expect(est.report().noiseScale).toBeUndefined();
  expect(est.report().reason).toMatch(/2 workers/);
});
