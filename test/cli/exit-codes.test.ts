// One meaning per exit code (cli/io.ts, README "Exit codes"): 0 success, 1 failure, 2 bad input,
// 3 infeasible; 130 and 143 (signals) are in interrupt.test.ts. simulate and tune agree on the
// same input, and every flag the chosen plan would ignore is an error naming it.
import { hardwarePath, modelPath } from '../helpers/scenarios';
import { runCli, tempFile } from '../helpers/cli';

const alex = ['--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014')];

describe('exit codes', () => {
  test('0: success', async () => {
    const r = await runCli('simulate', ...alex, '--strategy', 'data', '--workers', '8', '--batch', '128');
    expect(r.code).toBe(0);
  });

  test('1: a failure that is not the input (a worker fails mid-run)', async () => {
    const r = await runCli('run', '--model', modelPath('mini-owt'), '--strategy', 'data', '--workers', '2', '--batch', '4', '--steps', '2', '--inject-fault', '1:1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/worker 1 failed at step 1/);
  });

  test('2: bad input', async () => {
    const r = await runCli('simulate', ...alex, '--strategy', 'data', '--workers', 'eight', '--batch', '128');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('--workers: must be a positive integer, got "eight"');
  });

  describe('3: infeasible, and simulate and tune agree', () => {
    test.each([
      ['more workers than the hardware', ['--workers', '9', '--batch', '128'], /infeasible: plan needs 9 workers, hardware (k20-pcie2-2014 )?has 8/],
      ['a batch that does not fit in memory', ['--workers', '8', '--batch', '100000'], /infeasible: (no feasible plan: )?needs 233\.\d\d GB per worker, device has 5\.00 GB/],
    ])('%s', async (_name, flags, message) => {
      const sim = await runCli('simulate', ...alex, '--strategy', 'data', ...flags, '--json');
      expect(sim.code).toBe(3);
      expect(JSON.parse(sim.stdout).feasible).toBe(false); // the answer is still printed
      expect(sim.stderr).toMatch(message);
      const tune = await runCli('tune', ...alex, ...flags, '--families', 'data', '--threads', '1');
      expect(tune.code).toBe(3);
      expect(tune.stderr).toMatch(message);
    });
  });
});

describe('a flag the plan would ignore is an error naming it', () => {
  test.each([
    ['--exchange', ['--strategy', 'data', '--workers', '2', '--batch', '8', '--exchange', 'chunked']],
    ['--fc-batch', ['--strategy', 'data', '--workers', '2', '--batch', '8', '--fc-batch', '4']],
    ['--micro-batches', ['--strategy', 'data', '--workers', '2', '--batch', '8', '--micro-batches', '2']],
    ['--sync', ['--strategy', 'pipeline', '--workers', '2', '--batch', '8', '--sync', 'tree-allreduce']],
    ['--no-overlap', ['--strategy', 'model', '--workers', '2', '--batch', '8', '--no-overlap']],
    ['--workers', ['--strategy', 'single', '--workers', '2', '--batch', '8']],
  ])('%s', async (flag, flags) => {
    const r = await runCli('simulate', ...alex, ...flags);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(new RegExp(`^${flag}: does not apply to --strategy \\w+`));
  });

  test('--plan together with --strategy', async () => {
    const plan = tempFile('plan.json', { workers: 2, batchPerWorker: 8, segments: [{ layers: ['conv1', 'fc8'], parallelism: 'data' }] });
    const r = await runCli('simulate', ...alex, '--plan', plan, '--strategy', 'data');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('--strategy: give a plan file (--plan) or a strategy (--strategy), not both');
  });

  test('--plan with a strategy parameter: one line per flag', async () => {
    const plan = tempFile('plan.json', { workers: 2, batchPerWorker: 8, segments: [{ layers: ['conv1', 'fc8'], parallelism: 'data' }] });
    const r = await runCli('simulate', ...alex, '--plan', plan, '--workers', '4', '--batch', '16');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      '--workers: applies only with --strategy; a plan file (--plan) says its own',
      '--batch: applies only with --strategy; a plan file (--plan) says its own',
    ]);
  });

  test('run checks its flags the same way', async () => {
    const r = await runCli('run', '--model', modelPath('mini-owt'), '--strategy', 'data', '--workers', '2', '--batch', '8', '--exchange', 'chunked');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--exchange: does not apply to --strategy data/);
  });
});

test('3: a sweep none of whose points is feasible', async () => {
  const r = await runCli('sweep', ...alex, '--over', 'batch', '--values', '100000', '--strategies', 'data');
  expect(r.code).toBe(3);
  expect(r.stdout).toMatch(/infeasible \[1\]/);
  expect(r.stderr).toMatch(/^infeasible: no point of the sweep is feasible: needs 233/);
});
