// Issue 15's input defects, each through the command line: names that would become keys or paths
// outside their root, extreme hardware figures, counts Number() reads too generously, a byte-order
// mark, faults and batches a run cannot have. Every one exits 2 with one line naming the field,
// before anything starts, and leaves nothing behind.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_INFEASIBLE } from '../../cli/io';
import { runCli, tempDir, tempFile } from '../helpers/cli';
import { hardwarePath, modelPath } from '../helpers/scenarios';

const alex = JSON.parse(readFileSync(modelPath('alexnet-owt'), 'utf8'));
const mini = JSON.parse(readFileSync(modelPath('mini-owt'), 'utf8'));
const k20 = JSON.parse(readFileSync(hardwarePath('k20-pcie2-2014'), 'utf8'));
const sim = (model: string, hw: string, ...more: string[]) => runCli('simulate', '--model', model, '--hardware', hw, '--strategy', 'data', '--workers', '2', '--batch', '8', ...more);

const oneLine = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('names that become keys or paths are checked where they enter', () => {
  test.each(['../../../../../../../tmp/x', 'a/b', '.hidden', 'x\u0000y', ''])('a model named %p is refused', async (name) => {
    const r = await runCli('inspect', '--model', tempFile('m.json', { ...alex, name }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/: name: must /);
    oneLine(r.stderr);
  });

  test('a hardware named with a path is refused', async () => {
    const r = await sim(modelPath('alexnet-owt'), tempFile('h.json', { ...k20, name: '../x' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/name: must not contain "\/"/);
  });

  test('tune --store DIR with a model named to escape: refused before the search, nothing written', async () => {
    const store = tempDir();
    const r = await runCli('tune', '--model', tempFile('m.json', { ...alex, name: '../../escape' }), '--hardware', hardwarePath('k20-pcie2-2014'), '--store', store, '--workers', '2', '--batch', '8', '--threads', '1');
    expect(r.code).toBe(2);
    expect(readdirSync(store)).toEqual([]);
  });

  test.each([
    ['s3://trainplan/../../../tmp/x', /segment "\.\." must not start with "\."/],
    ['s3://trainplan//x', /empty segments/],
    ['s3://../x', /must be a bucket name/],
    ['s3://Trainplan/x', /must be a bucket name/],
  ])('tune --store %p exits 2', async (store, message) => {
    const r = await runCli('tune', '--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014'), '--store', store, '--s3-endpoint', 'http://127.0.0.1:1', '--workers', '2', '--batch', '8');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--store: /);
    expect(r.stderr).toMatch(message);
  });

  test('run --transport s3 --bucket with a path exits 2 before a server starts (no folder left)', async () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('trainplan-s3-')).length;
    const r = await runCli('run', '--model', modelPath('mini-owt'), '--strategy', 'data', '--workers', '2', '--batch', '4', '--steps', '1', '--transport', 's3', '--bucket', '../../../../tmp/x');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--bucket: must be a bucket name/);
    oneLine(r.stderr);
    // Other tests may start servers meanwhile; none of ours was made, so the count cannot have grown by this run.
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('trainplan-s3-')).length).toBeLessThanOrEqual(before + 8);
    expect(existsSync('/tmp/x')).toBe(false);
  });

  test.each([['--run-id', '../../../../tmp/x', /^--run-id: must be 1–128 letters/], ['--bucket', 'a/../b', /^--bucket: must be a bucket name/]])('worker %s %p exits 2', async (flag, value, message) => {
    const plan = tempFile('plan.json', { workers: 2, batchPerWorker: 4, segments: [{ layers: [mini.layers[0].name, mini.layers[mini.layers.length - 1].name], parallelism: 'data', sync: 's3-allreduce' }] });
    const args = ['worker', '--model', modelPath('mini-owt'), '--plan', plan, '--rank', '0', '--run-id', 'ok-id', '--s3-endpoint', 'http://127.0.0.1:1'];
    if (args.includes(flag)) args[args.indexOf(flag) + 1] = value;
    else args.push(flag, value);
    const r = await runCli(...args);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
  });
});

