// `trainplan sweep`: strategies over workers, bandwidth, compute density or batch size.
import { Command, Option } from 'commander';
import { problem, UserError } from '../../simulator/errors';
import { AXES, AXIS_TITLES, density, networkBandwidth, sweep } from '../../simulator/sweep';
import { STRATEGIES } from '../../simulator/plan/shorthand';
import { BATCH_HELP, givenOn, loadModelHardware, int } from '../inputs';
import { Infeasible, Output } from '../io';
import { chart, writeChart } from '../plot';
import { progressBar } from '../progress';
import { table, fixed } from '../table';
import { accuracyInputs, accuracyOptions } from '../accuracy';
import { TargetFigures, toTargetAt } from '../../simulator/statistics/to-target';
import { describeTarget } from '../../simulator/model/training';
import { REPORT_HELP, writeReportOption } from '../report-option';

/** Default values of each axis, around the hardware's own figure. */
function defaults(axis: string, hwWorkers: number, bw: number, dens: number): number[] {
  // Powers of two up to everything the hardware has (and that count itself), at least up to 8.
  if (axis === 'workers') {
    const top = Math.max(8, hwWorkers);
    const out: number[] = [];
    for (let w = 1; w <= top; w *= 2) out.push(w);
    return out[out.length - 1] === top ? out : [...out, top];
  }
  if (axis === 'batch') return [16, 32, 64, 128, 256, 512];
  if (axis === 'bandwidth') return [0.01, 0.1, 1, 10, 100].map((f) => bw * f);
  // Density from DistBelief-era CPUs on Ethernet (~10³ FLOP/B... 10⁴) to GPUs on PCIe and beyond (10⁵–10⁶).
  return [1e1, 1e2, 1e3, 1e4, 1e5, 1e6].concat(dens).sort((a, b) => a - b);
}

