// The gradient noise scale, measured from what data parallelism already computes (McCandlish et
// al. 2018, arXiv:1812.06162, appendix A.1). Each of K workers holds the mean gradient of its own
// b samples; the all-reduce gives the mean gradient of all B = K·b. With G the true gradient and Σ
// the per-sample covariance, E|G_b|² = |G|² + tr(Σ)/b, so from the two sizes
//   |G|²   ≈ (B·|G_B|² − b·|G_b|²) / (B − b)
//   tr(Σ)  ≈ (|G_b|² − |G_B|²) / (1/b − 1/B)
// are unbiased, and B_simple = tr(Σ)/|G|². Either estimate of one step is very noisy (|G|² can
// come out negative), so both are averaged over steps before the ratio is taken.

/** One step's squared gradient norms: |G_b|² averaged over the workers, and |G_B|² of the sum. */
export interface GradientNorms {
  smallBatch: number;
  smallSquares: number;
  largeBatch: number;
  largeSquares: number;
}

export interface NoiseEstimate {
  /** |G|² and tr(Σ) of one step (unbiased, noisy). */
  gradientSquares: number;
  traceCovariance: number;
}

/** The two unbiased estimates of one step; undefined when the batches are the same size. */
export function unbiasedEstimates(n: GradientNorms): NoiseEstimate | undefined {
  const b = n.smallBatch;
  const B = n.largeBatch;
  if (!(B > b)) return undefined;
  return {
    gradientSquares: (B * n.largeSquares - b * n.smallSquares) / (B - b),
    traceCovariance: (n.smallSquares - n.largeSquares) / (1 / b - 1 / B),
  };
}

export interface NoiseScaleReport {
  /** tr(Σ)/|G|² from the estimates summed over the whole run: the run's average noise scale. */
  noiseScale?: number;
  /** The same from exponential moving averages (decay per step): the noise scale at the end of the run. */
  latestNoiseScale?: number;
  gradientSquares: number;
  traceCovariance: number;
  steps: number;
  /** Why there is no estimate, when there is none. */
  reason?: string;
}

/** Accumulates per-step estimates; ratios of averages, as McCandlish et al. do. */
export class NoiseScaleEstimator {
  private sumG = 0;
  private sumS = 0;
  private emaG = 0;
  private emaS = 0;
  private weight = 0;
  private steps = 0;
  /** `decay`: weight of the past in the moving average (0.9: about the last ten steps). */
  constructor(private readonly decay = 0.9) {}

  add(n: GradientNorms): void {
    const e = unbiasedEstimates(n);
    if (!e) return;
    this.steps++;
    this.sumG += e.gradientSquares;
    this.sumS += e.traceCovariance;
    this.emaG = this.decay * this.emaG + (1 - this.decay) * e.gradientSquares;
    this.emaS = this.decay * this.emaS + (1 - this.decay) * e.traceCovariance;
    this.weight = this.decay * this.weight + (1 - this.decay);
  }

  report(): NoiseScaleReport {
    if (!this.steps) return { gradientSquares: 0, traceCovariance: 0, steps: 0, reason: 'needs data-parallel gradients from at least 2 workers' };
    const G = this.sumG / this.steps;
    const S = this.sumS / this.steps;
    // The moving averages are bias-corrected (divided by their total weight), as Adam's are.
    const latest = this.emaG > 0 ? this.emaS / this.weight / (this.emaG / this.weight) : undefined;
    if (!(G > 0)) return { gradientSquares: G, traceCovariance: S, steps: this.steps, latestNoiseScale: latest, reason: `the estimate of |G|² is not positive over ${this.steps} steps (the gradient is lost in its noise): run longer or with more workers` };
    return { noiseScale: S / G, latestNoiseScale: latest && latest > 0 ? latest : undefined, gradientSquares: G, traceCovariance: S, steps: this.steps };
  }
}

/** Sum of squares in float64 (a float32 sum over a million values drifts). */
export function squaredNorm(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return s;
}
