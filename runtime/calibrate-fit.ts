// The arithmetic of `trainplan calibrate`: from layer timings (several batches, several interleaved
// rounds) to the figures of a hardware file's device block — the batch curve of each layer type,
// the spread of the measurements, and the compute variability the simulator draws from.
//
// The curve. A layer call over b samples with F FLOPs in all (F/b per sample) takes
//   t = c + F / R∞ + (F / b) · b½ / R∞
// i.e. the rate reached is R∞ · b / (b + b½): it saturates at R∞ for large batches and falls in
// proportion to b for small ones, where fixed per-call work (c) and per-row work that a larger
// batch would amortise (b½, in samples) dominate. It is linear in (c, 1/R∞, b½/R∞), so it is a
// least-squares fit with three regressors (1, F, F/b) over every layer of a type at every batch,
// of relative error (small batches count as much as large ones), with the coefficients kept ≥ 0. It does not diverge beyond the batches measured (the rate stays below R∞),
// unlike the line t = c + F / R fitted through two batches, which took the rate of the largest
// measured batch to every larger one.

export interface CurvePoint {
  /** FLOPs of the call (all samples), forward and backward. */
  flops: number;
  batch: number;
  seconds: number;
  /**
   * How much the point's relative error counts (default 1). Calibrate gives each layer its share
   * of its model's step at that batch: what a simulation sums is the step, whose relative error is
   * the layers' relative errors weighted by their shares, so the fit should spend its freedom on
   * the layers that carry the time.
   */
  weight?: number;
}

export interface BatchCurve {
  /** Fixed seconds per timed call pair (one forward and one backward call). */
  overheadSeconds: number;
  /** FLOP/s approached at large batches. */
  rate: number;
  /** Batch (samples) at which the rate is half of `rate`; 0 when the rate does not depend on the batch. */
  halfBatch: number;
}

/** Seconds the curve predicts for a call of `flops` FLOPs over `batch` samples. */
export function curveSeconds(c: BatchCurve, flops: number, batch: number): number {
  return c.overheadSeconds + (flops / c.rate) * (1 + c.halfBatch / batch);
}

/** Solves the small symmetric system A x = y by Gaussian elimination with partial pivoting; null when singular. */
function solve(A: number[][], y: number[]): number[] | null {
  const n = y.length;
  const M = A.map((row, i) => [...row, y[i]]);
  const scale = Math.max(...A.map((r) => Math.max(...r.map(Math.abs))), 1e-300);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i][k]) > Math.abs(M[p][k])) p = i;
    if (Math.abs(M[p][k]) <= 1e-12 * scale) return null;
    [M[k], M[p]] = [M[p], M[k]];
    for (let i = k + 1; i < n; i++) {
      const f = M[i][k] / M[k][k];
      for (let j = k; j <= n; j++) M[i][j] -= f * M[k][j];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i][n];
    for (let j = i + 1; j < n; j++) s -= M[i][j] * x[j];
    x[i] = s / M[i][i];
  }
  return x;
}

/**
 * Non-negative weighted least squares over the regressors (1, F, F/b): every subset of them that
 * contains F is solved (there are four), the feasible one with the smallest residual kept — exact
 * for three unknowns. Regressors that the points cannot tell apart (one layer: F/b is constant,
 * like 1) make their subsets singular; those are skipped, and the simpler subset stands.
 */
export function fitBatchCurve(points: CurvePoint[]): BatchCurve {
  const pts = points.filter((p) => p.flops > 0 && p.seconds > 0 && p.batch > 0 && (p.weight ?? 1) > 0);
  if (pts.length === 0) throw new Error('fitBatchCurve needs at least one timed call with FLOPs');
  // Least squares of log t − log pred, by iteratively reweighted least squares: symmetric in the
  // ratio (a point twice as slow as the curve costs as much as one twice as fast). Fitting
  // (t − pred) / t instead favours predictions below the points (a slow point costs at most 1); on
  // a shared machine, where rounds vary by tens of percent, that bias moved the fit more than the
  // noise. log t − log pred = (t − pred) / L(t, pred), L the logarithmic mean, so weights
  // 1 / (L × pred) at the previous fit make the fixed point the log fit's normal equations.
  let curve = nnls(pts, pts.map((p) => p.seconds));
  for (let i = 0; i < IRLS_ITERATIONS; i++)
    curve = nnls(pts, pts.map((p) => {
      const pred = curveSeconds(curve, p.flops, p.batch);
      return Math.sqrt(logMean(p.seconds, pred) * pred);
    }));
  return curve;
}

