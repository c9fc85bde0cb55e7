// Issue 11, the seam: a model-parallel depthwise layer with depthMultiplier 2 on 4 workers passed the
// simulator's checks (it split cin·m units) and then killed `trainplan run` with "divide by zero"
// (the runtime split cin, some workers got none). Both now read one description, the simulator
// layer kind's TensorSplit (LayerInfo.split: input channels, each with depthMultiplier outputs):
// that plan is refused before any worker starts, and depthwise plans that fit run and train what one
// worker trains.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPlan, RunResult, RUN_DEFAULTS } from '../../runtime/run';
import { runtimeSupport } from '../../runtime/support';
import { initialValue } from '../../runtime/model/network';
import { layerImpl } from '../../runtime/model/layers';
import { strategyResolved } from '../../simulator/plan/shorthand';
import { runCli, tempDir } from '../helpers/cli';
import { modelFrom, plan } from '../helpers/scenarios';

const issueCase = {
  name: 'depthwise-issue-11',
  source: 'test fixture: the case of issue 11',
  input: [6, 6, 2],
  classes: 5,
  layers: [
    { name: 'dw1', type: 'depthwiseConv2d', kernel: 3, depthMultiplier: 2, padding: 'same', activation: 'relu' },
    { name: 'fc', type: 'dense', units: 5 },
  ],
};

test('the issue\'s plan (2 input channels × 2 on 4 workers) is refused before any worker starts, naming the layer', async () => {
  const model = modelFrom(issueCase);
  expect(model.layers[0].split).toMatchObject({ over: 'channels', units: 2, unitOutputs: 2 });
  const r = strategyResolved('model', model, { workers: 4, batchPerWorker: 8 });
  expect(r.ok).toBe(false);
  const file = join(tempDir(), 'dw.json');
  writeFileSync(file, JSON.stringify(issueCase));
  const cli = await runCli('run', '--model', file, '--strategy', 'model', '--workers', '4', '--batch', '8', '--steps', '1');
  expect(cli.code).toBe(2);
  expect(cli.stderr).toMatch(/layer "dw1" has 2 units, fewer than 4 workers/);
  expect(cli.stderr).not.toMatch(/divide by zero/);
});

const model = modelFrom({
  name: 'depthwise-split',
  source: 'test fixture: depthwise layers split across 4 workers, one taking its slices as they are, one after a gather',
  input: [6, 6, 4],
  classes: 5,
  layers: [
    // 4 input channels on 4 workers: each computes the 2 outputs of its channel.
    { name: 'dw1', type: 'depthwiseConv2d', kernel: 3, depthMultiplier: 2, padding: 'same', activation: 'relu' },
    { name: 'pw', type: 'conv2d', filters: 6, kernel: 1, activation: 'relu' },
    // pw's uneven slices [0,1) [1,3) [3,4) [4,6) are exactly dw2's units: taken as they are, no gather.
    { name: 'dw2', type: 'depthwiseConv2d', kernel: 3, depthMultiplier: 2, stride: 2, activation: 'relu' },
    { name: 'fc', type: 'dense', units: 5 },
  ],
});
const STEPS = 3;

const run = (strategy: string, workers: number): Promise<RunResult> =>
  runPlan(model, plan(strategy, model, { workers, batchPerWorker: 8, topology: 'switch' }), { ...RUN_DEFAULTS, steps: STEPS, collectWeights: true });

test('model-parallel depthwise (multiplier 2) on 4 workers runs and reaches the weights of 1 worker (≤ 1e-4)', async () => {
  expect(runtimeSupport(model, plan('model', model, { workers: 4, batchPerWorker: 8, topology: 'switch' })).problems).toEqual([]);
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
