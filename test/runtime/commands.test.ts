// The runtime's commands end to end: run (table, --json, bad input, a failing worker), calibrate
// (atomic write) and validate (rows of predicted vs measured).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseHardware } from '../../simulator/hardware/load';
import { runCli, tempDir } from '../helpers/cli';
import { modelPath } from '../helpers/scenarios';

const mini = modelPath('mini-owt');

test('run --json prints one JSON document with the measured figures and the backend', async () => {
  const r = await runCli('run', '--model', mini, '--strategy', 'data', '--workers', '2', '--batch', '8', '--steps', '2', '--json');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc.measured.stepSeconds).toBeGreaterThan(0);
  expect(doc.measured.workers).toHaveLength(2);
  expect(doc).toMatchObject({ backend: 'wasm', family: 'data', plan: { workers: 2, batchPerWorker: 8 } });
  expect(Number.isFinite(doc.finalLoss)).toBe(true);
  expect(doc.weightsL2).toBeGreaterThan(0);
});

test('run prints a table naming the backend that ran', async () => {
  const r = await runCli('run', '--model', mini, '--strategy', 'single', '--batch', '4', '--steps', '1', '--backend', 'wasm');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/backend wasm/);
  expect(r.stdout).toMatch(/step time/);
});

test.each([
  [['--transport', 'shaped'], /--bandwidth: required with --transport shaped/],
  [['--backend', 'nope'], /unknown backend "nope"/],
  [['--bandwidth', '1e9'], /--bandwidth: only applies with --transport shaped/],
  [['--steps', '0'], /--steps: must be a positive integer/],
])('run with bad input %p exits 2 with one line per problem', async (extra, message) => {
  const r = await runCli('run', '--model', mini, '--strategy', 'data', '--workers', '2', '--batch', '4', ...extra);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe('');
});

test('a worker failing mid-run: exit 1, the worker and step named, nothing on stdout', async () => {
  const r = await runCli('run', '--model', mini, '--strategy', 'data', '--workers', '2', '--batch', '4', '--steps', '3', '--json', '--inject-fault', '1:1');
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/worker 1 failed at step 1: injected fault/);
  expect(r.stdout).toBe('');
});

let hardwareFile = '';
test('calibrate writes a valid hardware file and leaves no temporary file', async () => {
  const dir = tempDir();
  hardwareFile = join(dir, 'local.json');
  const r = await runCli('calibrate', '--out', hardwareFile, '--workers', '2', '--batches', '2,4', '--rounds', '1', '--json');
  expect(r.code).toBe(0);
  expect(parseHardware(JSON.parse(readFileSync(hardwareFile, 'utf8'))).ok).toBe(true);
  expect(JSON.parse(r.stdout).source).toMatch(/measured by trainplan calibrate/);
  expect(readdirSync(dirname(hardwareFile))).toEqual(['local.json']);
});

test('validate runs and simulates each case and reports predicted, measured and error', async () => {
  expect(existsSync(hardwareFile)).toBe(true);
  const plot = join(tempDir(), 'v.svg');
  const report = join(tempDir(), 'v.html');
  const r = await runCli('validate', '--model', mini, '--hardware', hardwareFile, '--strategies', 'single,data', '--workers', '2', '--bandwidths', 'memory,1e8',
    '--batches', '8', '--steps', '2', '--plot', plot, '--report', report, '--json');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc.rows.map((x: { strategy: string; bandwidth: number | null }) => `${x.strategy}/${x.bandwidth}`)).toEqual(['single/null', 'data/null', 'data/100000000']);
  for (const row of doc.rows) {
    expect(row.measuredStepSeconds).toBeGreaterThan(0);
    expect(row.predictedStepSeconds).toBeGreaterThan(0);
    expect(row.error).toBeCloseTo((row.predictedStepSeconds - row.measuredStepSeconds) / row.measuredStepSeconds, 10);
  }
  expect(doc.medianAbsError).toBeGreaterThanOrEqual(0);
  expect(doc.backend).toBe('wasm');
  expect(readFileSync(plot, 'utf8')).toMatch(/^<svg/);
  // The report holds the same rows (the browser tests in test/report open such reports).
  const html = readFileSync(report, 'utf8');
  expect(html).toContain('data-section="validate"');
  expect(html).toContain(`"measuredStepSeconds":${doc.rows[0].measuredStepSeconds}`);
});

test('validate without a hardware file calibrates between its runs and reports the measured spread and the band', async () => {
  const r = await runCli('validate', '--model', mini, '--strategies', 'single', '--workers', '1', '--batches', '4,8', '--steps', '3', '--calibration-rounds', '2', '--json');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc.rows.map((x: { batch: number }) => x.batch)).toEqual([4, 8]);
  const cal = doc.calibrated['1'];
  expect(cal.hardware.device.batchEfficiency.source).toContain('2 interleaved rounds');
  expect(cal.hardware.device.variability.computeCv).toBeGreaterThanOrEqual(0);
  for (const row of doc.rows) {
    expect(row.measuredSpread.steps).toBe(2);
    expect(row.measuredSpread.p10Seconds).toBeLessThanOrEqual(row.measuredStepSeconds);
    expect(row.measuredSpread.p90Seconds).toBeGreaterThanOrEqual(row.measuredStepSeconds);
    // A band wherever the calibration measured any spread (two rounds of the same timings never agree to the bit).
    expect(row.predictedBand.p10Seconds).toBeLessThanOrEqual(row.predictedStepSeconds);
    expect(row.inBand).toBe(row.measuredStepSeconds >= row.predictedBand.p10Seconds && row.measuredStepSeconds <= row.predictedBand.p90Seconds);
    // The machine's speed at the run, from the layers timed just before and after it.
    expect(row.computeScale).toBeGreaterThan(0);
  }
  expect(r.stderr + r.stdout).not.toContain('NaN');
});

test('validate --no-probe simulates every run with the calibration\'s median; with --hardware it is refused, naming the option', async () => {
  const r = await runCli('validate', '--model', mini, '--strategies', 'single', '--workers', '1', '--batches', '4', '--steps', '2', '--calibration-rounds', '1', '--no-probe', '--json');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc.rows).toHaveLength(1);
  expect(doc.rows[0].computeScale).toBeUndefined();
  const bad = await runCli('validate', '--model', mini, '--hardware', 'scenarios/hardware/k20-pcie2-2014.json', '--no-probe');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--no-probe: applies without --hardware only/);
});

test('validate takes --batch or --batches, not both', async () => {
  const r = await runCli('validate', '--model', mini, '--batch', '8', '--batches', '8,16');
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--batch: give --batch or --batches, not both/);
});
