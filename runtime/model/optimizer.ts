// SGD with momentum, as torch.optim.SGD does it: v ← μ·v + g;  w ← w − lr·v.
import * as tf from '@tensorflow/tfjs-core';

/** Defaults of a run (Krizhevsky 2012 §5 used lr 0.01, momentum 0.9). */
export const SGD_DEFAULTS = { learningRate: 0.01, momentum: 0.9 };

export class Sgd {
  private readonly velocity = new Map<number, tf.Variable>();
  constructor(readonly learningRate = SGD_DEFAULTS.learningRate, readonly momentum = SGD_DEFAULTS.momentum) {}

  apply(vars: tf.Variable[], grads: tf.Tensor[]): void {
    tf.tidy(() => {
      vars.forEach((w, i) => {
        let v = this.velocity.get(w.id);
        if (!v) {
          v = tf.variable(tf.zerosLike(w), false);
          this.velocity.set(w.id, v);
        }
        v.assign(tf.add(tf.mul(v, this.momentum), grads[i]));
        w.assign(tf.sub(w, tf.mul(v, this.learningRate)));
      });
    });
  }

  dispose(): void {
    for (const v of this.velocity.values()) v.dispose();
    this.velocity.clear();
  }
}
