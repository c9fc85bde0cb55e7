// Statistical efficiency of large-batch SGD: the empirical model of McCandlish, Kaplan, Amodei et
// al. 2018, "An Empirical Model of Large-Batch Training" (arXiv:1812.06162, eq. 2.11 and §2.3).
// With the gradient noise scale B_noise (samples), training to a fixed loss at batch B takes
//   S(B) = S_min · (1 + B_noise / B) steps   and   E(B) = E_min · (1 + B / B_noise) samples,
// E_min = S_min · B_noise. Below B_noise a doubled batch nearly halves the steps (perfect
// scaling); above it, it nearly doubles the samples (no gain). Pollux (Qiao et al., OSDI 2021)
// calls E_min / E(B) the statistical efficiency and throughput × efficiency the goodput.
import type { LrScaling, NoiseScale } from '../model/training';

/** Steps to the target at batch B. */
export const stepsToTarget = (minSteps: number, noiseScale: number, batch: number): number => minSteps * (1 + noiseScale / batch);

/** Samples to the target at batch B. */
export const samplesToTarget = (minSamples: number, noiseScale: number, batch: number): number => minSamples * (1 + batch / noiseScale);

/** E_min / E(B), in (0, 1]: the share of each sample's work that still counts at batch B. */
export const statisticalEfficiency = (noiseScale: number, batch: number): number => 1 / (1 + batch / noiseScale);

/** Pollux's goodput: samples per second that count, at the efficiency of batch B. */
export const goodput = (samplesPerSecond: number, noiseScale: number, batch: number): number => samplesPerSecond * statisticalEfficiency(noiseScale, batch);

/**
 * The one noise scale a run at a fixed batch behaves as when B_noise follows a schedule over the
 * progress of training. A phase that covers a fraction f of E_min costs f·E_min·(1 + B/B_i)
 * samples, so the whole run costs E_min·(1 + B·Σ f_i/B_i): the progress-weighted harmonic mean
 * of the phases. The tuner picks one batch for the whole run and uses this value; a batch that
 * grows with B_noise (Pollux, AdaScale) is beyond it.
 */
export function effectiveNoiseScale(n: NoiseScale): number {
  if (typeof n === 'number') return n;
  let inverse = 0;
  n.forEach((p, i) => {
    const share = (n[i + 1]?.from ?? 1) - p.from;
    inverse += share / p.value;
  });
  return 1 / inverse;
}

/**
 * The learning rate at batch B from `base` at `baseBatch`:
 * - linear: ∝ B (Goyal et al. 2017, arXiv:1706.02677), right while B ≪ B_noise;
 * - sqrt: ∝ √B (Krizhevsky 2014, arXiv:1404.5997; keeps the update's noise variance fixed);
 * - noise-scale: McCandlish eq. 2.6, ε(B) = ε_max / (1 + B_noise/B), scaled so that it equals
 *   `base` at `baseBatch` — linear below B_noise, flat above it. This is the step size under which
 *   S(B) and E(B) above are derived.
 */
export function scaledLearningRate(rule: LrScaling, base: number, baseBatch: number, batch: number, noiseScale?: number): number {
  if (rule === 'linear') return (base * batch) / baseBatch;
  if (rule === 'sqrt') return base * Math.sqrt(batch / baseBatch);
  if (!(noiseScale !== undefined && noiseScale > 0)) throw new Error('the noise-scale learning-rate rule needs a noise scale');
  return (base * (1 + noiseScale / baseBatch)) / (1 + noiseScale / batch);
}

export interface StepsFit {
  minSteps: number;
  noiseScale: number;
  minSamples: number;
}

/**
 * S_min and B_noise from measured (batch, steps) pairs: S = a + c/B is linear in 1/B with a =
 * S_min and c = S_min·B_noise. Least squares weighted by 1/S² fits relative errors, so the large
 * step counts of small batches do not outweigh the rest. Undefined when the data do not give a
 * positive S_min and B_noise (e.g. steps that do not fall with the batch).
 */
export function fitStepsToTarget(points: { batch: number; steps: number }[]): StepsFit | undefined {
  if (points.length < 2) return undefined;
  let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const p of points) {
    const w = 1 / (p.steps * p.steps);
    const x = 1 / p.batch;
    sw += w; sx += w * x; sy += w * p.steps; sxx += w * x * x; sxy += w * x * p.steps;
  }
  const det = sw * sxx - sx * sx;
  if (!(det > 0)) return undefined;
  const c = (sw * sxy - sx * sy) / det;
  const a = (sy - c * sx) / sw;
  if (!(a > 0 && c > 0)) return undefined;
  return { minSteps: a, noiseScale: c / a, minSamples: c };
}
