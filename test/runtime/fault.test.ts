// A worker that throws or whose thread dies ends the run with an error naming the worker and the
// step; the pool is shut down, and the next run works.
import { RunError } from '../../runtime/errors';
import { runPlan, RUN_DEFAULTS } from '../../runtime/run';
import { plan, zooModel } from '../helpers/scenarios';

const model = zooModel('mini-owt');
const p = plan('data', model, { workers: 2, batchPerWorker: 4, topology: 'switch', sync: 'ring-allreduce' });

test('a worker that throws: RunError naming worker 1 and step 1', async () => {
  const e = await runPlan(model, p, { ...RUN_DEFAULTS, steps: 3, fault: { rank: 1, step: 1, kind: 'throw' } }).catch((x) => x);
  expect(e).toBeInstanceOf(RunError);
  expect(e).toMatchObject({ rank: 1, step: 1 });
  expect(e.message).toBe('worker 1 failed at step 1: injected fault');
});

test('a worker whose thread exits: RunError naming worker 0 and step 2', async () => {
  const e = await runPlan(model, p, { ...RUN_DEFAULTS, steps: 4, fault: { rank: 0, step: 2, kind: 'exit' } }).catch((x) => x);
  expect(e).toBeInstanceOf(RunError);
  expect(e).toMatchObject({ rank: 0, step: 2 });
  expect(e.message).toMatch(/^worker 0 failed at step 2: its thread ended/);
});

test('after a failed run, the next run completes', async () => {
  const r = await runPlan(model, p, { ...RUN_DEFAULTS, steps: 2 });
  expect(r.measured.steps).toHaveLength(2);
  expect(Number.isFinite(r.finalLoss)).toBe(true);
});
