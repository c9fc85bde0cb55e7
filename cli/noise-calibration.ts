// `trainplan calibrate --noise-scale --model F`: trains the model data-parallel on its data set
// and writes the measured gradient noise scale into its training section (into --out, else F).
import { writeAtomic } from '../simulator/trace';
import { problem, UserError } from '../simulator/errors';
import { loadModel } from '../simulator/model/analyze';
import type { Model } from '../simulator/model/schema';
import { strategyResolved } from '../simulator/plan/shorthand';
import { RUN_DEFAULTS, runPlan } from '../runtime/run';
import { need } from './io';
import { learningRateFor } from './training-report';

export interface NoiseCalibrationArgs {
  model?: string;
  out?: string;
  workers: number;
  batch: number;
  steps?: number;
  backend?: string;
}

export async function calibrateNoiseScale(o: NoiseCalibrationArgs, onStep?: (done: number, total: number) => void): Promise<{ model: Model; file: string; noiseScale: number; steps: number }> {
  if (!o.model) throw new UserError([problem('--model', 'required with --noise-scale: the model file to measure and write')]);
  if (o.workers < 2) throw new UserError([problem('--workers', 'the noise scale is measured from at least 2 data-parallel workers')]);
  const model = need(loadModel(o.model), o.model);
  const plan = need(strategyResolved('data', model, { workers: o.workers, batchPerWorker: o.batch, topology: 'switch', sync: 'ring-allreduce', overlap: false }));
  const steps = o.steps ?? 200;
  // The model's own rule needs a noise scale it may not have yet: then the runtime default.
  const lr = (model.model.training?.learningRate?.scaling === 'noise-scale' && model.model.training.noiseScale === undefined ? RUN_DEFAULTS.learningRate : learningRateFor(model.model, plan.stepSamples, undefined, RUN_DEFAULTS.learningRate).lr);
  const r = await runPlan(model, plan, {
    steps, seed: RUN_DEFAULTS.seed, learningRate: lr, momentum: RUN_DEFAULTS.momentum, backend: o.backend, transport: { kind: 'memory' },
    onProgress: (e) => e.kind === 'step' && onStep?.(e.stepsDone, e.steps),
  });
  const n = r.noiseScale;
  if (n?.noiseScale === undefined) throw new Error(`no noise scale measured: ${n?.reason ?? 'the run reported no gradients'}`);
  const when = new Date().toISOString().slice(0, 10);
  const m: Model = {
    ...model.model,
    training: {
      ...model.model.training,
      noiseScale: Math.round(n.noiseScale),
      source: `trainplan calibrate --noise-scale ${when}: B_simple = tr(Σ)/|G|² (McCandlish et al. 2018, appendix A) averaged over ${n.steps} steps of ${o.workers} × ${o.batch} samples, lr ${lr}, backend ${r.backend}, seed ${r.seed}`,
    },
  };
  const file = o.out ?? o.model;
  writeAtomic(file, JSON.stringify(m, null, 2) + '\n');
  return { model: m, file, noiseScale: n.noiseScale, steps: n.steps };
}
