// `npm run bench:validate`: issue 10's validation grid on this machine — mini-owt at batches 8 to
// 512 per worker, one worker and two (data parallel) over three shaped bandwidths, calibrated
// between the runs. Prints a markdown table with the conditions it ran under (load average before
// and after: on a shared machine they are part of the result) and writes the JSON beside it.
// Minutes long, so not part of `npm test`. Options: --steps N, --rounds N, --batches a,b,c, --out F, --no-probe.
import os from 'node:os';
import { writeFileSync } from 'node:fs';
import { loadModel } from '../../simulator/model/analyze';
import { unwrap } from '../../simulator/errors';
import { MINI_OWT_FILE } from '../../runtime/paths';
import { MIX_MODELS } from '../../runtime/calibrate';
import { validate, ValidateResult } from '../../runtime/validate';

export const GRID = {
  strategies: ['single', 'data'],
  workers: [1, 2],
  batches: [8, 32, 128, 512],
  /** Three networks: 1 GB/s (a fast LAN), 100 MB/s (1 GbE), 10 MB/s (a slow link), with 10 GbE's latency. */
  bandwidths: [1e9, 1e8, 1e7],
  latencySeconds: 1e-4,
  /** Two warm-up steps and five measured: a median and a p10–p90 per row. */
  steps: 7,
  rounds: 4,
};

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

export function markdown(r: ValidateResult): string[] {
  const f = (x: number | undefined | null, d = 3) => (x === undefined || x === null ? '' : x.toFixed(d));
  const lines = [
    '| strategy | workers | batch | network | machine | predicted p50 s | predicted p10–p90 s | measured median s | measured p10–p90 s | error | in band |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const x of r.rows)
    lines.push(`| ${x.strategy} | ${x.workers} | ${x.batch} | ${x.bandwidth === null ? 'memory' : `${x.bandwidth / 1e6} MB/s`} | ${x.computeScale === undefined ? '' : `×${x.computeScale.toFixed(2)}`} | ${f(x.predictedStepSeconds)} | ${x.predictedBand ? `${f(x.predictedBand.p10Seconds)}–${f(x.predictedBand.p90Seconds)}` : ''} | ${f(x.measuredStepSeconds)} | ${f(x.measuredSpread.p10Seconds)}–${f(x.measuredSpread.p90Seconds)} | ${x.error === null ? 'infeasible' : `${(x.error * 100).toFixed(1)}%`} | ${x.inBand === undefined ? '' : x.inBand ? 'yes' : 'no'} |`);
  lines.push('', `median |error| ${r.medianAbsError === null ? 'n/a' : `${(r.medianAbsError * 100).toFixed(1)}%`}; measured median inside the predicted band in ${r.inBandFraction === null ? 'n/a' : `${(r.inBandFraction * 100).toFixed(0)}%`} of rows`);
  for (const [w, c] of Object.entries(r.calibrated ?? {}))
    lines.push(`calibration, ${w} worker(s): a step's compute CV ${(c.computeCv * 100).toFixed(1)}%; ${Object.entries(c.types).filter(([t]) => t === 'conv2d' || t === 'dense' || t === 'maxpool2d').map(([t, s]) => `${t} median ${(s.rate.median / 1e9).toFixed(2)} GFLOP/s, p10–p90 ${(s.rate.p10 / 1e9).toFixed(2)}–${(s.rate.p90 / 1e9).toFixed(2)}, CV ${(s.rate.cv * 100).toFixed(1)}%, half-rate batch ${s.curve.halfBatch.toFixed(1)}`).join('; ')}`);
  return lines;
}

async function main(): Promise<void> {
  const model = unwrap(loadModel(MINI_OWT_FILE));
  const steps = Number(arg('steps') ?? GRID.steps);
  const rounds = Number(arg('rounds') ?? GRID.rounds);
  const batches = arg('batches')?.split(',').map(Number) ?? GRID.batches;
  const started = new Date();
  const loadBefore = os.loadavg();
  const r = await validate(model, null, {
    strategies: GRID.strategies, workers: GRID.workers, bandwidths: GRID.bandwidths, latencySeconds: GRID.latencySeconds,
    batches, steps, seed: 1, calibration: { models: MIX_MODELS, rounds, probe: !process.argv.includes('--no-probe') },
    onProgress: (d, t) => process.stderr.write(`\r${d}/${t} runs`),
  });
  process.stderr.write('\n');
  const loadAfter = os.loadavg();
  const minutes = (Date.now() - started.getTime()) / 60_000;
  const conditions = `${started.toISOString()}, ${minutes.toFixed(1)} min, backend ${r.backend}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}; load average (1, 5, 15 min) before ${loadBefore.map((x) => x.toFixed(1)).join(', ')}, after ${loadAfter.map((x) => x.toFixed(1)).join(', ')}; ${steps} steps per run (2 warm-up), ${rounds} calibration rounds interleaved`;
  process.stdout.write([`validation grid: ${conditions}`, '', ...markdown(r)].join('\n') + '\n');
  const out = arg('out');
  if (out) writeFileSync(out, JSON.stringify({ conditions, ...r }, null, 2) + '\n');
}

if (require.main === module)
  main().catch((e) => {
    process.stderr.write(`validate grid failed: ${(e as Error).stack}\n`);
    process.exitCode = 1;
  });