/** Reweightings of fitBatchCurve (each a 3×3 solve per subset: cheap). */
const IRLS_ITERATIONS = 30;

/** (a − b) / (ln a − ln b), a where they are equal. */
function logMean(a: number, b: number): number {
  return Math.abs(a - b) <= 1e-12 * Math.max(a, b) ? a : (a - b) / Math.log(a / b);
}

function nnls(pts: CurvePoint[], scale: number[]): BatchCurve {
  // Each row divided by its scale (≈ the point's time: a relative error) and times its weight.
  const raw = pts.map((p, i) => [1, p.flops, p.flops / p.batch].map((v) => (v * (p.weight ?? 1)) / scale[i]));
  const ys = pts.map((p, i) => (p.seconds * (p.weight ?? 1)) / scale[i]);
  // Columns scaled to unit RMS: FLOPs (1e6–1e11) beside 1 would leave the normal equations ill-conditioned.
  const colScale = [0, 1, 2].map((j) => Math.sqrt(raw.reduce((a, x) => a + x[j] ** 2, 0) / raw.length) || 1);
  const rows = raw.map((x, i) => ({ x: x.map((v, j) => v / colScale[j]), y: ys[i] }));
  const subsets = [[1], [0, 1], [1, 2], [0, 1, 2]];
  let best: { coef: number[]; sse: number } | null = null;
  for (const s of subsets) {
    const A = s.map((i) => s.map((j) => rows.reduce((a, r) => a + r.x[i] * r.x[j], 0)));
    const y = s.map((i) => rows.reduce((a, r) => a + r.x[i] * r.y, 0));
    const x = solve(A, y);
    if (!x || x.some((v) => !(v >= 0)) || !(x[s.indexOf(1)] > 0)) continue;
    const coef = [0, 0, 0];
    s.forEach((i, k) => (coef[i] = x[k]));
    const sse = rows.reduce((a, r) => a + (r.y - r.x.reduce((b, v, i) => b + v * coef[i], 0)) ** 2, 0);
    // A larger subset must earn its place: ties (within rounding) go to the smaller one.
    if (!best || sse < best.sse * (1 - 1e-9) - 1e-15) best = { coef, sse };
  }
  if (!best) {
    // Nothing feasible (cannot happen with the F-only subset unless all times are ≤ 0): the plain rate.
    const f = pts.reduce((a, p) => a + p.flops, 0);
    const t = pts.reduce((a, p) => a + p.seconds, 0);
    return { overheadSeconds: 0, rate: f / t, halfBatch: 0 };
  }
  const [c, a, d] = best.coef.map((v, j) => v / colScale[j]);
  return { overheadSeconds: c, rate: 1 / a, halfBatch: d / a };
}

export interface Spread {
  median: number;
  p10: number;
  p90: number;
  /** Coefficient of variation: standard deviation / mean. */
  cv: number;
  n: number;
}

/** The q-quantile of sorted values, interpolated linearly between order statistics. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The mean of `xs`; 0 for none. */
export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

export function spreadOf(values: number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const m = mean(s);
  const sd = n > 1 ? Math.sqrt(s.reduce((a, v) => a + (v - m) ** 2, 0) / (n - 1)) : 0;
  return { median: quantile(s, 0.5), p10: quantile(s, 0.1), p90: quantile(s, 0.9), cv: m > 0 ? sd / m : 0, n };
}

/**
 * Pooled coefficient of variation of several series measured under different conditions (each a
 * worker at one batch, over rounds): each value relative to its own series' mean, the deviations
 * pooled with one degree of freedom lost per series. Series of one value carry no spread and are
 * left out.
 */
export function pooledCv(series: number[][]): number {
  let ss = 0;
  let dof = 0;
  for (const xs of series) {
    if (xs.length < 2) continue;
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    if (!(m > 0)) continue;
    ss += xs.reduce((a, v) => a + (v / m - 1) ** 2, 0);
    dof += xs.length - 1;
  }
  return dof > 0 ? Math.sqrt(ss / dof) : 0;
}

/**
 * Relative standard error of a median of `n` samples whose coefficient of variation is `cv`: a
 * median's standard error is √(π/2) times a mean's, for normal samples.
 */
export function medianError(cv: number, n: number): number {
  return cv * Math.sqrt(Math.PI / (2 * Math.max(1, n)));
}
