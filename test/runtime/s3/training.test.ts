// Training through an S3 store, end to end: the store-native synchronisations reach exactly the
// weights the memory transport reaches; workers as separate processes, sharing nothing but the
// store, do too; and a worker process killed mid-step fails the run naming it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunError } from '../../../runtime/errors';
import { startEmbeddedS3 } from '../../../runtime/s3/server';
import { runPlan, RunResult, RUN_DEFAULTS } from '../../../runtime/run';
import { S3ObjectStore } from '../../../runtime/s3/s3-objects';
import type { TransportSpec } from '../../../runtime/transports';
import { plan, zooModel } from '../../helpers/scenarios';
import { embeddedServer } from './helpers';

const srv = embeddedServer();
const model = zooModel('mini-owt');
const STEPS = 3;
const dataPlan = (sync: 'ring-allreduce' | 's3-allreduce' | 's3-scatter-reduce') => plan('data', model, { workers: 2, batchPerWorker: 4, topology: 'switch', sync, overlap: false });
const s3 = (): TransportSpec => ({ kind: 's3', endpoint: srv.server().endpoint });

let memory: RunResult;
beforeAll(async () => {
  memory = await runPlan(model, dataPlan('ring-allreduce'), { ...RUN_DEFAULTS, steps: STEPS, collectWeights: true });
});

/** Every weight tensor equal, value for value (two workers: a + b is b + a, whichever worker adds). */
function expectSameWeights(r: RunResult) {
  expect(Object.keys(r.weights!).sort()).toEqual(Object.keys(memory.weights!).sort());
  for (const [k, w] of Object.entries(memory.weights!)) {
    expect(r.weights![k].shape).toEqual(w.shape);
    expect(Buffer.from(r.weights![k].data.buffer, r.weights![k].data.byteOffset, r.weights![k].data.byteLength)
      .equals(Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength))).toBe(true);
  }
  expect(r.losses).toEqual(memory.losses);
}

test('training changes the weights (the comparison is not vacuous)', () => {
  expect(memory.losses[STEPS - 1]).not.toBe(memory.losses[0]);
  expect(memory.weightsL2).toBeGreaterThan(0);
});

for (const sync of ['s3-allreduce', 's3-scatter-reduce', 'ring-allreduce'] as const) {
  test(`data parallel through S3 with ${sync} reaches the weights the memory transport reaches`, async () => {
    const r = await runPlan(model, dataPlan(sync), { ...RUN_DEFAULTS, steps: STEPS, collectWeights: true, transport: s3() });
    expectSameWeights(r);
    // The run deleted its objects: nothing of it is left in the bucket.
    const store = new S3ObjectStore({ endpoint: srv.server().endpoint, bucket: 'trainplan' });
    expect(await store.list('runs/')).toEqual([]);
    store.destroy();
  });
}

test('an s3 synchronisation on the memory transport is refused, naming the field', async () => {
  const e = await runPlan(model, dataPlan('s3-allreduce'), { ...RUN_DEFAULTS, steps: 1 }).catch((x) => x);
  expect(e.message).toBe('segments[0].sync: s3-allreduce synchronises through an object store: run it with --transport s3');
});

test('workers as processes sharing only the store reach the same weights, and leave nothing behind', async () => {
  const r = await runPlan(model, dataPlan('s3-allreduce'), { ...RUN_DEFAULTS, steps: STEPS, collectWeights: true, transport: s3(), processes: true });
  expectSameWeights(r);
  expect(r.measured.workers).toHaveLength(2);
  expect(r.transport).toMatchObject({ kind: 's3', processes: true });
  const store = new S3ObjectStore({ endpoint: srv.server().endpoint, bucket: 'trainplan' });
  expect(await store.list('')).toEqual([]);
  store.destroy();
});

test('a worker process killed mid-step fails the run cleanly, naming the worker and the step', async () => {
  const e = await runPlan(model, dataPlan('s3-scatter-reduce'), { ...RUN_DEFAULTS, steps: 4, transport: s3(), processes: true, kill: { rank: 1, step: 2 } }).catch((x) => x);
  expect(e).toBeInstanceOf(RunError);
  expect(e).toMatchObject({ rank: 1, step: 2 });
  expect(e.message).toBe('worker 1 failed at step 2: its process was killed (SIGKILL)');
  const store = new S3ObjectStore({ endpoint: srv.server().endpoint, bucket: 'trainplan' });
  expect(await store.list('')).toEqual([]);
  store.destroy();
});

test('a worker process that fails reports its own error', async () => {
  const e = await runPlan(model, dataPlan('s3-allreduce'), { ...RUN_DEFAULTS, steps: 3, transport: s3(), processes: true, fault: { rank: 0, step: 1, kind: 'throw' } }).catch((x) => x);
  expect(e).toBeInstanceOf(RunError);
  expect(e.message).toBe('worker 0 failed at step 1: injected fault');
});

describe('the store goes away in the middle of a run', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'trainplan-s3-run-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  test('stopped for good: retries, then a clear error naming the endpoint; another run\'s objects are untouched', async () => {
    const server = await startEmbeddedS3({ directory });
    const other = new S3ObjectStore({ endpoint: server.endpoint, bucket: 'trainplan', retry: { totalSeconds: 10 } });
    await other.put('runs/another-run/s0/g/0-1', new Uint8Array([1, 2, 3]));
    const e = await runPlan(model, dataPlan('s3-allreduce'), {
      ...RUN_DEFAULTS, steps: 4, transport: { kind: 's3', endpoint: server.endpoint, retry: { totalSeconds: 1 } },
      onProgress: (p) => void (p.kind === 'step' && p.stepsDone === 1 && server.stop()),
    }).catch((x) => x);
    expect(e).toBeInstanceOf(RunError);
    expect(e.message).toMatch(new RegExp(`^worker [01] failed at step [12]: S3 endpoint ${server.endpoint.replace(/\./g, '\\.')} unreachable after \\d+ attempts over \\d+\\.\\d s \\((PUT|GET) runs/`));
    const back = await startEmbeddedS3({ directory, port: server.port });
    expect(Array.from((await other.get('runs/another-run/s0/g/0-1'))!)).toEqual([1, 2, 3]);
    other.destroy();
    await back.stop();
  });

  test('restarted in time: the run completes', async () => {
    const server = await startEmbeddedS3({ directory });
    let restarted: Promise<unknown> | undefined;
    const r = await runPlan(model, dataPlan('s3-scatter-reduce'), {
      ...RUN_DEFAULTS, steps: 4, transport: { kind: 's3', endpoint: server.endpoint, retry: { totalSeconds: 20 } },
      onProgress: (p) => {
        if (p.kind === 'step' && p.stepsDone === 1 && !restarted)
          restarted = server.stop().then(() => new Promise((ok) => setTimeout(ok, 500))).then(() => startEmbeddedS3({ directory, port: server.port }));
      },
    });
    expect(r.measured.steps).toHaveLength(4);
    expect(Number.isFinite(r.finalLoss)).toBe(true);
    await ((await restarted) as { stop(): Promise<void> }).stop();
  });
});
