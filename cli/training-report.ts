// What `run` says about training itself: the data set's validation curve, steps to the target, the
// measured gradient noise scale, and the learning rate the model's rule gives for the plan's batch.
import { problem, UserError } from '../simulator/errors';
import type { Model } from '../simulator/model/schema';
import { describeTarget } from '../simulator/model/training';
import { effectiveNoiseScale, scaledLearningRate } from '../simulator/statistics/efficiency';
import type { RunResult } from '../runtime/run';
import { chart, writeChart } from './plot';
import { fixed } from './table';

/** --lr if given, else the model's training.learningRate rule at this global batch, else the runtime default. */
export function learningRateFor(model: Model, globalBatch: number, flag: number | undefined, fallback: number, noiseScale?: number): { lr: number; from: string } {
  if (flag !== undefined) return { lr: flag, from: '--lr' };
  const rule = model.training?.learningRate;
  if (!rule) return { lr: fallback, from: 'default' };
  const n = noiseScale ?? (model.training?.noiseScale !== undefined ? effectiveNoiseScale(model.training.noiseScale) : undefined);
  if (rule.scaling === 'noise-scale' && n === undefined) throw new UserError([problem('--lr', `model ${model.name} scales its learning rate by the noise scale but has no training.noiseScale: give --lr`)]);
  return { lr: scaledLearningRate(rule.scaling, rule.base, rule.batch, globalBatch, n), from: `training.learningRate (${rule.scaling} from ${rule.base} at batch ${rule.batch})` };
}

export function trainingLines(r: RunResult): string[] {
  const out: string[] = [];
  const n = r.noiseScale;
  if (n) out.push(n.noiseScale !== undefined
    ? `gradient noise scale ${n.noiseScale.toFixed(0)} samples over ${n.steps} steps (latest ${n.latestNoiseScale?.toFixed(0) ?? '—'}; |G|² ${n.gradientSquares.toPrecision(3)}, tr Σ ${n.traceCovariance.toPrecision(3)})`
    : `gradient noise scale: no estimate (${n.reason})`);
  const v = r.validation;
  if (v?.length) {
    const last = v[v.length - 1];
    out.push(`validation after step ${last.step + 1}: loss ${fixed(last.loss, 4)}, accuracy ${fixed(last.accuracy * 100, 1)}% (${v.length} evaluations)`);
    if (r.target) out.push(r.stepsToTarget !== undefined ? `${describeTarget(r.target)} reached in ${r.stepsToTarget.toFixed(1)} steps (${Math.round(r.stepsToTarget * r.stepSamples).toLocaleString('en-US')} samples)` : `${describeTarget(r.target)} not reached in ${r.steps} steps`);
  }
  return out;
}

/** Loss curves: training loss of every step and validation loss where evaluated, against samples seen. */
export function writeLossPlot(file: string, r: RunResult): void {
  const series = [{ name: 'training loss', points: r.losses.map((l, i) => [(i + 1) * r.stepSamples, l] as [number, number]) }];
  if (r.validation?.length) series.push({ name: 'validation loss', points: r.validation.map((v) => [v.samples, v.loss] as [number, number]) });
  writeChart(file, chart(`${r.model}, batch ${r.stepSamples}: loss`, 'samples', 'loss (nats)', series));
}
