// An interrupted tune keeps what it scored in its append-only log; a rerun continues from it.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileResults, inputsDigest } from '../../tuner/results';
import { tune } from '../../tuner/tune';
import { hardwarePath, modelPath, zooHardware, zooModel } from '../helpers/scenarios';
import { runCli, tempDir } from '../helpers/cli';

const model = zooModel('alexnet-owt');
const hw = zooHardware('k20-pcie2-2014');

test('an interrupted tune resumes from its results log and reaches the same answer', async () => {
  const file = join(tempDir(), 'plan.json.results.jsonl');
  const inputsKey = inputsDigest(model.model, hw);
  const whole = await tune(model, hw, { workers: 8, batch: 128 });

  const abort = new AbortController();
  let chunks = 0;
  const first = await tune(model, hw, { workers: 8, batch: 128, results: new FileResults(file), inputsKey, signal: abort.signal, onProgress: () => ++chunks === 3 && abort.abort() });
  expect(first.interrupted).toBe(true);
  const kept = readFileSync(file, 'utf8').trim().split('\n').length;
  expect(kept).toBe(first.evaluated);
  expect(kept).toBeLessThan(whole.evaluated);

  // A crash mid-write leaves a cut line: it is ignored, not fatal.
  appendFileSync(file, '{"key":"cut sh');
  const second = await tune(model, hw, { workers: 8, batch: 128, results: new FileResults(file), inputsKey });
  expect(second.interrupted).toBe(false);
  expect(second.fromLog).toBe(kept);
  expect(second.evaluated + second.fromLog).toBe(whole.evaluated);
  expect(second.best!.plan).toEqual(whole.best!.plan);
});

test('tune --out writes a plan that simulate --plan accepts unchanged, and a rerun scores nothing new', async () => {
  const out = join(tempDir(), 'plan.json');
  const args = ['tune', '--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014'), '--workers', '4', '--batch', '64', '--threads', '1', '--out', out, '--json'];
  const a = await runCli(...args);
  expect(a.code).toBe(0);
  const doc = JSON.parse(a.stdout);
  expect(doc.evaluated).toBeGreaterThan(0);
  expect(doc.best.speedup).toBeGreaterThan(1);
  expect(Object.keys(doc.families).length).toBeGreaterThanOrEqual(3);
  const s = await runCli('simulate', '--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014'), '--plan', out, '--json');
  expect(s.code).toBe(0);
  expect(JSON.parse(s.stdout).stepTimeSeconds).toBe(doc.best.stepTimeSeconds);
  const b = JSON.parse((await runCli(...args)).stdout);
  expect(b.evaluated).toBe(0);
  expect(b.fromLog).toBe(doc.evaluated);
});

test('tune on a worker pool gives what it gives in one thread', async () => {
  const args = ['tune', '--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014'), '--workers', '8', '--batch', '128', '--json'];
  const one = JSON.parse((await runCli(...args, '--threads', '1')).stdout);
  const two = JSON.parse((await runCli(...args, '--threads', '2')).stdout);
  expect(two.plan).toEqual(one.plan);
  expect(two.best.stepTimeSeconds).toBe(one.best.stepTimeSeconds);
});
