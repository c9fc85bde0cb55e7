// A forward pass recorded now and back-propagated later gives what tf.grads gives at once.
import * as tf from '@tensorflow/tfjs-core';
import { activateBackend } from '../../../runtime/backends';
import { record } from '../../../runtime/model/tape';

beforeAll(async () => {
  await activateBackend('cpu');
});

test('deferred backward equals tf.grads with the same upstream gradient', () => {
  const x = tf.randomUniform([4, 3], -1, 1, 'float32', 1);
  const w = tf.variable(tf.randomUniform([3, 5], -1, 1, 'float32', 2));
  const b = tf.variable(tf.randomUniform([5], -1, 1, 'float32', 3));
  const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.tanh(tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb));
  const dy = tf.randomUniform([4, 5], -1, 1, 'float32', 4);
  const rec = record(() => f(x, w, b));
  const mine = rec.backward(dy, [x, w, b]);
  // The same function written as a scalar: Σ f·dy.
  const viaScalar = [x, w, b].map((_, i) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(...([x, w, b].map((u, j) => (j === i ? t : u)) as [tf.Tensor, tf.Tensor, tf.Tensor])), dy)))([x, w, b][i]));
  mine.forEach((g, i) => expect(Array.from(g!.dataSync())).toEqual(Array.from(viaScalar[i].dataSync()).map((v) => expect.closeTo(v, 5))));
});

test('an input y does not depend on gets a null gradient', () => {
  const x = tf.scalar(2);
  const unused = tf.scalar(3);
  const rec = record(() => tf.mul(x, x));
  const [gx, gu] = rec.backward(tf.scalar(1), [x, unused]);
  expect(gx!.dataSync()[0]).toBeCloseTo(4);
  expect(gu).toBeNull();
});

test('the tape frees what it saved: no tensors leak over a forward and backward', () => {
  const w = tf.variable(tf.randomUniform([3, 3], -1, 1, 'float32', 5));
  const x = tf.ones([2, 3]);
  const before = tf.memory().numTensors;
  const rec = record(() => tf.relu(tf.matMul(x as tf.Tensor2D, w)));
  const [g] = rec.backward(tf.onesLike(rec.y), [w]);
  tf.dispose([rec.y, g!]);
  // onesLike(rec.y) above is the one tensor left behind by the test itself.
  expect(tf.memory().numTensors).toBe(before + 1);
});

test('backward twice is refused', () => {
  const x = tf.scalar(1);
  const rec = record(() => tf.mul(x, 2));
  rec.backward(tf.scalar(1), [x]);
  expect(() => rec.backward(tf.scalar(1), [x])).toThrow(/twice/);
});
