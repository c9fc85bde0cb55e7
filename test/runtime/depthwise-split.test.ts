// Issue 11, the seam: a model-parallel depthwise layer with depthMultiplier 2 on 4 workers passed the
// simulator's checks (it splits cin·m output channels) and then killed `trainplan run` with "divide
// by zero" (the runtime split cin input channels, some workers got none). The runtime now takes its
// split units from the simulator's layer kinds, so the plan runs, and trains what one worker trains.
import { runPlan, RunResult, RUN_DEFAULTS } from '../../runtime/run';
import { runtimeSupport } from '../../runtime/support';
import { unitRange } from '../../runtime/model/slice';
import { initialValue } from '../../runtime/model/network';
import { layerImpl } from '../../runtime/model/layers';
import { modelFrom, plan } from '../helpers/scenarios';

const model = modelFrom({
  name: 'depthwise-split',
  source: 'test fixture: depthwise layers whose worker slices start inside a channel group',
  input: [6, 6, 2],
  classes: 5,
  layers: [
    // 2 input channels × 2 = 4 units on 4 workers: one output channel each, half an input channel's group.
    { name: 'dw1', type: 'depthwiseConv2d', kernel: 3, depthMultiplier: 2, padding: 'same', activation: 'relu' },
    { name: 'pw', type: 'conv2d', filters: 6, kernel: 1, activation: 'relu' },
    // 12 units: worker slices [0,3) [3,6) [6,9) [9,12) read input channels [0,2) [1,3) [3,5) [4,6),
    // which are not pw's slices [0,1) [1,3) [3,4) [4,6): pw's output is gathered first.
    { name: 'dw2', type: 'depthwiseConv2d', kernel: 3, depthMultiplier: 2, stride: 2, activation: 'relu' },
    { name: 'fc', type: 'dense', units: 5 },
  ],
});
const STEPS = 3;

const run = (strategy: string, workers: number): Promise<RunResult> =>
  runPlan(model, plan(strategy, model, { workers, batchPerWorker: 8, topology: 'switch' }), { ...RUN_DEFAULTS, steps: STEPS, collectWeights: true });

test('the simulator and the runtime split the same units: cin·m for a depthwise layer', () => {
  const dw1 = model.layers[0];
  expect(dw1.splitUnits).toBe(4);
  // Every one of the 4 workers holds at least one unit.
  for (let r = 0; r < 4; r++) {
    const [a, b] = unitRange(dw1.splitUnits, 4, r);
    expect(b - a).toBeGreaterThan(0);
  }
  expect(runtimeSupport(model, plan('model', model, { workers: 4, batchPerWorker: 8, topology: 'switch' })).problems).toEqual([]);
});

test('model-parallel depthwise (multiplier 2) on 4 workers runs and reaches the weights of 1 worker (≤ 1e-4)', async () => {
  const [single, split] = [await run('single', 1), await run('model', 4)];
  // Training moved the weights (the comparison is not vacuous): dw1's kernel left its initial value.
  const dw1 = model.layers[0];
  const init = initialValue(RUN_DEFAULTS.seed, dw1, layerImpl('depthwiseConv2d').params(dw1)[0]);
  const trained = single.weights!['dw1/kernel'].data;
  expect(Math.max(...trained.map((v, i) => Math.abs(v - init[i])))).toBeGreaterThan(1e-3);
  let worst = 0;
  for (const [k, ref] of Object.entries(single.weights!)) {
    const got = split.weights![k];
    expect(got.shape).toEqual(ref.shape);
    let num = 0, den = 0;
    ref.data.forEach((v, i) => {
      num += (v - got.data[i]) ** 2;
      den += v * v;
    });
    worst = Math.max(worst, Math.sqrt(num / den));
  }
  expect(worst).toBeLessThanOrEqual(1e-4);
  split.losses.forEach((l, i) => expect(l).toBeCloseTo(single.losses[i], 5));
});
