// Splitting parameters across workers: balanced ranges that tile the units; slicing and placing
// are inverse; and a worker's slice holds exactly the columns a one-worker run would have.
import fc from 'fast-check';
import { joinChannels, placeAlong, sliceAlong, splitChannels, unitRanges } from '../../../runtime/model/slice';
import { initialValue } from '../../../runtime/model/network';
import { layerImpl } from '../../../runtime/model/layers';
import { zooModel } from '../../helpers/scenarios';

test('unit ranges tile [0, units) in order, sizes differing by at most one', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 64 }), (units, k) => {
    const rs = unitRanges(units, k);
    expect(rs[0][0]).toBe(0);
    expect(rs[k - 1][1]).toBe(units);
    rs.forEach((r, i) => i > 0 && expect(r[0]).toBe(rs[i - 1][1]));
    const sizes = rs.map((r) => r[1] - r[0]);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  }));
});

test('placing every worker\'s slice rebuilds the parameter', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }), fc.nat(), fc.integer({ min: 1, max: 4 }), (shape, a, k) => {
    const axis = a % shape.length;
    const n = shape.reduce((x, y) => x * y, 1);
    const data = Float32Array.from({ length: n }, (_, i) => i);
    const full = new Float32Array(n);
    for (const r of unitRanges(shape[axis], k)) placeAlong(full, shape, axis, r, sliceAlong(data, shape, axis, r));
    expect(Array.from(full)).toEqual(Array.from(data));
  }));
});

test('initial weights depend on the seed, the layer and the parameter only', () => {
  const m = zooModel('mini-owt');
  const fc6 = m.layers[m.index.get('fc6')!];
  const [kernel] = layerImpl('dense').params(fc6);
  expect(initialValue(7, fc6, kernel)).toEqual(initialValue(7, fc6, kernel));
  expect(initialValue(7, fc6, kernel)).not.toEqual(initialValue(8, fc6, kernel));
});

test('splitting channels and joining them back is the identity, and matches sliceAlong', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 5 }), (widths, rows) => {
    const c = widths.reduce((a, b) => a + b, 0);
    const data = Float32Array.from({ length: rows * c }, (_, i) => i);
    const pieces = splitChannels(data, widths);
    let a = 0;
    pieces.forEach((p, q) => {
      expect(Array.from(p)).toEqual(Array.from(sliceAlong(data, [rows, c], 1, [a, a + widths[q]])));
      a += widths[q];
    });
    expect(Array.from(joinChannels(pieces, widths))).toEqual(Array.from(data));
  }));
});
