// Adam does what torch.optim.Adam does, and, acting element by element, takes the same step on a
// parameter's shards as on the whole (what lets ZeRO shard the optimiser state).
import * as tf from '@tensorflow/tfjs-core';
import { activateBackend } from '../../../runtime/backends';
import { Adam, ADAM_DEFAULTS } from '../../../runtime/model/optimizer';

beforeAll(async () => {
  await activateBackend('cpu');
});

/** The update of Kingma & Ba 2015, Algorithm 1, in float64 on plain numbers. */
function adamReference(w: number[], grads: number[][], lr: number): number[] {
  const { beta1: b1, beta2: b2, epsilon: eps } = ADAM_DEFAULTS;
  const m = w.map(() => 0), v = w.map(() => 0);
  const out = [...w];
  grads.forEach((g, k) => {
    const t = k + 1;
    out.forEach((_, i) => {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      out[i] -= (lr * (m[i] / (1 - b1 ** t))) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
    });
  });
  return out;
}

const grads = [[0.5, -1e-3, 2, 0], [0.4, -2e-3, -1, 1e-6], [0.1, 5e-3, 0.5, -1e-6]];

test('three Adam steps match the algorithm of Kingma & Ba', () => {
  const w0 = [1, -0.5, 0.25, 0];
  const w = tf.variable(tf.tensor1d(w0));
  const adam = new Adam(0.01);
  for (const g of grads) tf.tidy(() => adam.apply([w], [tf.tensor1d(g)]));
  const want = adamReference(w0, grads, 0.01);
  Array.from(w.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(want[i], 6));
  adam.dispose();
  w.dispose();
});

test('Adam on two shards of a parameter takes bit for bit the step it takes on the whole', () => {
  const w0 = [1, -0.5, 0.25, 0];
  const whole = tf.variable(tf.tensor1d(w0));
  const halves = [tf.variable(tf.tensor1d(w0.slice(0, 2))), tf.variable(tf.tensor1d(w0.slice(2)))];
  const [a, b] = [new Adam(0.01), new Adam(0.01)];
  for (const g of grads)
    tf.tidy(() => {
      a.apply([whole], [tf.tensor1d(g)]);
      b.apply(halves, [tf.tensor1d(g.slice(0, 2)), tf.tensor1d(g.slice(2))]);
    });
  expect([...halves[0].dataSync(), ...halves[1].dataSync()]).toEqual(Array.from(whole.dataSync()));
  a.dispose();
  b.dispose();
  tf.dispose([whole, ...halves]);
});

test('state is freed with the optimiser (no tensors leak across steps)', () => {
  const w = tf.variable(tf.ones([3]));
  const adam = new Adam();
  const before = tf.memory().numTensors;
  tf.tidy(() => adam.apply([w], [tf.ones([3])]));
  const after1 = tf.memory().numTensors;
  tf.tidy(() => adam.apply([w], [tf.ones([3])]));
  expect(tf.memory().numTensors).toBe(after1);
  adam.dispose();
  expect(tf.memory().numTensors).toBe(before);
  w.dispose();
});
