// The command line's side of time to accuracy: the --noise-scale and --target flags, and the part
// of tune's report that says what the chosen batch costs in samples and gains in throughput.
import { Command } from 'commander';
import { problem, UserError } from '../simulator/errors';
import type { Model } from '../simulator/model/schema';
import { describeTarget, parseTarget, Target } from '../simulator/model/training';
import { explainBatch, toTarget, TrainingInputs, trainingInputs } from '../tuner/accuracy';
import type { Scored, TuneResult } from '../tuner';
import { fixed } from './table';

export function accuracyOptions(cmd: Command): Command {
  return cmd
    .option('--noise-scale <samples>', 'gradient noise scale B_noise (default: the model file\'s training.noiseScale)', Number)
    .option('--target <metric=value>', 'target of the accuracy objectives: loss=<nats> or accuracy=<fraction> (default: the model file\'s training.target)');
}

/** The statistics the flags and the model give, or a UserError naming the flag. */
export function accuracyInputs(model: Model, o: { noiseScale?: number; target?: string }, needed: boolean): TrainingInputs {
  let target: Target | undefined;
  if (o.target !== undefined) {
    const t = parseTarget(o.target);
    if ('path' in t) throw new UserError([t]);
    target = t;
  }
  const r = trainingInputs(model, { noiseScale: o.noiseScale, target });
  if (!r.ok) throw new UserError(r.problems);
  if (needed && !r.value.statistics)
    throw new UserError([problem('--noise-scale', `model ${model.name} has no training.noiseScale: give --noise-scale (or measure it: trainplan run --strategy data --workers 2 …, then calibrate --noise-scale)`)]);
  return r.value;
}

const hours = (s: number) => (s >= 3600 ? `${fixed(s / 3600, 2)} h` : s >= 60 ? `${fixed(s / 60, 1)} min` : s >= 1 ? `${fixed(s, 1)} s` : `${(s * 1e3).toPrecision(3)} ms`);

/** The to-target figures of the best plan and the explanation of its batch, as a document and as lines. */
export function accuracyReport(model: Model, inputs: TrainingInputs, r: TuneResult, fastest: Scored | undefined, unit: string): { doc: object; lines: string[] } {
  const stats = inputs.statistics!;
  const best = r.best!;
  const t = toTarget(best, stats, model.training?.dataset);
  // Compared with a reference batch: the model's learning-rate batch, else 256 (the base batch of
  // Goyal et al.'s linear scaling rule, arXiv:1706.02677) — the best plan scored at or below it.
  const reference = model.training?.learningRate?.batch ?? 256;
  const smaller = [...r.byGlobalBatch.entries()].filter(([b]) => b <= reference && b < best.result.samplesPerStep).sort((a, b) => b[0] - a[0])[0]?.[1];
  const why = explainBatch(best, stats, { smaller, fastest, objective: r.objective });
  const target = inputs.target ? describeTarget(inputs.target) : 'the target the noise scale was measured for';
  const lines = [
    `to ${target} (noise scale ${Math.round(stats.noiseScale).toLocaleString('en-US')} samples from ${inputs.noiseScaleFrom}):`,
    t.absolute
      ? `  ${Math.round(t.samples).toLocaleString('en-US')} samples${t.epochs !== undefined ? ` (${fixed(t.epochs, 1)} epochs)` : ''} in ${Math.round(t.steps).toLocaleString('en-US')} steps: ${hours(t.seconds)}, ${unit === 'dollars' ? `$${t.cost >= 1 ? fixed(t.cost, 2) : t.cost.toPrecision(3)}` : `${t.cost.toPrecision(3)} worker-seconds`}`
      : `  ${fixed(t.samples, 2)}× E_min samples; time ${t.seconds.toPrecision(3)} s × E_min, cost ${t.cost.toPrecision(3)} ${unit} × E_min (the model has no training.minSamples)`,
    `  statistical efficiency ${fixed(t.efficiency, 2)}, goodput ${fixed(t.goodput, 0)} of ${fixed(best.result.samplesPerSecond, 0)} samples/s`,
    ...why.map((w) => `  ${w}`),
  ];
  return { doc: { target: inputs.target, noiseScale: stats.noiseScale, noiseScaleFrom: inputs.noiseScaleFrom, minSamples: stats.minSamples, toTarget: t, why }, lines };
}
