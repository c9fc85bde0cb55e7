// calibrate writes a hardware file the simulator accepts, saying it was measured, when, and on
// which backend; the runtime's own measurement summaries are consistent.
import { parseHardware } from '../../simulator/hardware/load';
import { DeviceCost, layerSignature } from '../../simulator/cost/compute';
import { calibrate, interferenceOf, MIX_MODELS } from '../../runtime/calibrate';
import { measure } from '../../runtime/measure';
import type { StepRecord } from '../../runtime/protocol';
import { modelFrom } from '../helpers/scenarios';

test('calibrate produces a valid hardware file whose source says measured, when and with which backend', async () => {
  const tiny = modelFrom({ name: 'tiny', input: [8, 8, 3], layers: [
    { name: 'c', type: 'conv2d', filters: 4, kernel: 3, activation: 'relu' }, { name: 'p', type: 'maxpool2d', size: 2 }, { name: 'fc', type: 'dense', units: 4 },
  ] });
  const c = await calibrate({ workers: 2, models: [tiny.model, ...MIX_MODELS], batches: [2, 4, 8], rounds: 2, transportSizesBytes: [8, 1 << 16] });
  const parsed = parseHardware(JSON.parse(JSON.stringify(c.hardware)));
  expect(parsed.ok).toBe(true);
  const h = c.hardware;
  expect(h.source).toMatch(/^measured by trainplan calibrate on \d{4}-\d\d-\d\dT/);
  expect(h.source).toContain(`backend ${c.backend}`);
  expect(h.workers).toBe(2);
  for (const t of ['conv2d', 'dense', 'depthwiseConv2d', 'conv3d', 'default']) expect(h.device.efficiency[t]).toBeGreaterThan(0);
  for (const e of Object.values(h.device.efficiency)) expect(e).toBeLessThanOrEqual(1);
  expect(h.network).toMatchObject({ topology: 'switch' });
  // The batch curve, the spread per type and the variability the simulator draws from, each saying how it was measured.
  expect(h.device.batchEfficiency?.source).toContain('batches 2, 4, 8');
  for (const t of ['conv2d', 'dense', 'default']) expect(h.device.batchEfficiency?.halfBatch[t]).toBeGreaterThanOrEqual(0);
  // Two workers timed at once: their own spread and the shared rest make up the total.
  const own = h.device.variability!.computeCv;
  const shared = h.device.variability!.sharedCv ?? 0;
  // The file keeps three significant figures, so the own part may round up past the total by half a unit in the third.
  expect(own).toBeLessThanOrEqual(c.computeCv * (1 + 5e-3));
  expect(Math.hypot(own, shared)).toBeCloseTo(c.computeCv, 2);
  expect(h.device.variability?.source).toContain('2 interleaved rounds');
  // The figures' own error: medians of 2 rounds on 2 workers, √(π/2 × (shared²/2 + own²/4)).
  expect(h.device.variability!.estimateCv ?? 0).toBeCloseTo(Math.sqrt((Math.PI / 2) * (shared ** 2 / 2 + own ** 2 / 4)), 2);
  // Interference measured here, not the GPU default: worker 0's matmul beside the other's host work against beside its compute.
  expect(h.device.interference?.computeSlowdown).toBeGreaterThanOrEqual(0);
  expect(h.device.interference?.source).toMatch(/^trainplan calibrate .*20 interleaved pairs, median slowdown -?\d/);
  expect(c.types.conv2d.rate.n).toBe(2 * 2); // two rounds on each of two workers
  expect(c.types.conv2d.rate.p10).toBeLessThanOrEqual(c.types.conv2d.rate.p90);
  // The asked model's layers, each timed and fitted on its own, keyed so the simulator finds them;
  // the calibration mixes' layers are not among them.
  const timed = h.device.measuredLayers!.layers;
  const signatures = tiny.layers.filter((l) => l.forwardFlops > 0).map(layerSignature);
  expect(Object.keys(timed).sort()).toEqual([...signatures].sort());
  for (const l of Object.values(timed)) expect(l.rate).toBeGreaterThan(0);
  expect(h.device.measuredLayers!.source).toContain('each layer of tiny');
  // And the simulator costs such a layer by its own figures.
  const conv = tiny.layers.find((l) => l.type === 'conv2d')!;
  const cost = new DeviceCost(h);
  const m = timed[layerSignature(conv)];
  expect(cost.forward(conv, 8) + cost.backward(conv, 8)).toBeCloseTo(2 * m.overheadSeconds + (8 * (conv.forwardFlops + conv.backwardWeightFlops + (conv.needsInputGradient ? conv.backwardInputFlops : 0))) / m.rate, 9);
});

test('steady-state step time leaves out warm-up steps and takes the slowest worker', () => {
  const rec = (step: number, d: number): StepRecord => ({ step, startSeconds: step, endSeconds: step + d, computeSeconds: d / 2, communicationSeconds: d / 4, waitingSeconds: d / 4, lossSum: 8, bytesSent: 10, tensors: 5 });
  const m = measure([[rec(0, 9), rec(1, 1), rec(2, 1)], [rec(0, 9), rec(1, 2), rec(2, 3)]], 16, 1);
  expect(m.stepSeconds).toBeCloseTo(2.5);
  expect(m.samplesPerSecond).toBeCloseTo(16 / 2.5);
  expect(m.steps[0]).toMatchObject({ warmup: true, loss: 1 });
  expect(m.workers[1].computeSeconds).toBeCloseTo(1.25);
});

test('each timed layer runs on weights written anew, as after an optimiser step: same values, new tensors, nothing leaked', async () => {
  const tf = await import('@tensorflow/tfjs-core');
  const { rewriteWeights } = await import('../../runtime/calibrate-worker');
  const { activateBackend } = await import('../../runtime/backends');
  await activateBackend('cpu');
  const w = [tf.variable(tf.tensor([1.5, -2, 3], [3]), true), tf.variable(tf.tensor([[4, 5]], [1, 2]), true)];
  const before = w.map((v) => ({ id: v.dataId, values: Array.from(v.dataSync()) }));
  const tensors = tf.memory().numTensors;
  rewriteWeights(w);
  w.forEach((v, i) => {
    // A backend that caches work per weight tensor (tfjs-backend-wasm's packed XNNPACK operators) sees new data.
    expect(v.dataId).not.toBe(before[i].id);
    expect(Array.from(v.dataSync())).toEqual(before[i].values);
  });
  expect(tf.memory().numTensors).toBe(tensors);
  tf.dispose(w);
});

test('interference is the median slowdown over pairs, never below 0; one worker has none to measure', () => {
  const r = (besideComputeSeconds: number[], besideCopySeconds: number[]) => ({ kind: 'bench-interference-result' as const, rank: 0, besideComputeSeconds, besideCopySeconds });
  // Ratios 1.0, 1.1, 1.2, 1.3, 2.0: the median, 1.2, is not moved by the one outlier.
  expect(interferenceOf(r([1, 1, 1, 1, 1], [1, 1.1, 1.2, 1.3, 2]), 'now').computeSlowdown).toBeCloseTo(0.2, 9);
  // Faster beside the others' copies than beside their compute: no interference, not a speed-up.
  const faster = interferenceOf(r([1, 1, 1], [0.9, 0.8, 0.95]), 'now');
  expect(faster.computeSlowdown).toBe(0);
  expect(faster.source).toContain('median slowdown -10.0%');
  const one = interferenceOf(undefined, 'now');
  expect(one).toEqual({ computeSlowdown: 0, source: expect.stringContaining('one worker makes no collective') });
});
