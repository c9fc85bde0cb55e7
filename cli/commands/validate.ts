// `trainplan validate`: calibrate (or read --hardware), then run and simulate each strategy ×
// workers × bandwidth side by side; optionally a predicted-vs-measured scatter plot.
import { Command } from 'commander';
import { problem, UserError } from '../../simulator/errors';
import { loadHardware } from '../../simulator/hardware/load';
import type { Hardware } from '../../simulator/hardware/schema';
import { loadModel } from '../../simulator/model/analyze';
import { STRATEGIES } from '../../simulator/plan/shorthand';
import { calibrate, CALIBRATE_DEFAULTS, MIX_MODELS } from '../../runtime/calibrate';
import { validate, VALIDATE_DEFAULTS } from '../../runtime/validate';
import { MINI_OWT_FILE } from '../../runtime/paths';
import { RUN_DEFAULTS } from '../../runtime/run';
import { int } from '../inputs';
import { need, Output } from '../io';
import { chart, writeChart } from '../plot';
import { progressBar } from '../progress';
import { fixed, si, table } from '../table';
import { nonNegative } from './run';

function list<T>(name: string, parse: (s: string) => T) {
  return (v: string): T[] => {
    const items = v.split(',').map((s) => s.trim()).filter(Boolean);
    if (!items.length) throw new UserError([problem(`--${name}`, 'must list at least one value')]);
    return items.map(parse);
  };
}
const strategy = (s: string) => {
  if (!(STRATEGIES as readonly string[]).includes(s)) throw new UserError([problem('--strategies', `"${s}" is not one of ${STRATEGIES.join(', ')}`)]);
  return s;
};
const posInt = (s: string) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) throw new UserError([problem('--workers', `"${s}" is not a positive integer`)]);
  return n;
};
const bandwidth = (s: string) => {
  if (s === 'memory') return null;
  const n = Number(s);
  if (!(n > 0) || !Number.isFinite(n)) throw new UserError([problem('--bandwidths', `"${s}" is neither "memory" nor a positive number of bytes/s`)]);
  return n;
};

export function register(program: Command): void {
  program
    .command('validate')
    .description('run and simulate plans side by side on this machine')
    .option('--model <file>', 'model file (default: mini-owt)', MINI_OWT_FILE)
    .option('--hardware <file>', 'hardware file of this machine (default: calibrate first)')
    .option('--strategies <list>', 'comma-separated strategies', list('strategies', strategy), VALIDATE_DEFAULTS.strategies)
    .option('--workers <list>', 'comma-separated worker counts', list('workers', posInt), VALIDATE_DEFAULTS.workers)
    .option('--bandwidths <list>', 'comma-separated bytes/s of the shaped transport; "memory" for the bare memory transport', list('bandwidths', bandwidth), VALIDATE_DEFAULTS.bandwidths)
    .option('--latency <s>', 'latency of the shaped transport', nonNegative('latency'), VALIDATE_DEFAULTS.latencySeconds)
    .option('--batch <n>', 'batch per worker', int('batch'), VALIDATE_DEFAULTS.batch)
    .option('--steps <n>', 'steps per run', int('steps'), VALIDATE_DEFAULTS.steps)
    .option('--seed <n>', 'seed', int('seed'), RUN_DEFAULTS.seed)
    .option('--backend <name>', 'TensorFlow.js backend (default: the fastest present)')
    .option('--plot <file>', 'write a predicted-vs-measured scatter plot (SVG)')
    .option('--json', 'one JSON document instead of a table')
    .action(async (o: { model: string; hardware?: string; strategies: string[]; workers: number[]; bandwidths: (number | null)[]; latency: number; batch: number; steps: number; seed: number; backend?: string; plot?: string; json?: boolean }) => {
      const model = need(loadModel(o.model), o.model);
      const bar = progressBar('validate', !!o.json);
      let hardware: Hardware | ((workers: number) => Hardware);
      if (o.hardware) hardware = need(loadHardware(o.hardware), o.hardware);
      else {
        // One calibration per worker count: threads share the cores, so each count has its own speed.
        const counts = [...new Set([...(o.strategies.includes('single') ? [1] : []), ...o.workers.filter((w) => w > 1 || o.strategies.includes('single'))])];
        const byCount = new Map<number, Hardware>();
        for (const w of counts)
          byCount.set(w, (await calibrate({ backend: o.backend, workers: w, models: [model.model, ...MIX_MODELS], batch: o.batch, repeats: CALIBRATE_DEFAULTS.repeats, transportSizesBytes: CALIBRATE_DEFAULTS.transportSizesBytes })).hardware);
        hardware = (w: number) => byCount.get(w) ?? byCount.get(Math.max(...byCount.keys()))!;
      }
      const r = await validate(model, hardware, {
        strategies: o.strategies, workers: o.workers, bandwidths: o.bandwidths, latencySeconds: o.latency, batch: o.batch, steps: o.steps, seed: o.seed, backend: o.backend,
        onProgress: (d, t) => bar.update(d, t),
      });
      bar.stop();
      if (o.plot) {
        const series = o.strategies.map((s) => ({ name: s, points: r.rows.filter((x) => x.strategy === s && x.predictedStepSeconds !== null).map((x) => [x.predictedStepSeconds!, x.measuredStepSeconds] as [number, number]) })).filter((s) => s.points.length);
        writeChart(o.plot, chart(`${r.model}: predicted vs measured step time (${r.backend})`, 'predicted step time (s)', 'measured step time (s)', series, { scatter: true, diagonal: true }));
      }
      new Output(!!o.json).emit(r, () => [
        `${r.model} simulated on ${r.hardware}, backend ${r.backend}: median |error| ${r.medianAbsError === null ? 'n/a' : `${fixed(r.medianAbsError * 100, 1)}%`}`,
        '',
        table(['strategy', 'workers', 'network', 'predicted s', 'measured s', 'error'], r.rows.map((x) => [
          x.strategy, x.workers, x.bandwidth === null ? 'memory' : si(x.bandwidth, 'B/s'),
          x.predictedStepSeconds === null ? `infeasible: ${x.note}` : fixed(x.predictedStepSeconds, 4), fixed(x.measuredStepSeconds, 4),
          x.error === null ? '' : `${x.error >= 0 ? '+' : ''}${fixed(x.error * 100, 1)}%`,
        ])),
      ].join('\n'));
    });
}
