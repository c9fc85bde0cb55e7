// Laws of the cost model over generated models (fast-check).
import fc from 'fast-check';
import { modelFrom } from '../../helpers/scenarios';
import { parseModel } from '../../../simulator/model/analyze';

const convStack = fc.record({
  size: fc.integer({ min: 16, max: 64 }),
  channels: fc.integer({ min: 1, max: 8 }),
  layers: fc.array(
    fc.record({ filters: fc.integer({ min: 1, max: 32 }), kernel: fc.constantFrom(1, 3, 5), stride: fc.constantFrom(1, 2), pool: fc.boolean() }),
    { minLength: 1, maxLength: 4 },
  ),
  dense: fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 3 }),
});

type Gen = { size: number; channels: number; layers: { filters: number; kernel: number; stride: number; pool: boolean }[]; dense: number[] };

function build(g: Gen, size = g.size) {
  const layers: object[] = [];
  g.layers.forEach((l, i) => {
    layers.push({ name: `conv${i}`, type: 'conv2d', filters: l.filters, kernel: l.kernel, stride: l.stride, padding: 'same', activation: 'relu' });
    if (l.pool) layers.push({ name: `pool${i}`, type: 'maxpool2d', size: 2, stride: 2, padding: 'same' });
  });
  g.dense.forEach((u, i) => layers.push({ name: `fc${i}`, type: 'dense', units: u }));
  return { name: 'gen', input: [size, size, g.channels], layers };
}

describe('cost model laws', () => {
  test('shapes are consistent through the graph: each layer reads what its input produced', () => {
    fc.assert(fc.property(convStack, (g) => {
      const m = modelFrom(build(g));
      for (const l of m.layers)
        l.inputs.forEach((k, j) => expect(l.inputShapes[j]).toEqual(k < 0 ? m.model.input : m.layers[k].outputShape));
    }));
  });

  test('convolution parameters do not depend on the input size (nor on the batch, which no parameter count sees)', () => {
    fc.assert(fc.property(convStack, fc.integer({ min: 16, max: 64 }), (g, other) => {
      const a = modelFrom(build(g));
      const b = modelFrom(build(g, other));
      a.layers.filter((l) => l.type === 'conv2d').forEach((l, i) => expect(b.layers.filter((x) => x.type === 'conv2d')[i].parameters).toBe(l.parameters));
    }));
  });

  test('a separable convolution costs d/Cout + d/k² of the full convolution it replaces (MobileNet §3.1)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 4, max: 32 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 64 }), fc.constantFrom(1, 3, 5, 7), fc.integer({ min: 1, max: 8 }),
      (size, cin, cout, k, d) => {
        const layer = { name: 'c', kernel: k, padding: 'same', filters: cout };
        const full = modelFrom({ name: 'f', input: [size, size, cin], layers: [{ ...layer, type: 'conv2d' }] });
        const sep = modelFrom({ name: 's', input: [size, size, cin], layers: [{ ...layer, type: 'separableConv2d', depthMultiplier: d }] });
        expect(sep.forwardFlops / full.forwardFlops).toBeCloseTo(d / cout + d / (k * k), 10);
      },
    ));
  });

  test('forward FLOPs of a dense layer are 2 × inputs × units per sample', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 100 }), (n, u) => {
      const m = modelFrom({ name: 'd', input: [n], layers: [{ name: 'fc', type: 'dense', units: u }] });
      expect(m.forwardFlops).toBe(2 * n * u);
      expect(m.parameters).toBe(n * u + u);
    }));
  });

  test('branches: concat adds channels, add needs equal shapes', () => {
    const ok = parseModel({ name: 'b', input: [8, 8, 3], layers: [
      { name: 'a', type: 'conv2d', filters: 4, kernel: 1, inputs: ['input'] },
      { name: 'b', type: 'conv2d', filters: 6, kernel: 3, padding: 1, inputs: ['input'] },
      { name: 'cat', type: 'concat', inputs: ['a', 'b'] },
    ] });
    expect(ok.ok && ok.value.layers[2].outputShape).toEqual([8, 8, 10]);
    const bad = parseModel({ name: 'b', input: [8, 8, 3], layers: [
      { name: 'a', type: 'conv2d', filters: 4, kernel: 1, inputs: ['input'] },
      { name: 'b', type: 'conv2d', filters: 6, kernel: 1, inputs: ['input'] },
      { name: 'sum', type: 'add', inputs: ['a', 'b'] },
    ] });
    expect(bad.ok).toBe(false);
  });
});
