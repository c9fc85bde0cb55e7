// What a user reads: both batch sizes in every table and JSON document, one line that says what
// to use instead of --strategy model where it cannot work, errors about the user's files that
// name those files, JSON syntax errors on one line with a line and column.
import fc from 'fast-check';
import { jsonErrorLine } from '../../simulator/validate';
import { hardwarePath, modelPath } from '../helpers/scenarios';
import { runCli, tempFile } from '../helpers/cli';

const alex = ['--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014')];

test.each([
  ['data', ['--workers', '8', '--batch', '128'], 'data 8 workers × 128 = 1024 per step', { global: 1024, perWorker: 128, replicas: 8 }],
  ['pipeline', ['--workers', '4', '--batch', '64'], 'pipeline 4 workers, 64 per step', { global: 64, perWorker: 64, replicas: 4 }],
  ['single', ['--batch', '64'], 'single 1 worker, 64 per step', { global: 64, perWorker: 64, replicas: 1 }],
] as const)('%s: the table and JSON say the batch per step and per worker', async (strategy, flags, head, batch) => {
  const text = await runCli('simulate', ...alex, '--strategy', strategy, ...flags);
  expect(text.stdout.split('\n')[0]).toMatch(new RegExp(`: ${head}(:|$)`));
  expect(text.stdout).toMatch(new RegExp(`batch +${batch.global} per step \\(${batch.perWorker} per worker`));
  if (strategy === 'single') expect(text.stdout).not.toMatch(/allreduce|data\(/); // one worker synchronises nothing
  const json = JSON.parse((await runCli('simulate', ...alex, '--strategy', strategy, ...flags, '--json')).stdout);
  expect(json.batch).toEqual(batch);
});

test('tensor × pipeline: the batch is per data-parallel replica, and the step is replicas × that', async () => {
  const args = ['simulate', '--model', modelPath('mini-gpt'), '--hardware', hardwarePath('h100-ib'), '--strategy', 'data', '--workers', '8', '--batch', '4', '--tp', '2', '--pp', '2'];
  const text = await runCli(...args);
  expect(text.stdout.split('\n')[0]).toMatch(/: data 8 workers, 2 replicas × 4 = 8 per step/);
  expect(text.stdout).toMatch(/batch +8 per step \(4 per replica of 4 workers\)/);
  expect(JSON.parse((await runCli(...args, '--json')).stdout).batch).toEqual({ global: 8, perWorker: 4, replicas: 2 });
});

test.each([
  ['resnet50', /^--strategy: model parallelism .* resnet50 branches \(at "res2a_down_conv"\): use --strategy hybrid \(data-parallel up to "avgpool", model-parallel from "fc"\), --strategy data or --strategy pipeline/],
  ['inception-v1', /inception-v1 branches .*: use --strategy hybrid/],
])('--strategy model on %s: one line saying what to use instead', async (name, message) => {
  const r = await runCli('simulate', '--model', modelPath(name), '--hardware', hardwarePath('h100-ib'), '--strategy', 'model', '--workers', '2', '--batch', '8');
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(message);
});

test('--strategy model on a model with a flatten: one line', async () => {
  const flat = tempFile('flat.json', { name: 'flat', input: [16, 16, 3], layers: [{ name: 'c1', type: 'conv2d', filters: 8, kernel: 3 }, { name: 'f', type: 'flatten' }, { name: 'fc', type: 'dense', units: 10 }] });
  const r = await runCli('simulate', '--model', flat, '--hardware', hardwarePath('h100-ib'), '--strategy', 'model', '--workers', '2', '--batch', '8');
  expect(r.code).toBe(2);
  expect(r.stderr.trim()).toMatch(/^--strategy: .* flat has a flatten layer \("f"\), which cannot be split: use --strategy hybrid \(data-parallel up to "f", model-parallel from "fc"\)/);
});

test('a trace that cannot be written names the file the user gave, not a temporary', async () => {
  const r = await runCli('simulate', ...alex, '--strategy', 'data', '--workers', '2', '--batch', '8', '--trace', '/nonexistent/t.json');
  expect(r.code).toBe(2);
  expect(r.stderr.trim()).toBe('/nonexistent/t.json: cannot write it: its directory does not exist');
});

test('a JSON syntax error is one line with its line and column', async () => {
  const file = tempFile('m.json', '{\n  "name": "x",\n  "layers": [\n    {"a": }\n  ]\n}\n');
  const r = await runCli('inspect', '--model', file);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(`${file}: not valid JSON: Unexpected token '}' at line 4, column 11\n`);
});

test('jsonErrorLine: one line, whatever the broken text', () => {
  fc.assert(fc.property(fc.json(), fc.nat(), fc.string({ minLength: 1, maxLength: 3 }), (json, cut, junk) => {
    const text = json.slice(0, cut % (json.length + 1)) + junk + '\n' + json;
    try {
      JSON.parse(text);
    } catch (e) {
      const line = jsonErrorLine(text, (e as Error).message);
      expect(line).not.toMatch(/\n/);
      expect(line.length).toBeLessThan(120);
    }
  }), { numRuns: 300 });
});
