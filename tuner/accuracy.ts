// Time and cost to a target accuracy: the figures of a scored plan under the statistics of
// training, and why the tuner's batch beats a smaller one and the one with the most throughput.
import { problem, Problem } from '../simulator/errors';
import type { Model } from '../simulator/model/schema';
import { Dataset, describeTarget, Target, targetProblems } from '../simulator/model/training';
import { effectiveNoiseScale, goodput, statisticalEfficiency } from '../simulator/statistics/efficiency';
import { axes, Objective, Statistics, targetSamples, value } from './objective';
import type { Scored } from './tune';

export interface ToTarget {
  globalBatch: number;
  /** E_min / E(B). */
  efficiency: number;
  /** Samples per second that count (Pollux). */
  goodput: number;
  /** Samples and steps (samples / B) to the target: absolute with E_min, else with E_min counted as 1 sample. */
  samples: number;
  steps: number;
  seconds: number;
  cost: number;
  /** Epochs of the model's data set to the target (absolute figures only). */
  epochs?: number;
  /** Whether the figures are absolute (E_min known) or relative to E_min = 1 sample. */
  absolute: boolean;
}

export function toTarget(s: Scored, stats: Statistics, dataset?: Dataset): ToTarget {
  const B = s.result.samplesPerStep;
  const samples = targetSamples(stats, B)!;
  const a = axes({ ...s.score, samplesToTarget: samples }, 'time-to-accuracy');
  const absolute = stats.minSamples !== undefined;
  return {
    globalBatch: B, efficiency: statisticalEfficiency(stats.noiseScale, B), goodput: goodput(s.result.samplesPerSecond, stats.noiseScale, B),
    samples, steps: samples / B, seconds: a.seconds, cost: a.cost, absolute,
    ...(absolute && dataset ? { epochs: samples / dataset.trainSamples } : {}),
  };
}

const times = (x: number) => `${x >= 10 ? x.toFixed(0) : x.toFixed(1)}×`;
const n = (x: number) => x.toLocaleString('en-US');

/**
 * "batch 4,096: 1.9× the samples of batch 256, but 11× the throughput" — and why not the plan with
 * the most throughput, judged by the objective (time or cost to the target).
 */
export function explainBatch(best: Scored, stats: Statistics, o: { smaller?: Scored; fastest?: Scored; objective?: Objective }): string[] {
  const objective = o.objective ?? 'time-to-accuracy';
  const B = best.result.samplesPerStep;
  const E = (s: Scored) => targetSamples(stats, s.result.samplesPerStep)!;
  const toGo = (s: Scored) => value({ ...s.score, samplesToTarget: E(s) }, objective);
  const lines: string[] = [];
  const s = o.smaller;
  if (s && s.result.samplesPerStep < B)
    lines.push(`batch ${n(B)}: ${times(E(best) / E(s))} the samples of batch ${n(s.result.samplesPerStep)}, but ${times(best.result.samplesPerSecond / s.result.samplesPerSecond)} the throughput`);
  const f = o.fastest;
  if (f && f.result.samplesPerStep > B) {
    const thr = f.result.samplesPerSecond / best.result.samplesPerSecond;
    const smp = E(f) / E(best);
    const what = objective === 'cost-to-accuracy' ? 'cost' : 'time';
    const loss = objective === 'cost-to-accuracy' ? 'the extra samples and workers cost more than its speed saves' : 'the efficiency loss outweighs the throughput gain';
    lines.push(`batch ${n(f.result.samplesPerStep)} has the most throughput (${times(thr)} that of batch ${n(B)}) but needs ${times(smp)} the samples to the target: ` +
      `${loss} (${(toGo(f) / toGo(best)).toFixed(2)}× the ${what}), so the tuner stops at ${n(B)}, ${B >= stats.noiseScale ? 'above' : 'below'} the noise scale ${n(Math.round(stats.noiseScale))}`);
  } else if (f && f.result.samplesPerStep === B) lines.push(`batch ${n(B)} is also the plan with the most throughput: at noise scale ${n(Math.round(stats.noiseScale))} its efficiency (${statisticalEfficiency(stats.noiseScale, B).toFixed(2)}) costs less than any smaller batch would lose in throughput`);
  return lines;
}

export interface TrainingInputs {
  statistics?: Statistics;
  target?: Target;
  /** Where the noise scale came from, for the report. */
  noiseScaleFrom?: string;
}

/**
 * The statistics of the tuner from the model's training section and the command line: --noise-scale
 * wins over the model's; a --target other than the model's needs its own --noise-scale (the noise
 * scale grows as the loss falls, so one measured for another target does not apply).
 */
export function trainingInputs(model: Model, flags: { noiseScale?: number; target?: Target }): { ok: true; value: TrainingInputs } | { ok: false; problems: Problem[] } {
  const t = model.training;
  const problems: Problem[] = [];
  if (flags.noiseScale !== undefined && !(flags.noiseScale > 0 && Number.isFinite(flags.noiseScale))) problems.push(problem('--noise-scale', `must be a positive number of samples, got ${flags.noiseScale}`));
  if (flags.target) problems.push(...targetProblems(flags.target, model.classes, '--target'));
  if (problems.length) return { ok: false, problems };
  const target = flags.target ?? t?.target;
  const sameTarget = !flags.target || (t?.target && t.target.metric === flags.target.metric && t.target.value === flags.target.value);
  let noiseScale = flags.noiseScale;
  let from = noiseScale !== undefined ? '--noise-scale' : undefined;
  if (noiseScale === undefined && t?.noiseScale !== undefined) {
    if (!sameTarget) return { ok: false, problems: [problem('--noise-scale', `the model's noise scale is for ${t.target ? describeTarget(t.target) : 'its own target'}; give one for ${describeTarget(flags.target!)}`)] };
    noiseScale = effectiveNoiseScale(t.noiseScale);
    from = "the model's training.noiseScale";
  }
  // E_min belongs to the model's own target, like its noise scale.
  const minSamples = sameTarget ? t?.minSamples : undefined;
  return { ok: true, value: { target, noiseScaleFrom: from, ...(noiseScale !== undefined ? { statistics: { noiseScale, ...(minSamples !== undefined ? { minSamples } : {}) } } : {}) } };
}
