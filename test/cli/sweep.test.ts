// Sweeps: the workers axis reaches everything the hardware has (not 64), infeasible points say
// why under the table, and log axes carry enough ticks to be read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chart, logTicks } from '../../cli/plot';
import { hardwarePath, modelPath } from '../helpers/scenarios';
import { runCli, tempDir } from '../helpers/cli';

test('the workers axis goes up to all the workers the hardware has', async () => {
  const r = await runCli('sweep', '--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('dgx-a100-ib'), '--strategies', 'data', '--json');
  expect(r.code).toBe(0);
  const xs = JSON.parse(r.stdout).points.map((p: { x: number }) => p.x);
  expect(xs).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]);
});

test('an infeasible point names its reason, once per reason, under the table', async () => {
  const plot = join(tempDir(), 'b.svg');
  const r = await runCli('sweep', '--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014'), '--over', 'batch', '--values', '128,100000', '--strategies', 'data,hybrid', '--plot', plot);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/100000 +infeasible \[1\] +infeasible \[2\]/);
  expect(r.stdout).toMatch(/^\[1\] needs 233\.\d\d GB per worker, device has 5\.00 GB$/m);
  expect(r.stdout).toMatch(/^\[2\] needs [\d.]+ GB per worker, device has 5\.00 GB$/m);
  expect(readFileSync(plot, 'utf8')).toMatch(/<svg/);
});

test('a log axis spanning less than two decades is ticked at 1, 2, 5 per decade', () => {
  expect(logTicks(1, 64)).toEqual([1, 2, 5, 10, 20, 50]);
});

test('a sweep\'s own values label its x axis (1 … 1024 workers, not only 1, 10, 100)', () => {
  const xs = [1, 4, 16, 64, 256, 1024];
  const svg = chart('t', 'workers', 'speedup', [{ name: 's', points: xs.map((x) => [x, x * 0.9] as [number, number]) }]);
  expect([...svg.matchAll(/text-anchor="middle">([\d.k]+)</g)].map((m) => m[1])).toEqual(['1', '4', '16', '64', '256', '1024']);
});

test('the swept axis\'s own flag is an error naming it', async () => {
  const r = await runCli('sweep', '--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014'), '--over', 'workers', '--workers', '4');
  expect(r.code).toBe(2);
  expect(r.stderr.trim()).toBe('--workers: does not apply when sweeping workers (give the values with --values)');
});
