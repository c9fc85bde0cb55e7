// Winograd convolutions (device.winograd): which layers qualify, what the factor does to their
// cost, and what it predicts where it was not fitted (docs/fidelity.md "Convolution algorithms").
import fc from 'fast-check';
import { DeviceCost } from '../../../simulator/cost/compute';
import { parseHardware } from '../../../simulator/hardware/load';
import type { Hardware } from '../../../simulator/hardware/schema';
import { simulate, Feasible } from '../../../simulator/simulate';
import { modelFrom, plan, testHardware, zooHardware, zooModel } from '../../helpers/scenarios';

const convs = modelFrom({
  name: 'convs', input: [32, 32, 16],
  layers: [
    { name: 'k3s1', type: 'conv2d', filters: 16, kernel: 3, padding: 1 },
    { name: 'k3s2', type: 'conv2d', filters: 16, kernel: 3, stride: 2, padding: 1 },
    { name: 'k1', type: 'conv2d', filters: 16, kernel: 1 },
    { name: 'k5', type: 'conv2d', filters: 16, kernel: 5, padding: 2 },
    { name: 'k3x1', type: 'conv2d', filters: 16, kernel: [3, 1], padding: [1, 0] },
    { name: 'dw3', type: 'depthwiseConv2d', kernel: 3, padding: 1 },
  ],
});
const layer = (name: string) => convs.layers.find((l) => l.name === name)!;
const withWinograd = (hw: Hardware, speedup: number): Hardware => ({ ...hw, device: { ...hw.device, winograd: { speedup, source: 'test' } } });

test('only 3×3 stride-1 two-dimensional convolutions qualify', () => {
  expect(convs.layers.filter((l) => l.winograd).map((l) => l.name)).toEqual(['k3s1']);
});

test('a qualifying layer\'s compute runs speedup× faster, forward and backward; no other layer changes; absent is 1', () => {
  const hw = testHardware();
  const plain = new DeviceCost(hw);
  fc.assert(fc.property(fc.double({ min: 1, max: 8, noNaN: true }), fc.integer({ min: 1, max: 256 }), (r, b) => {
    const fast = new DeviceCost(withWinograd(hw, r));
    const over = plain.callSeconds('conv2d');
    for (const l of convs.layers) {
      const k = l.winograd ? r : 1;
      for (const pass of ['forward', 'backward'] as const) {
        const before = plain[pass](l, b) - over;
        const after = fast[pass](l, b) - over;
        if (Math.abs(after - before / k) > 1e-12 * before) return false;
      }
    }
    return true;
  }));
  expect(new DeviceCost(withWinograd(hw, 1)).forward(layer('k3s1'), 32)).toBe(plain.forward(layer('k3s1'), 32));
});

test('at reduced precision the factor does not apply (it was stated from fp32 runs)', () => {
  const hw = withWinograd(testHardware(), 3);
  const l = layer('k3s1');
  expect(new DeviceCost(hw, 'mixed').forward(l, 32)).toBe(new DeviceCost(testHardware(), 'mixed').forward(l, 32));
  expect(new DeviceCost(hw, 'fp32').forward(l, 32)).toBeLessThan(new DeviceCost(testHardware(), 'fp32').forward(l, 32));
});

test('the schema takes a speedup of at least 1, with its source', () => {
  const hw = testHardware();
  expect(parseHardware(withWinograd(hw, 3.18)).ok).toBe(true);
  const bad = parseHardware({ ...hw, device: { ...hw.device, winograd: { speedup: 0.5, source: 'x' } } });
  expect(bad.ok).toBe(false);
  if (!bad.ok) expect(bad.problems.map((p) => p.path)).toContain('device.winograd.speedup');
});

describe('fitted on the P100 (VGG16 / ResNet-50, batch 64), checked where it was not fitted', () => {
  const one = (hw: Hardware, model: string, batch: number) => {
    const m = zooModel(model);
    return (simulate(m, hw, plan('single', m, { workers: 1, batchPerWorker: batch })) as Feasible).samplesPerSecond;
  };
  const p100 = zooHardware('dgx1-p100');
  const k80 = zooHardware('p2-k80-10gbe');
  test('the P100 file matches both figures it was fitted to (219 and 154 images/s)', () => {
    expect(Math.abs(one(p100, 'resnet50', 64) / 219 - 1)).toBeLessThan(0.01);
    expect(Math.abs(one(p100, 'vgg16', 64) / 154 - 1)).toBeLessThan(0.01);
  });
  test('the K80 (same cuDNN, ResNet-50 matched, the P100\'s factor): VGG16 at batch 32 within 5% of EC2\'s 36.3 and GCE\'s 35.4 images/s, where without it the file said 15.5', () => {
    // Tolerance 5%: the aim for what nobody fitted. Without the factor: −57%.
    expect(Math.abs(one(k80, 'vgg16', 32) / 36.3 - 1)).toBeLessThan(0.05);
    expect(Math.abs(one(k80, 'vgg16', 32) / 35.4 - 1)).toBeLessThan(0.05);
    const without = { ...k80, device: { ...k80.device, winograd: undefined } };
    expect(one(without, 'vgg16', 32) / 36.3).toBeLessThan(0.5);
  });
  test('ResNet-152 on the P100 within 5% of the published 91.8 images/s (12.6% low without the factor)', () => {
    expect(Math.abs(one(p100, 'resnet152', 64) / 91.8 - 1)).toBeLessThan(0.05);
  });
});