export function register(program: Command): void {
  const cmd = program
    .command('sweep')
    .description('simulate strategies over workers, bandwidth, compute density or batch size')
    .requiredOption('--model <file>', 'model file')
    .requiredOption('--hardware <file>', 'hardware file')
    .addOption(new Option('--over <axis>', 'what to vary').choices([...AXES]).default('workers'))
    .option('--values <list>', 'comma-separated values of the axis (bytes/s for bandwidth, FLOP/B for density)')
    .option('--strategies <list>', 'comma-separated strategies', 'data,hybrid')
    .option('--workers <n>', 'workers when not sweeping them (default: the hardware\'s, at most 8)', int('workers'))
    .option('--batch <n>', `when not sweeping it: ${BATCH_HELP}`, int('batch'), 128)
    .option('--plot <file>', 'write an SVG chart of speedup (one line per strategy, with the ideal); over batch with a noise scale: steps, samples and time to the target')
    .option('--json', 'one JSON document instead of a table')
    .option('--report <file>', REPORT_HELP);
  accuracyOptions(cmd)
    .action((o: { model: string; hardware: string; over: (typeof AXES)[number]; values?: string; strategies: string; workers?: number; batch: number; plot?: string; json?: boolean; report?: string; noiseScale?: number; target?: string }, command: Command) => {
      // The swept axis's own flag would be ignored: an error naming it.
      if ((o.over === 'workers' || o.over === 'batch') && givenOn(command)(o.over)) throw new UserError([problem(`--${o.over}`, `does not apply when sweeping ${o.over} (give the values with --values)`)]);
      const { model, hardware } = loadModelHardware(o);
      // Over batch, with a noise scale (flag or model), the sweep also says what each batch costs to the target.
      const accuracy = o.over === 'batch' || o.noiseScale !== undefined || o.target !== undefined ? accuracyInputs(model.model, o, false) : undefined;
      if (accuracy?.statistics && o.over !== 'batch') throw new UserError([problem('--noise-scale', 'applies with --over batch')]);
      const stats = accuracy?.statistics;
      const strategies = o.strategies.split(',').map((s) => s.trim()).filter(Boolean);
      const bad = strategies.filter((s) => !(STRATEGIES as readonly string[]).includes(s));
      if (bad.length) throw new UserError(bad.map((s) => problem('--strategies', `unknown strategy "${s}" (one of ${STRATEGIES.join(', ')})`)));
      const values = o.values ? o.values.split(',').map(Number) : defaults(o.over, hardware.workers, networkBandwidth(hardware), density(hardware));
      if (values.some((v) => !(v > 0))) throw new UserError([problem('--values', 'must be positive numbers separated by commas')]);
      const workers = o.workers ?? Math.min(8, hardware.workers);
      const bar = progressBar('sweep');
      const points = sweep(model, hardware, o.over, values, strategies, { workers, batchPerWorker: o.batch }, (d, t) => bar.update(d, t));
      bar.stop();
      const toTarget = stats ? points.map((p) => (p.feasible ? toTargetAt(p.samplesPerStep!, p.samplesPerSecond!, stats) : undefined)) : undefined;
      if (o.plot && toTarget) {
        // Three figures of different units on one chart: each relative to its value at the smallest batch.
        const s = strategies[0];
        const idx = points.map((p, i) => i).filter((i) => points[i].strategy === s && toTarget[i]);
        const first = toTarget[idx[0]]!;
        const line = (name: string, f: (t: TargetFigures) => number) => ({ name, points: idx.map((i) => [points[i].x, f(toTarget[i]!) / f(first)] as [number, number]) });
        writeChart(o.plot, chart(`${model.model.name} on ${hardware.name} (${s}, ${workers} workers): to the target, B_noise ${Math.round(stats!.noiseScale)}`, 'batch per worker', `relative to batch ${points[idx[0]].x}`,
          [line('steps', (t) => t.steps), line('samples', (t) => t.samples), line('time', (t) => t.seconds)]));
      } else if (o.plot) {
        const series = strategies.map((s) => ({ name: s, points: points.filter((p) => p.strategy === s && p.feasible).map((p) => [p.x, p.speedup!] as [number, number]) }));
        series.push({ name: 'ideal', points: values.map((x) => [x, o.over === 'workers' ? x : workers] as [number, number]), dashed: true } as never);
        writeChart(o.plot, chart(`${model.model.name} on ${hardware.name}: speedup over ${o.over}`, AXIS_TITLES[o.over], 'speedup over 1 worker (×)', series, {
          marks: o.over === 'density' ? [{ x: density(hardware), label: `this hardware: ${density(hardware).toPrecision(3)}` }] : o.over === 'bandwidth' ? [{ x: networkBandwidth(hardware), label: 'this hardware' }] : [],
        }));
      }
      writeReportOption(o.report, { model, hardware, sweep: { axis: o.over, points, workers: o.over === 'workers' ? undefined : workers } });
      const docPoints = toTarget ? points.map((p, i) => ({ ...p, ...(toTarget[i] ? { toTarget: toTarget[i] } : {}) })) : points;
      new Output(!!o.json).emit({ model: model.model.name, hardware: hardware.name, axis: o.over, workers: o.over === 'workers' ? undefined : workers, densityOfHardware: density(hardware), ...(stats ? { noiseScale: stats.noiseScale, minSamples: stats.minSamples, target: accuracy?.target } : {}), points: docPoints }, () => {
        if (toTarget) {
          const unit = stats!.minSamples !== undefined ? '' : ' (× E_min)';
          const rows = points.map((p, i) => [String(p.x), p.strategy, p.samplesPerStep ?? '—', p.feasible ? fixed(p.samplesPerSecond!, 0) : 'infeasible', toTarget[i] ? toTarget[i]!.steps.toPrecision(4) : '', toTarget[i] ? toTarget[i]!.samples.toPrecision(4) : '', toTarget[i] ? toTarget[i]!.seconds.toPrecision(4) : '']);
          return `${model.model.name} on ${hardware.name}, ${workers} workers: to ${accuracy?.target ? describeTarget(accuracy.target) : 'the target'} at noise scale ${Math.round(stats!.noiseScale)} (from ${accuracy?.noiseScaleFrom})\n\n` +
            table(['batch/worker', 'strategy', 'global batch', 'samples/s', `steps${unit}`, `samples${unit}`, `seconds${unit}`], rows) + (o.plot ? `\n\nplot: ${o.plot}` : '');
        }
        const xs = [...new Set(points.map((p) => p.x))];
        const label = (x: number) => (o.over === 'bandwidth' ? `${(x / 1e9).toPrecision(3)} GB/s` : o.over === 'density' ? x.toPrecision(3) : String(x));
        // Each distinct reason a point is infeasible once, numbered, below the table.
        const reasons: string[] = [];
        const note = (r: string) => (reasons.includes(r) ? reasons.indexOf(r) : reasons.push(r) - 1) + 1;
        const rows = xs.map((x) => [label(x), ...strategies.map((s) => {
          const p = points.find((q) => q.x === x && q.strategy === s)!;
          return p.feasible ? `${fixed(p.speedup!, 2)}x` : `infeasible [${note(p.reason ?? 'no reason given')}]`;
        })]);
        const notes = reasons.map((r, i) => `[${i + 1}] ${r}`).join('\n');
        return `${model.model.name} on ${hardware.name}: speedup over ${o.over}${o.over === 'workers' ? '' : ` (${workers} workers)`}, batch ${o.batch} per worker; this hardware's density is ${density(hardware).toPrecision(3)} FLOP/B\n\n${table([o.over, ...strategies], rows)}${notes ? `\n\n${notes}` : ''}${o.plot ? `\n\nplot: ${o.plot}` : ''}`;
      });
      // Exit 3 only when there is nothing to compare: every point infeasible.
      if (!points.some((p) => p.feasible)) throw new Infeasible(`no point of the sweep is feasible: ${points[0]?.reason ?? 'no points'}`);
    });
}
