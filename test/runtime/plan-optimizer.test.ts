// Every executor steps with the plan's optimiser: the per-segment executors (single, data, hybrid,
// model, pipeline) once built SGD whatever the plan said, so `optimizer: adam` trained with SGD.
import { runPlan, RunResult, RUN_DEFAULTS } from '../../runtime/run';
import type { ResolvedPlan } from '../../simulator/plan/resolve';
import type { ShorthandOptions } from '../../simulator/plan/shorthand';
import { plan, zooModel } from '../helpers/scenarios';

const model = zooModel('mini-owt');

function withOptimizer(p: ResolvedPlan, optimizer: 'sgd-momentum' | 'adam'): ResolvedPlan {
  return { ...p, plan: { ...p.plan, optimizer } };
}

async function run(strategy: string, workers: number, batch: number, optimizer: 'sgd-momentum' | 'adam', extra: Partial<ShorthandOptions> = {}): Promise<RunResult> {
  const p = plan(strategy, model, { workers, batchPerWorker: batch, topology: 'switch', sync: 'ring-allreduce', ...extra });
  return runPlan(model, withOptimizer(p, optimizer), { ...RUN_DEFAULTS, steps: 2, collectWeights: true });
}

function relativeDiff(a: RunResult, b: RunResult): number {
  let num = 0;
  let den = 0;
  for (const [k, ref] of Object.entries(a.weights!)) {
    const other = b.weights![k];
    ref.data.forEach((x, i) => {
      num += (x - other.data[i]) ** 2;
      den += x ** 2;
    });
  }
  return Math.sqrt(num / den);
}

let singleAdam: RunResult;
beforeAll(async () => {
  singleAdam = await run('single', 1, 16, 'adam');
});

test('adam and sgd reach different weights on one worker (the plan\'s optimiser is used)', async () => {
  expect(relativeDiff(singleAdam, await run('single', 1, 16, 'sgd-momentum'))).toBeGreaterThan(1e-3);
});

test.each([
  ['data', 2, 8, {}],
  ['hybrid', 2, 8, {}],
  ['pipeline', 2, 16, { microBatches: 4 }],
] as const)('%s with adam reaches the weights of one adam worker, not of sgd', async (strategy, workers, batch, extra) => {
  const adam = await run(strategy, workers, batch, 'adam', extra);
  expect(relativeDiff(singleAdam, adam)).toBeLessThanOrEqual(1e-4);
});
