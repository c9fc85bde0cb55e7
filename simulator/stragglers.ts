// Stragglers (docs/fidelity.md). Each worker's compute time in a step is its deterministic time
// times a factor X with mean 1 and coefficient of variation `cv` (device.variability.computeCv),
// drawn afresh every step. X is taken log-normal: positive, right-skewed as measured step times
// are, and fixed by its mean and cv alone.
//
// A synchronous step waits for the slowest worker at every synchronisation, so with every
// worker's compute scaled by its own X the step lasts about as long as with every worker scaled
// by M = max of the N factors: T(M), where T(m) is the simulated step with compute × m. T is
// increasing in m, so the q-quantile of the step is T at the q-quantile of M, and that is known
// in closed form (order statistics): P(M ≤ x) = P(X ≤ x)^N, so M's q-quantile is X's
// q^(1/N)-quantile. A band for 1,024 workers costs a few simulations of one worker, not 1,024.
// test/simulator/stragglers.test.ts checks it against the full simulation with per-worker draws.
import { probit } from 'simple-statistics';
import { xoroshiro128plus, unsafeUniformIntDistribution } from 'pure-rand';

/** Log-normal parameters (of ln X) for mean 1 and coefficient of variation cv. */
function logNormal(cv: number): { mu: number; sigma: number } {
  const s2 = Math.log(1 + cv * cv);
  return { mu: -s2 / 2, sigma: Math.sqrt(s2) };
}

/** The q-quantile of one worker's compute factor X. */
export function factorQuantile(q: number, cv: number): number {
  if (cv === 0) return 1;
  const { mu, sigma } = logNormal(cv);
  return Math.exp(mu + sigma * probit(Math.min(Math.max(q, 1e-12), 1 - 1e-12)));
}

/** The q-quantile of the slowest of `workers` independent factors. */
export function slowestQuantile(q: number, workers: number, cv: number): number {
  return factorQuantile(Math.pow(q, 1 / Math.max(1, workers)), cv);
}

/** Quantile grid the mean is integrated on (midpoints: exact for any smooth integrand to O(1/n²)). */
const GRID = 512;

/** E[max of `workers` factors], by the midpoint rule over its quantile function. */
export function expectedSlowest(workers: number, cv: number): number {
  if (cv === 0 || workers <= 1) return 1; // (one factor's mean is 1 by construction)
  let s = 0;
  for (let i = 0; i < GRID; i++) s += slowestQuantile((i + 0.5) / GRID, workers, cv);
  return s / GRID;
}

/** Quantiles of the slowest factor at which the step is simulated: p10 … p90, evenly spaced. */
export function sampleQuantiles(samples: number): number[] {
  if (samples <= 1) return [];
  return Array.from({ length: samples }, (_, i) => 0.1 + (0.8 * i) / (samples - 1));
}

export interface Band {
  meanSeconds: number;
  p10Seconds: number;
  p50Seconds: number;
  p90Seconds: number;
  samples: number;
}

/**
 * The step's mean and p10/p50/p90 from `step(m)` (the step with compute × m) evaluated at
 * `samples` quantiles of the slowest factor. Between the evaluated points T is interpolated
 * linearly in m (and extrapolated along the end segments), and the mean integrates that over
 * M's whole distribution: T is close to linear in m (piecewise linear where the critical path
 * changes), so three points give the mean to well under the band's width.
 */
export function stragglerBand(step: (factor: number) => number, workers: number, cv: number, samples: number): Band {
  const qs = sampleQuantiles(samples);
  const ms = qs.map((q) => slowestQuantile(q, workers, cv));
  const ts = ms.map(step);
  const at = (m: number): number => {
    let i = 1;
    while (i < ms.length - 1 && m > ms[i]) i++;
    const [m0, m1, t0, t1] = [ms[i - 1], ms[i], ts[i - 1], ts[i]];
    return m1 > m0 ? t0 + ((t1 - t0) * (m - m0)) / (m1 - m0) : t0;
  };
  let mean = 0;
  for (let i = 0; i < GRID; i++) mean += at(slowestQuantile((i + 0.5) / GRID, workers, cv));
  mean /= GRID;
  return { meanSeconds: mean, p10Seconds: at(slowestQuantile(0.1, workers, cv)), p50Seconds: at(slowestQuantile(0.5, workers, cv)), p90Seconds: at(slowestQuantile(0.9, workers, cv)), samples };
}

/**
 * Seeded draws of compute factors for the full simulation (the Monte Carlo check of the
 * order statistics): `next()` gives one log-normal factor; the same seed, the same sequence.
 */
export function factorDraws(cv: number, seed: number): { next(): number } {
  const rng = xoroshiro128plus(seed | 0);
  const { mu, sigma } = logNormal(cv);
  const uniform = () => (unsafeUniformIntDistribution(0, 0x3fffffff, rng) + 0.5) / 0x40000000;
  return { next: () => (cv === 0 ? 1 : Math.exp(mu + sigma * probit(uniform()))) };
}

/** Quantile of sorted values, linear between order statistics. */
export function empiricalQuantile(sorted: number[], q: number): number {
  if (sorted.length === 1) return sorted[0];
  const x = q * (sorted.length - 1);
  const i = Math.floor(x);
  return i + 1 < sorted.length ? sorted[i] + (sorted[i + 1] - sorted[i]) * (x - i) : sorted[i];
}
