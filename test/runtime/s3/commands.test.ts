// The commands on the s3 transport: run and validate (embedded server by default), calibrate
// writing the objectStore block, and the worker entry point's input checks.
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHardware } from '../../../simulator/hardware/load';
import { runCli, tempDir, tempFile } from '../../helpers/cli';
import { hardwarePath, modelPath } from '../../helpers/scenarios';

const mini = modelPath('mini-owt');

/** Figures of a small CPU, for predictions whose accuracy these tests do not judge. */
const localHardware = {
  name: 'test-cpu', source: 'test fixture',
  device: { name: 'cpu', source: 'test fixture', peakFlops: 2e10, memoryBytes: 8e9, efficiency: { default: 0.5 } },
  workers: 2, network: { topology: 'switch', bandwidthBytesPerSecond: 1e9, latencySeconds: 1e-5, source: 'test fixture' },
};

test('run --transport s3 starts an embedded server, synchronises through it (s3-allreduce by default) and reports it', async () => {
  const r = await runCli('run', '--model', mini, '--strategy', 'data', '--workers', '2', '--batch', '4', '--steps', '2', '--transport', 's3', '--json');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc.transport).toEqual({ kind: 's3', embedded: true });
  expect(doc.plan.segments[0].sync).toBe('s3-allreduce');
  expect(doc.measured.workers).toHaveLength(2);
});

test.each([
  [['--s3-endpoint', 'http://127.0.0.1:1'], /--s3-endpoint: only applies with --transport s3/],
  [['--transport', 's3', '--sync', 'async-parameter-server'], /--sync: must be one of ring-allreduce, tree-allreduce, parameter-server, s3-allreduce, s3-scatter-reduce, got "async-parameter-server"/],
  [['--processes'], /processes: worker processes share nothing but an object store/],
])('run with bad input %p exits 2', async (extra, message) => {
  const r = await runCli('run', '--model', mini, '--strategy', 'data', '--workers', '2', '--batch', '4', '--steps', '1', ...extra);
  expect(r.stderr).toMatch(message);
  expect(r.code).toBe(2);
});

test('validate --transport s3 --strategies data --workers 2 runs both store patterns, and keeps its report in --store', async () => {
  const hw = tempFile('hw.json', localHardware);
  const store = tempDir();
  const r = await runCli('validate', '--model', mini, '--hardware', hw, '--transport', 's3', '--strategies', 'data', '--workers', '2', '--batch', '4', '--steps', '2', '--store', store, '--json');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc.rows.map((x: { strategy: string; workers: number; transport: string; sync: string }) => [x.strategy, x.workers, x.transport, x.sync]))
    .toEqual([['data', 2, 's3', 's3-allreduce'], ['data', 2, 's3', 's3-scatter-reduce']]);
  for (const row of doc.rows) {
    expect(row.measuredStepSeconds).toBeGreaterThan(0);
    expect(Number.isFinite(row.error)).toBe(true);
  }
  expect(Object.keys(doc.medianAbsErrorBySync).sort()).toEqual(['s3-allreduce', 's3-scatter-reduce']);
  expect(doc.objectStore.putBytesPerSecond).toBeGreaterThan(0);
  const reports = readdirSync(join(store, 'reports'));
  expect(reports).toHaveLength(1);
  expect(JSON.parse(readFileSync(join(store, 'reports', reports[0]), 'utf8')).rows).toHaveLength(2);
});

test('validate rejects store options without --transport s3', async () => {
  const r = await runCli('validate', '--model', mini, '--syncs', 's3-allreduce');
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--syncs: only applies with --transport s3/);
});

test('calibrate --transport s3 on an existing hardware file writes only its objectStore block', async () => {
  const out = join(tempDir(), 'c5.json');
  copyFileSync(hardwarePath('c5-cluster'), out);
  const before = JSON.parse(readFileSync(out, 'utf8'));
  const r = await runCli('calibrate', '--transport', 's3', '--out', out);
  expect(r.code).toBe(0);
  const after = JSON.parse(readFileSync(out, 'utf8'));
  expect(parseHardware(after).ok).toBe(true);
  expect({ ...after, objectStore: undefined }).toEqual({ ...before, objectStore: undefined });
  expect(after.objectStore.source).toMatch(/embedded s3rver on loopback/);
  expect(after.objectStore.requestLatencySeconds).toBeGreaterThan(0);
  expect(after.objectStore.pollIntervalSeconds).toBeGreaterThan(0.01);
});

test('worker checks its rank against the plan', async () => {
  const planFile = tempFile('plan.json', { workers: 2, batchPerWorker: 4, segments: [{ layers: ['conv1', 'fc8'], parallelism: 'data', sync: 's3-allreduce' }] });
  const r = await runCli('worker', '--model', mini, '--plan', planFile, '--rank', '2', '--run-id', 'r1');
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--rank: must be an integer from 0 to 1, got 2/);
});
