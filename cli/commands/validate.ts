// `trainplan validate`: calibrate (or read --hardware), then run and simulate each strategy ×
// workers × bandwidth side by side (× sync, through an S3 store, with --transport s3); optionally a
// predicted-vs-measured scatter plot, and the report kept in a --store.
import { Command, Option } from 'commander';
import { problem, UserError } from '../../simulator/errors';
import { loadHardware } from '../../simulator/hardware/load';
import type { Hardware } from '../../simulator/hardware/schema';
import { loadModel } from '../../simulator/model/analyze';
import { STRATEGIES } from '../../simulator/plan/shorthand';
import { MIX_MODELS } from '../../runtime/calibrate';
import { LM_PLANS, validate, VALIDATE_DEFAULTS } from '../../runtime/validate';
import { isLanguageModel } from '../../runtime/executors/grid-plan';
import { MINI_OWT_FILE } from '../../runtime/paths';
import { RUN_DEFAULTS } from '../../runtime/run';
import { int, intList, list, nonNegative } from '../inputs';
import { need, Output } from '../io';
import { chart, writeChart } from '../plot';
import { progressBar } from '../progress';
import { fixed, si, table } from '../table';
import { RUNTIME_SYNCS, Sync } from '../../runtime/collectives/sync';
import { openStore } from '../../runtime/store';
import { writeReportOption } from '../report-option';

