// Stores for results, traces and reports: a directory or an S3 prefix behave alike, writes are
// atomic, and a tune interrupted with an s3:// store resumes from what it kept there.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DirStore, openStore, Store } from '../../../runtime/store';
import { S3Store } from '../../../runtime/store/s3';
import { inputsDigest, StoreResults } from '../../../tuner/results';
import { tune } from '../../../tuner/tune';
import { hardwarePath, modelPath, zooHardware, zooModel } from '../../helpers/scenarios';
import { runCli, tempDir } from '../../helpers/cli';
import { embeddedServer } from '../s3/helpers';

const srv = embeddedServer();

const kinds: [string, () => Store][] = [
  ['a directory', () => new DirStore(tempDir())],
  ['an S3 prefix', () => openStore(`s3://trainplan/t-${Math.random().toString(36).slice(2)}`, { endpoint: srv.server().endpoint })],
];

for (const [what, make] of kinds) {
  test(`${what}: documents read back as written, listed by prefix, replaced whole`, async () => {
    const s = make();
    expect(await s.read('results/none.json')).toBeUndefined();
    await s.write('results/a.json', '{"a":1}');
    await s.write('results/b.json', 'é'.repeat(1000));
    await s.write('traces/x.json', '[]');
    expect(await s.list('results/')).toEqual(['results/a.json', 'results/b.json']);
    expect(await s.list('')).toEqual(['results/a.json', 'results/b.json', 'traces/x.json']);
    expect(await s.read('results/b.json')).toBe('é'.repeat(1000));
    await s.write('results/a.json', '{"a":2}');
    expect(await s.read('results/a.json')).toBe('{"a":2}');
    s.close?.();
  });
}

test('a directory store leaves no temporary files behind', async () => {
  const dir = tempDir();
  const s = new DirStore(dir);
  await Promise.all(Array.from({ length: 20 }, (_, i) => s.write(`r/${i % 3}.json`, String(i))));
  expect(readdirSync(join(dir, 'r')).sort()).toEqual(['0.json', '1.json', '2.json']);
});

test('--store s3:// names a bucket of at least 3 characters', () => {
  expect(() => openStore('s3://ab/x')).toThrow('3–63 lowercase letters');
  expect(openStore('s3://trainplan/runs/a', { endpoint: 'http://127.0.0.1:1' })).toBeInstanceOf(S3Store);
  expect(openStore('some/dir')).toBeInstanceOf(DirStore);
});

const model = zooModel('alexnet-owt');
const hw = zooHardware('k20-pcie2-2014');

test('a tune interrupted with an s3:// store resumes from the store and reaches the same answer', async () => {
  const where = `s3://trainplan/tunes/${Math.random().toString(36).slice(2)}`;
  const open = () => StoreResults.open(openStore(where, { endpoint: srv.server().endpoint }), 'results/');
  const inputsKey = inputsDigest(model.model, hw);
  const whole = await tune(model, hw, { workers: 8, batch: 128 });

  const abort = new AbortController();
  let chunks = 0;
  const log1 = await open();
  const first = await tune(model, hw, { workers: 8, batch: 128, results: log1, inputsKey, signal: abort.signal, onProgress: () => ++chunks === 3 && abort.abort() });
  await log1.flush();
  expect(first.interrupted).toBe(true);

  const log2 = await open();
  expect(log2.size).toBe(first.evaluated);
  expect(log2.size).toBeLessThan(whole.evaluated);
  const second = await tune(model, hw, { workers: 8, batch: 128, results: log2, inputsKey });
  await log2.flush();
  expect(second.fromLog).toBe(first.evaluated);
  expect(second.evaluated + second.fromLog).toBe(whole.evaluated);
  expect(second.best!.plan).toEqual(whole.best!.plan);
  expect((await open()).size).toBe(whole.evaluated);
});

test('tune --store s3://… keeps results and the best plan there; a rerun scores nothing new', async () => {
  const where = `s3://trainplan/cli-${Math.random().toString(36).slice(2)}`;
  const args = ['tune', '--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014'), '--workers', '4', '--batch', '64', '--threads', '1', '--store', where, '--s3-endpoint', srv.server().endpoint, '--json'];
  const a = await runCli(...args);
  expect(a.stderr).toBe('');
  expect(a.code).toBe(0);
  const doc = JSON.parse(a.stdout);
  const b = JSON.parse((await runCli(...args)).stdout);
  expect(b.evaluated).toBe(0);
  expect(b.fromLog).toBe(doc.evaluated);
  const store = openStore(where, { endpoint: srv.server().endpoint });
  const plan = JSON.parse((await store.read('plans/alexnet-owt--k20-pcie2-2014--throughput.json'))!);
  expect(plan.workers).toBe(doc.plan.workers);
  store.close?.();
});

test('tune --store DIR works the same way with a directory', async () => {
  const dir = tempDir();
  const args = ['tune', '--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014'), '--workers', '2', '--batch', '64', '--threads', '1', '--store', dir, '--json'];
  const doc = JSON.parse((await runCli(...args)).stdout);
  expect(JSON.parse((await runCli(...args)).stdout).fromLog).toBe(doc.evaluated);
  expect(readdirSync(join(dir, 'plans'))).toEqual(['alexnet-owt--k20-pcie2-2014--throughput.json']);
});

test('simulate --trace T --store keeps the trace in the store, under traces/', async () => {
  const where = `s3://trainplan/traces-${Math.random().toString(36).slice(2)}`;
  const r = await runCli('simulate', '--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014'), '--strategy', 'data', '--workers', '2', '--batch', '64',
    '--trace', 'run1.json', '--store', where, '--s3-endpoint', srv.server().endpoint, '--json');
  expect(r.code).toBe(0);
  const store = openStore(where, { endpoint: srv.server().endpoint });
  const doc = JSON.parse((await store.read('traces/run1.json'))!);
  expect(doc.traceEvents.length).toBeGreaterThan(0);
  store.close?.();
});
