// `validate` covers the language-model plans: each composed dimension is run for real and simulated
// on the same hardware description, side by side (here a fixed test device, so no calibration).
import { LM_PLANS, validate, validationPlan } from '../../runtime/validate';
import { layoutOf } from '../../simulator/parallel/layout';
import { testHardware, zooModel } from '../helpers/scenarios';

const model = zooModel('mini-gpt');

test('each language-model plan name sets its composed field', () => {
  const o = { workers: 2, batchPerWorker: 8, topology: 'switch' };
  const layout = (s: string) => layoutOf(validationPlan(s, model, o).plan);
  expect(layout('tensor')).toMatchObject({ tensor: 2, data: 1, optimizer: 'adam' });
  expect(layout('pipeline')).toMatchObject({ pipeline: 2, data: 1, microBatches: 4 });
  expect(layout('zero')).toMatchObject({ zero: 3, data: 2 });
  expect(layout('recompute')).toMatchObject({ recompute: 'full', data: 2 });
  expect(Object.keys(LM_PLANS)).toEqual(['single', 'data', 'tensor', 'pipeline', 'zero', 'recompute']);
});

test('validate runs and simulates tensor-parallel and ZeRO-3 plans of mini-gpt, predicted beside measured', async () => {
  const r = await validate(model, testHardware({ workers: 2 }), { strategies: ['tensor', 'zero'], workers: [2], bandwidths: [null], latencySeconds: 0, batch: 4, steps: 2, seed: 1 });
  expect(r.rows.map((x) => x.strategy)).toEqual(['tensor', 'zero']);
  for (const row of r.rows) {
    expect(row.measuredStepSeconds).toBeGreaterThan(0);
    expect(row.predictedStepSeconds).toBeGreaterThan(0);
    expect(row.error).toBeCloseTo((row.predictedStepSeconds! - row.measuredStepSeconds) / row.measuredStepSeconds, 10);
  }
});