// A language model's plans are named by their composed dimension (runtime/validate.ts LM_PLANS).
const STRATEGY_NAMES = [...new Set([...STRATEGIES, ...Object.keys(LM_PLANS)])];
const strategy = (s: string) => {
  if (!STRATEGY_NAMES.includes(s)) throw new UserError([problem('--strategies', `"${s}" is not one of ${STRATEGY_NAMES.join(', ')}`)]);
  return s;
};
const posInt = (s: string) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) throw new UserError([problem('--workers', `"${s}" is not a positive integer`)]);
  return n;
};
const sync = (s: string) => {
  if (!(s in RUNTIME_SYNCS)) throw new UserError([problem('--syncs', `"${s}" is not one of ${Object.keys(RUNTIME_SYNCS).join(', ')}`)]);
  return s as Sync;
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
    .option('--batches <list>', `comma-separated batches per worker, one row each (default ${VALIDATE_DEFAULTS.batches.join(',')})`, intList('batches'), VALIDATE_DEFAULTS.batches)
    .option('--batch <n>', 'one batch per worker (the same as --batches n)', int('batch'))
    .option('--calibration-rounds <n>', `without --hardware: calibration rounds interleaved with the runs (default ${VALIDATE_DEFAULTS.calibrationRounds})`, int('calibration-rounds'), VALIDATE_DEFAULTS.calibrationRounds)
    .option('--no-probe', 'without --hardware: simulate every run with the calibration\'s median, not at the speed the machine had just before and after it')
    .option('--steps <n>', `steps per run (default ${VALIDATE_DEFAULTS.steps}; ${VALIDATE_DEFAULTS.s3Steps} with --transport s3)`, int('steps'))
    .option('--seed <n>', 'seed', int('seed'), RUN_DEFAULTS.seed)
    .option('--backend <name>', 'TensorFlow.js backend (default: the fastest present)')
    .addOption(new Option('--transport <kind>', 'memory (with --bandwidths) or s3: workers exchange through an S3 endpoint (by default an embedded server)').choices(['memory', 's3']).default('memory'))
    .option('--s3-endpoint <url>', 'with --transport s3: the S3 API endpoint (default: AWS_ENDPOINT_URL, else an embedded server on loopback)')
    .option('--bucket <name>', 'with --transport s3: the bucket (default trainplan)')
    .option('--syncs <list>', `with --transport s3: gradient synchronisations to run (default ${VALIDATE_DEFAULTS.s3Syncs.join(',')})`, list('syncs', sync))
    .option('--processes', 'with --transport s3: every worker a process of its own, sharing only the store')
    .option('--store <dir|s3://bucket/prefix>', 'keep the report (JSON) there, under reports/')
    .option('--plot <file>', 'write a predicted-vs-measured scatter plot (SVG)')
    .option('--json', 'one JSON document instead of a table')
    .option('--report <file>', 'also write a self-contained HTML report: predicted against measured, error per row (see docs/report.md)')
    .action(async (o: { model: string; hardware?: string; strategies: string[]; workers: number[]; bandwidths: (number | null)[]; latency: number; batches: number[]; batch?: number; calibrationRounds: number; probe: boolean; steps?: number; seed: number; backend?: string; transport: 'memory' | 's3'; s3Endpoint?: string; bucket?: string; syncs?: Sync[]; processes?: boolean; store?: string; plot?: string; json?: boolean; report?: string }, cmd: Command) => {
      const model = need(loadModel(o.model), o.model);
      if (isLanguageModel(model)) {
        // A language model: each composed dimension on 2 workers unless told otherwise.
        if (cmd.getOptionValueSource('strategies') !== 'cli') o.strategies = VALIDATE_DEFAULTS.lmStrategies;
        if (cmd.getOptionValueSource('workers') !== 'cli') o.workers = VALIDATE_DEFAULTS.lmWorkers;
        if (cmd.getOptionValueSource('bandwidths') !== 'cli') o.bandwidths = VALIDATE_DEFAULTS.lmBandwidths;
        if (cmd.getOptionValueSource('batch') !== 'cli' && cmd.getOptionValueSource('batches') !== 'cli') o.batches = [VALIDATE_DEFAULTS.lmBatch];
      }
      if (o.transport !== 's3') {
        const s3Only = ([['s3Endpoint', '--s3-endpoint'], ['bucket', '--bucket'], ['syncs', '--syncs'], ['processes', '--processes']] as const).filter(([k]) => o[k] !== undefined);
        if (s3Only.length) throw new UserError(s3Only.map(([, flag]) => problem(flag, 'only applies with --transport s3')));
      } else if (cmd.getOptionValueSource('bandwidths') === 'cli') throw new UserError([problem('--bandwidths', 'does not apply with --transport s3 (the store is the network)')]);
      const store = o.store ? openStore(o.store, { endpoint: o.s3Endpoint }) : undefined;
      const bar = progressBar('validate');
      if (o.hardware && cmd.getOptionValueSource('probe') === 'cli') throw new UserError([problem('--no-probe', 'applies without --hardware only: a hardware file given is validated as it is, never probed')]);
      if (o.batch !== undefined && cmd.getOptionValueSource('batches') === 'cli') throw new UserError([problem('--batch', 'give --batch or --batches, not both')]);
      const batches = o.batch !== undefined ? [o.batch] : o.batches;
      // Without a hardware file, validate calibrates this machine between its runs (runtime/validate-calibration.ts).
      const hardware: Hardware | null = o.hardware ? need(loadHardware(o.hardware), o.hardware) : null;
      const r = await validate(model, hardware, {
        strategies: o.strategies, workers: o.workers, bandwidths: o.bandwidths, latencySeconds: o.latency, batches, steps: o.steps ?? (o.transport === 's3' ? VALIDATE_DEFAULTS.s3Steps : VALIDATE_DEFAULTS.steps), seed: o.seed, backend: o.backend,
        transport: o.transport, s3Endpoint: o.s3Endpoint, bucket: o.bucket, syncs: o.syncs, processes: o.processes,
        ...(hardware ? {} : { calibration: { models: MIX_MODELS, rounds: o.calibrationRounds, probe: o.probe } }),
        onProgress: (d, t) => bar.update(d, t),
      });
      bar.stop();
      if (store) {
        await store.write(`reports/validate-${r.model}-${o.transport}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, JSON.stringify(r, null, 2) + '\n');
        store.close?.();
      }
      if (o.plot) {
        const series = o.strategies.map((s) => ({ name: s, points: r.rows.filter((x) => x.strategy === s && x.predictedStepSeconds !== null).map((x) => [x.predictedStepSeconds!, x.measuredStepSeconds] as [number, number]) })).filter((s) => s.points.length);
        writeChart(o.plot, chart(`${r.model}: predicted vs measured step time (${r.backend})`, 'predicted step time (s)', 'measured step time (s)', series, { scatter: true, diagonal: true }));
      }
      writeReportOption(o.report, { model, validate: r });
      const pct = (e: number) => `${fixed(e * 100, 1)}%`;
      const bySync = Object.entries(r.medianAbsErrorBySync);
      new Output(!!o.json).emit(r, () => [
        `${r.model} simulated on ${r.hardware}, backend ${r.backend}: median |error| ${r.medianAbsError === null ? 'n/a' : pct(r.medianAbsError)}` +
          (o.transport === 's3' && bySync.length ? ` (${bySync.map(([k, v]) => `${k} ${pct(v!)}`).join(', ')})` : ''),
        ...(r.objectStore ? [`store measured: request ${fixed(((r.objectStore.putLatencySeconds + r.objectStore.getLatencySeconds) / 2) * 1e3, 1)} ms, PUT ${si(r.objectStore.putBytesPerSecond, 'B/s')}, GET ${si(r.objectStore.getBytesPerSecond, 'B/s')}, ${r.objectStore.clients} clients ${si(r.objectStore.aggregateBytesPerSecond, 'B/s')}`] : []),
        '',
        table(['strategy', 'workers', 'batch', 'network', 'sync', 'machine', 'predicted s', 'p10–p90 predicted', 'measured median s', 'p10–p90 measured', 'error', 'in band'], r.rows.map((x) => [
          x.strategy, x.workers, x.batch, x.transport === 's3' ? 's3' : x.bandwidth === null ? 'memory' : si(x.bandwidth, 'B/s'), x.sync ?? '',
          x.computeScale === undefined ? '' : `×${fixed(x.computeScale, 2)}`,
          x.predictedStepSeconds === null ? `infeasible: ${x.note}` : fixed(x.predictedStepSeconds, 4),
          x.predictedBand ? `${fixed(x.predictedBand.p10Seconds, 4)}–${fixed(x.predictedBand.p90Seconds, 4)}` : '',
          fixed(x.measuredStepSeconds, 4), `${fixed(x.measuredSpread.p10Seconds, 4)}–${fixed(x.measuredSpread.p90Seconds, 4)}`,
          x.error === null ? '' : `${x.error >= 0 ? '+' : ''}${fixed(x.error * 100, 1)}%`, x.inBand === undefined ? '' : x.inBand ? 'yes' : 'no',
        ])),
        ...(r.inBandFraction === null ? [] : [`measured median inside the predicted p10–p90 band in ${fixed(r.inBandFraction * 100, 0)}% of rows`]),
        ...Object.entries(r.calibrated ?? {}).map(([w, c]) => `calibrated ${w} worker(s) between the runs: a step's compute CV ${fixed(c.computeCv * 100, 1)}% over rounds${c.warnings.length ? ` (${c.warnings.length} warning(s))` : ''}`),
        ...(r.rows.some((x) => x.computeScale !== undefined) ? ['machine: compute time during the run against the calibration\'s median (the model\'s layers timed just before and after it); the simulation runs at that speed'] : []),
      ].join('\n'));
    });
}
