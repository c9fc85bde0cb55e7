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
//
// Variation every worker shares (`sharedCv`: a shared machine's load, which slows all workers of a
// step alike) makes no straggler: the step is T(C·M) with C log-normal, mean 1, independent of M,
// so the mean of C·M is M's and only the band widens. Its quantiles are found from
// P(C·M ≤ y) = E_M[P(C ≤ y/M)], M's distribution taken at the midpoints of its quantile grid.
import { errorFunction, probit } from 'simple-statistics';
import { xoroshiro128plus, unsafeUniformIntDistribution } from 'pure-rand';
import { COMPUTE, type TaskGraph } from './engine/graph';
import { runGraph } from './engine/run';
import { stepSpans } from './metrics';
import type { Topology } from './topology/topology';

/**
 * The spread every worker of a step shares in a prediction: load they all see alike (sharedCv) and
 * the uncertainty of the figures the prediction is made from (estimateCv: a calibration's relative
 * standard error). Independent, so their variances add; neither makes a straggler.
 */
export function sharedSpread(v: { sharedCv?: number; estimateCv?: number } | undefined): number {
  return Math.hypot(v?.sharedCv ?? 0, v?.estimateCv ?? 0);
}

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

/** Expected slowest factors computed so far, by cv then workers: the tuner asks for the same few per candidate. */
const slowestKnown = new Map<number, Map<number, number>>();

/** E[max of `workers` factors], by the midpoint rule over its quantile function (512 quantiles: kept once computed). */
export function expectedSlowest(workers: number, cv: number): number {
  if (cv === 0 || workers <= 1) return 1; // (one factor's mean is 1 by construction)
  let byWorkers = slowestKnown.get(cv);
  if (!byWorkers) slowestKnown.set(cv, (byWorkers = new Map()));
  let e = byWorkers.get(workers);
  if (e === undefined) {
    let s = 0;
    for (let i = 0; i < GRID; i++) s += slowestQuantile((i + 0.5) / GRID, workers, cv);
    byWorkers.set(workers, (e = s / GRID));
  }
  return e;
}

/** Quantile midpoints of M taken for the shared factor's quantiles and the band's mean. */
const SHARED_GRID = 256;

/**
 * Quantiles of the step's factor C·M: the slowest of `workers` independent factors (cv) times one
 * factor they all share (sharedCv); with sharedCv 0 they are slowestQuantile's. M's quantile grid
 * is taken once for every quantile asked of the returned function.
 */
export function stepFactorQuantiles(workers: number, cv: number, sharedCv = 0): (q: number) => number {
  if (sharedCv === 0) return (q) => slowestQuantile(q, workers, cv);
  const { mu, sigma } = logNormal(sharedCv);
  const lnM = Array.from({ length: SHARED_GRID }, (_, j) => Math.log(slowestQuantile((j + 0.5) / SHARED_GRID, workers, cv)));
  // P(C·M ≤ y): C's normal CDF in ln y − ln m, averaged over M's midpoints; increasing in y.
  const cdf = (lnY: number) => {
    let p = 0;
    for (const l of lnM) p += 0.5 * (1 + errorFunction((lnY - l - mu) / (sigma * Math.SQRT2)));
    return p / SHARED_GRID;
  };
  return (q) => {
    const target = Math.min(Math.max(q, 1e-9), 1 - 1e-9);
    let lo = lnM[0] + mu - 8 * sigma;
    let hi = lnM[SHARED_GRID - 1] + mu + 8 * sigma;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (cdf(mid) < target) lo = mid;
      else hi = mid;
    }
    return Math.exp((lo + hi) / 2);
  };
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
export function stragglerBand(step: (factor: number) => number, workers: number, cv: number, samples: number, sharedCv = 0): Band {
  const quantile = stepFactorQuantiles(workers, cv, sharedCv);
  const qs = sampleQuantiles(samples);
  const ms = qs.map(quantile);
  const ts = ms.map(step);
  const at = (m: number): number => {
    let i = 1;
    while (i < ms.length - 1 && m > ms[i]) i++;
    const [m0, m1, t0, t1] = [ms[i - 1], ms[i], ts[i - 1], ts[i]];
    return m1 > m0 ? t0 + ((t1 - t0) * (m - m0)) / (m1 - m0) : t0;
  };
  // E[T(C·M)] over both grids' midpoints (C and M independent; without a shared spread C is 1).
  const C = sharedCv === 0 ? [1] : Array.from({ length: SHARED_CS }, (_, k) => factorQuantile((k + 0.5) / SHARED_CS, sharedCv));
  let mean = 0;
  for (let i = 0; i < GRID; i++) {
    const m = slowestQuantile((i + 0.5) / GRID, workers, cv);
    for (const c of C) mean += at(c * m);
  }
  mean /= GRID * C.length;
  return { meanSeconds: mean, p10Seconds: at(quantile(0.1)), p50Seconds: at(quantile(0.5)), p90Seconds: at(quantile(0.9)), samples };
}

