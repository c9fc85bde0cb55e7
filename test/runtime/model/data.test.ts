// Synthetic samples are a function of (seed, global sample index) only, so every plan trains on
// the same data whichever worker draws which sample.
import { syntheticBatch, syntheticLabels } from '../../../runtime/model/data';

test('sample s is the same in any batch that contains it', () => {
  const shape = [4, 4, 3];
  const all = syntheticBatch(5, [0, 1, 2, 3], shape, 10);
  const part = syntheticBatch(5, [2, 3], shape, 10);
  expect(Array.from(part.x)).toEqual(Array.from(all.x.subarray(2 * 48)));
  expect(Array.from(part.labels)).toEqual([all.labels[2], all.labels[3]]);
});

test('labels alone equal the labels of the full samples', () => {
  const samples = [9, 100, 4096, 2 ** 33 + 1];
  expect(Array.from(syntheticLabels(3, samples, 1000))).toEqual(Array.from(syntheticBatch(3, samples, [2], 1000).labels));
});

test('another seed gives other data; inputs stay in [−1, 1)', () => {
  const a = syntheticBatch(1, [0], [64], 10).x;
  const b = syntheticBatch(2, [0], [64], 10).x;
  expect(Array.from(a)).not.toEqual(Array.from(b));
  expect(Math.min(...a)).toBeGreaterThanOrEqual(-1);
  expect(Math.max(...a)).toBeLessThan(1);
});
