// The real data set: the mnist package's digits, split and served in shuffled epochs.
import { loadMnist, MNIST_PIXELS } from '../../runtime/model/mnist';
import { shuffledSource } from '../../runtime/model/data';
import { dataSourceFor } from '../../runtime/model/datasets';
import { stepsToTarget } from '../../runtime/validation';
import { zooModel } from '../helpers/scenarios';

describe('MNIST from the mnist package', () => {
  const split = loadMnist();

  test('10,000 real digits: 8,004 for training, 1,996 held out, every digit in both, grey levels in [0, 1]', () => {
    expect(split.train.count).toBe(8004);
    expect(split.validation.count).toBe(1996);
    expect(split.train.x.length).toBe(8004 * MNIST_PIXELS);
    for (const set of [split.train, split.validation]) {
      const perDigit = new Array(10).fill(0);
      set.labels.forEach((l) => perDigit[l]++);
      // About a tenth each (the package ships 900–1,100 images of each digit).
      perDigit.forEach((n) => expect(n / set.count).toBeGreaterThan(0.07));
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of set.x) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
      expect(lo).toBe(0);
      expect(hi).toBeLessThanOrEqual(1);
      expect(hi).toBeGreaterThan(0.99);
    }
    // Real strokes, not noise: most pixels of a digit are background, and the ink is in the middle.
    const first = split.train.x.subarray(0, MNIST_PIXELS);
    expect(first.filter((v) => v === 0).length / MNIST_PIXELS).toBeGreaterThan(0.6);
    expect(first[0]).toBe(0);
  });

  test('an epoch visits every training image once, in an order set by the seed', () => {
    const n = split.train.count;
    const a = shuffledSource(1, split.train);
    const epoch = Array.from({ length: n }, (_, i) => i);
    const labels = a.labels(epoch);
    const counts = (ls: Int32Array) => ls.reduce((c, l) => (c[l]++, c), new Array(10).fill(0));
    expect(counts(labels)).toEqual(counts(split.train.labels));
    // The second epoch is another permutation of the same images; another seed another order.
    const second = a.labels(epoch.map((i) => i + n));
    expect(counts(second)).toEqual(counts(split.train.labels));
    expect(Array.from(second.subarray(0, 50))).not.toEqual(Array.from(labels.subarray(0, 50)));
    expect(Array.from(shuffledSource(2, split.train).labels(epoch).subarray(0, 50))).not.toEqual(Array.from(labels.subarray(0, 50)));
    // A batch's images match its labels.
    const b = a.batch([3, 4]);
    expect(b.labels).toEqual(a.labels([3, 4]));
    expect(b.x.length).toBe(2 * MNIST_PIXELS);
  });

  test('the zoo model trains on it; a model without a loader gets synthetic samples', () => {
    const mnist = dataSourceFor(zooModel('mnist-mlp').model, 1, 10);
    expect(mnist.validation!.labels.length).toBe(1996);
    expect(dataSourceFor(zooModel('mini-owt').model, 1, 100).validation).toBeUndefined();
  });

  test('steps to the target interpolate between evaluations', () => {
    const curve = [
      { step: 9, samples: 0, loss: 0.6, accuracy: 0.8 },
      { step: 19, samples: 0, loss: 0.4, accuracy: 0.85 },
      { step: 29, samples: 0, loss: 0.3, accuracy: 0.9 },
    ];
    expect(stepsToTarget({ metric: 'loss', value: 0.35 }, curve)).toBeCloseTo(25);
    expect(stepsToTarget({ metric: 'accuracy', value: 0.8 }, curve)).toBe(10);
    expect(stepsToTarget({ metric: 'loss', value: 0.1 }, curve)).toBeUndefined();
  });
});
