// simulate and sweep from the command line: the JSON fields DESIGN.md promises, traces, plots.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hardwarePath, modelPath } from '../helpers/scenarios';
import { runCli, tempDir } from '../helpers/cli';

const base = ['--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014')];

test('simulate --json has the documented fields, and a trace Perfetto can open', async () => {
  const trace = join(tempDir(), 'trace.json');
  const r = await runCli('simulate', ...base, '--strategy', 'hybrid', '--workers', '4', '--batch', '64', '--json', '--trace', trace);
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  for (const k of ['stepTimeSeconds', 'samplesPerSecond', 'speedup', 'efficiency', 'breakdown', 'memory']) expect(doc).toHaveProperty(k);
  for (const k of ['computeSeconds', 'communicationSeconds', 'hiddenCommunicationSeconds', 'exposedCommunicationSeconds', 'idleSeconds']) expect(doc.breakdown[k]).toBeGreaterThanOrEqual(0);
  expect(doc.speedup).toBeGreaterThan(1);
  const t = JSON.parse(readFileSync(trace, 'utf8'));
  const events = t.traceEvents as { ph: string; pid: number; tid: number; name: string; dur?: number; args?: { name?: string } }[];
  // One process per worker with its compute stream, and a "links" process with a track per link.
  const procs = events.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args!.name);
  expect(procs).toEqual(expect.arrayContaining(['worker 0', 'worker 3', 'links']));
  const linkTracks = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === 1_000_000).map((e) => e.args!.name);
  expect(linkTracks).toEqual(expect.arrayContaining(['w0.up', 'root']));
  expect(events.filter((e) => e.ph === 'X' && e.pid === 1_000_000).length).toBeGreaterThan(0);
  expect(events.every((e) => e.ph !== 'X' || (e.dur ?? 0) >= 0)).toBe(true);
});

test('an infeasible plan is reported with its numbers, and exits 3 (infeasible)', async () => {
  const r = await runCli('simulate', '--model', modelPath('vgg16'), '--hardware', hardwarePath('k20-pcie2-2014'), '--strategy', 'data', '--workers', '2', '--batch', '512');
  expect(r.code).toBe(3);
  expect(r.stdout).toMatch(/INFEASIBLE: needs [\d.]+ GB per worker, device has 5.00 GB/);
});

test('sweep over compute density shows the seed\'s point 8: both scale at low density, data parallelism breaks first at high density', async () => {
  const svg = join(tempDir(), 'density.svg');
  const r = await runCli('sweep', ...base, '--over', 'density', '--values', '10,100,10000', '--json', '--plot', svg);
  expect(r.code).toBe(0);
  const pts = JSON.parse(r.stdout).points as { x: number; strategy: string; speedup: number }[];
  const at = (x: number, s: string) => pts.find((p) => p.x === x && p.strategy === s)!.speedup;
  expect(at(10, 'data')).toBeGreaterThan(7.5);
  expect(at(10, 'hybrid')).toBeGreaterThan(7.5);
  expect(at(10000, 'hybrid')).toBeGreaterThan(1.5 * at(10000, 'data'));
  const text = readFileSync(svg, 'utf8');
  expect(text).toMatch(/^<svg/);
  expect(text).toMatch(/ideal/);
  expect((text.match(/<polyline/g) ?? []).length).toBe(3);
});

test('sweep over workers prints a table with one column per strategy', async () => {
  const r = await runCli('sweep', ...base, '--over', 'workers', '--values', '1,2,4', '--strategies', 'data,hybrid,pipeline');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/workers\s+data\s+hybrid\s+pipeline/);
});

test('simulate on hardware with variability: the band in the table and the JSON; --samples and --stragglers checked', async () => {
  const k80 = ['--model', modelPath('resnet50'), '--hardware', hardwarePath('p2-k80-10gbe'), '--strategy', 'data', '--workers', '16', '--batch', '64'];
  const table = await runCli('simulate', ...k80, '--samples', '5');
  expect(table.code).toBe(0);
  expect(table.stdout).toMatch(/mean over stragglers; p10–p90 [\d.]+–[\d.]+ ms/);
  const doc = JSON.parse((await runCli('simulate', ...k80, '--json')).stdout);
  expect(doc.band.samples).toBe(3);
  expect(doc.band.p10Seconds).toBeLessThan(doc.band.p90Seconds);
  expect(doc.stepTimeSeconds).toBe(doc.band.meanSeconds);
  const bad = await runCli('simulate', ...k80, '--stragglers', 'sometimes');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--stragglers: must be order-statistics or monte-carlo/);
});
