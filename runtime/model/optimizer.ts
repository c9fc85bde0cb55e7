// The optimisers a worker applies to the parameters it holds. Both act element by element, so an
// optimiser over a shard of a parameter (ZeRO) takes exactly the step it would take on the whole.
import * as tf from '@tensorflow/tfjs-core';

export interface Optimizer {
  /** One update of `vars` by their gradients `grads` (same order, same shapes). */
  apply(vars: tf.Variable[], grads: tf.Tensor[]): void;
  dispose(): void;
}

/** Defaults of a run (Krizhevsky 2012 §5 used lr 0.01, momentum 0.9). */
export const SGD_DEFAULTS = { learningRate: 0.01, momentum: 0.9 };

/** State tensors kept per variable (by tfjs id), made on first use. */
class Slots {
  private readonly byVar = new Map<number, tf.Variable[]>();
  constructor(private readonly count: number) {}
  of(w: tf.Variable): tf.Variable[] {
    let s = this.byVar.get(w.id);
    if (!s) {
      s = Array.from({ length: this.count }, () => tf.variable(tf.zerosLike(w), false));
      this.byVar.set(w.id, s);
    }
    return s;
  }
  dispose(): void {
    for (const s of this.byVar.values()) tf.dispose(s);
    this.byVar.clear();
  }
}

/** SGD with momentum, as torch.optim.SGD does it: v ← μ·v + g;  w ← w − lr·v. */
export class Sgd implements Optimizer {
  private readonly slots = new Slots(1);
  constructor(readonly learningRate = SGD_DEFAULTS.learningRate, readonly momentum = SGD_DEFAULTS.momentum) {}

  apply(vars: tf.Variable[], grads: tf.Tensor[]): void {
    tf.tidy(() => {
      vars.forEach((w, i) => {
        const [v] = this.slots.of(w);
        v.assign(tf.add(tf.mul(v, this.momentum), grads[i]));
        w.assign(tf.sub(w, tf.mul(v, this.learningRate)));
      });
    });
  }

  dispose(): void {
    this.slots.dispose();
  }
}

/**
 * Defaults of Adam (Kingma & Ba 2015, arXiv:1412.6980, §2: β1 0.9, β2 0.999, ε 1e-8) with GPT-2's
 * small-model learning rate scale (3e-4 for nanoGPT-sized models, Karpathy's nanoGPT defaults).
 */
export const ADAM_DEFAULTS = { learningRate: 3e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/**
 * Adam, as torch.optim.Adam does it (no weight decay): m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 * w ← w − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε). One `apply` is one step t.
 */
export class Adam implements Optimizer {
  private readonly slots = new Slots(2);
  private t = 0;
  constructor(
    readonly learningRate = ADAM_DEFAULTS.learningRate,
    readonly beta1 = ADAM_DEFAULTS.beta1,
    readonly beta2 = ADAM_DEFAULTS.beta2,
    readonly epsilon = ADAM_DEFAULTS.epsilon,
  ) {}

  apply(vars: tf.Variable[], grads: tf.Tensor[]): void {
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    tf.tidy(() => {
      vars.forEach((w, i) => {
        const [m, v] = this.slots.of(w);
        const g = grads[i];
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const step = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), this.epsilon));
        w.assign(tf.sub(w, tf.mul(step, this.learningRate)));
      });
    });
  }

  dispose(): void {
    this.slots.dispose();
  }
}

/** What a run asks of its optimiser (the plan's or the command line's choice). */
export type OptimizerSpec = { kind: 'sgd'; learningRate: number; momentum: number } | { kind: 'adam'; learningRate: number; beta1?: number; beta2?: number; epsilon?: number };

export function makeOptimizer(o: OptimizerSpec): Optimizer {
  return o.kind === 'sgd' ? new Sgd(o.learningRate, o.momentum) : new Adam(o.learningRate, o.beta1, o.beta2, o.epsilon);
}