/** Quantile midpoints of the shared factor in the band's mean. */
const SHARED_CS = 32;

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

/**
 * Where a step is measured in a simulated run: from the end of step `from` (-1: from time 0, a
 * run of one step from idle) to the end of step `last`, over `measured` steps of `total`
 * simulated, times `factor` (the functions' restarts).
 */
export interface StepWindow {
  total: number;
  from: number;
  last: number;
  measured: number;
  factor: number;
}

/**
 * The step time with every compute task × `factor`, for the lowered graph `g` (only compute
 * amounts change between evaluations); `restore` puts the amounts back.
 */
function stepAtFactor(g: TaskGraph, topo: Topology, workers: number, slowdown: number, w: StepWindow): { at: (factor: number) => number; restore: () => void } {
  // Typed arrays filled in loops: a graph of a deep model on many workers has millions of tasks.
  const kinds = g.kinds;
  let n = 0;
  for (let i = 0; i < g.size; i++) if (kinds[i] === COMPUTE) n++;
  const ids = new Int32Array(n);
  const base = new Float64Array(n);
  for (let i = 0, k = 0; i < g.size; i++) if (kinds[i] === COMPUTE) { ids[k] = i; base[k++] = g.amount[i]; }
  const scale = (factor: number) => {
    const amount = g.amount;
    for (let k = 0; k < ids.length; k++) amount[ids[k]] = base[k] * factor;
  };
  return {
    at: (factor) => {
      scale(factor);
      const ends = stepSpans(g, runGraph(g, topo, workers, slowdown), w.total).ends;
      return ((ends[w.last] - (w.from < 0 ? 0 : ends[w.from])) / w.measured) * w.factor;
    },
    restore: () => scale(1),
  };
}

/**
 * The expected step over the slowest of N workers (`seconds`; undefined: the deterministic step
 * stands) and, for samples > 1, its band. Leaves `g` as it was.
 */
export function expectedStep(
  g: TaskGraph, topo: Topology, workers: number, slowdown: number, w: StepWindow, N: number, cv: number, samples: number, sharedCv = 0,
): { seconds?: number; band?: Band } {
  // One worker (or asynchronous ones) and no band: the factor is 1 and the graph need not be touched.
  const m = samples > 1 ? NaN : expectedSlowest(N, cv);
  if (samples <= 1 && Math.abs(m - 1) <= 1e-12) return {};
  const { at, restore } = stepAtFactor(g, topo, workers, slowdown, w);
  try {
    if (samples > 1) {
      const band = stragglerBand(at, N, cv, samples, sharedCv);
      return { seconds: band.meanSeconds, band };
    }
    return { seconds: at(m) };
  } finally {
    restore();
  }
}

/** Every compute task × `factor` (the expected slowest worker's, when only the mean is asked for). */
export function scaleCompute(g: TaskGraph, factor: number): void {
  if (factor === 1) return;
  const amount = g.amount;
  for (let i = 0; i < g.size; i++) if (g.kinds[i] === COMPUTE) amount[i] *= factor;
}

/** Every worker's compute in every step × its own seeded draw, times the step's shared draw (the Monte Carlo check). */
export function drawFactors(g: TaskGraph, cv: number, seed: number, workers: number, steps: number, sharedCv = 0): void {
  const draws = factorDraws(cv, seed);
  const factor = Array.from({ length: steps * workers }, () => draws.next());
  const sharedDraws = factorDraws(sharedCv, seed ^ 0x5f3759df);
  const shared = Array.from({ length: steps }, () => sharedDraws.next());
  const amount = g.amount;
  for (let i = 0; i < g.size; i++) if (g.kinds[i] === COMPUTE) amount[i] *= factor[g.steps[i] * workers + g.where[i]] * shared[g.steps[i]];
}

/** The Monte Carlo band: the spread of the measured steps' lengths (no variability-free step: NaN). */
export function monteCarloBand(ends: ArrayLike<number>, w: StepWindow): Band & { deterministicSeconds: number } {
  const lengths = Array.from({ length: w.measured }, (_, k) => (ends[w.from + 1 + k] - ends[w.from + k]) * w.factor).sort((a, b) => a - b);
  return {
    meanSeconds: ((ends[w.last] - ends[w.from]) / w.measured) * w.factor,
    p10Seconds: empiricalQuantile(lengths, 0.1), p50Seconds: empiricalQuantile(lengths, 0.5), p90Seconds: empiricalQuantile(lengths, 0.9),
    samples: w.measured, deterministicSeconds: NaN,
  };
}