describe('extreme hardware figures: refused by range, never a NaN step time', () => {
  test.each([
    ['bandwidth 1e-310', (h: any) => (h.network.bandwidthBytesPerSecond = 1e-310), /network\.bandwidthBytesPerSecond: must be a number from 1 to 1e15 B\/s/],
    ['peakFlops 5e-324', (h: any) => (h.device.peakFlops = 5e-324), /device\.peakFlops: must be a number from 1000 to 1e21 FLOP\/s/],
    ['latency 1e308', (h: any) => (h.network.latencySeconds = 1e308), /network\.latencySeconds: must be a number from 0 to 86400 s/],
  ])('%s', async (_n, mutate, message) => {
    const h = structuredClone(k20);
    mutate(h);
    const r = await sim(modelPath('alexnet-owt'), tempFile('h.json', h));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    oneLine(r.stderr);
  });

  test('a price that overflows the cost makes the plan infeasible with a reason, not a feasible null', async () => {
    const h = { ...structuredClone(k20), price: { source: 'test fixture', dollarsPerWorkerHour: 1e308 } };
    const r = await sim(modelPath('alexnet-owt'), tempFile('h.json', h), '--json');
    expect(r.code).toBe(EXIT_INFEASIBLE);
    const doc = JSON.parse(r.stdout);
    expect(doc.feasible).toBe(false);
    expect(doc.reason).toMatch(/figures overflow a double \(cost\.\w+ = Infinity/);
  });

  test('tune never picks a plan whose figures overflow: where the data plan overflows, the best is one that does not', async () => {
    const h = { ...structuredClone(k20), price: { source: 'test fixture', dollarsPerWorkerHour: 1e308 } };
    const r = await runCli('tune', '--model', modelPath('alexnet-owt'), '--hardware', tempFile('h.json', h), '--workers', '2', '--batch', '8', '--threads', '1', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // JSON writes a non-finite number as null: none anywhere in what tune reports.
    expect(r.stdout).not.toMatch(/: null/);
    expect(doc.best.family).not.toBe('data');
    expect(Number.isFinite(doc.best.cost.dollarsPerEpoch)).toBe(true);
  });
});

describe('counts, files and run limits', () => {
  test.each(['0x10', '1e3', ' 7', '16.0', '-1', '99999999999999999999'])('--workers %p is not a count', async (v) => {
    const r = await runCli('simulate', '--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014'), '--strategy', 'data', '--workers', v, '--batch', '8');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--workers: must be a positive integer/);
  });

  test('--measured-steps is bounded', async () => {
    const r = await sim(modelPath('alexnet-owt'), hardwarePath('k20-pcie2-2014'), '--measured-steps', '1000000');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('--measured-steps: must be at most 1000, got 1000000');
  });

  test('a JSON file with a byte-order mark is read', async () => {
    const file = join(tempDir(), 'bom.json');
    writeFileSync(file, '\ufeff' + JSON.stringify(alex));
    const r = await runCli('inspect', '--model', file, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).name).toBe('alexnet-owt');
  });

  test.each([
    [['--inject-fault', '5:1'], /^--inject-fault: rank 5 is not a worker of this plan \(0 to 1\)$/],
    [['--inject-fault', '0:9'], /^--inject-fault: step 9 is not a step of this run \(0 to 1\)$/],
    [['--batch', '1000000'], /^batch: each worker would need about \d+\.\d+ GB, more than/],
    [['--batch', '20000'], /^batch: each worker would need about \d+\.\d+ GB, more than/],
  ])('run %p exits 2 before starting', async (extra, message) => {
    const args = ['run', '--model', modelPath('mini-owt'), '--strategy', 'data', '--workers', '2', '--batch', '4', '--steps', '2'];
    const i = args.indexOf(extra[0]);
    if (i >= 0) args[i + 1] = extra[1];
    else args.push(...extra);
    const r = await runCli(...args);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.code).toBe(2);
  });
});
