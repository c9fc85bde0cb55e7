// Softmax cross-entropy over logits whose vocabulary is split among tensor ranks (Megatron-LM's
// vocabulary-parallel loss, Shoeybi et al. 2019 §3): each rank holds columns [v0, v0 + V_local) of
// the logits; the ranks all-reduce the row maxima (max), then the sums of exponentials and the
// targets' logits (sum) — three numbers per position, never the logits themselves. With one rank
// the reductions do nothing and this is the plain loss.
import * as tf from '@tensorflow/tfjs-core';
import type { LossResult } from './loss';
import { oneHotFloat } from './layers/kind';

export interface RowReductions {
  /** Element-wise maximum over the ranks, in place. */
  max(values: Float32Array): Promise<void>;
  /** Element-wise sum over the ranks, in place. */
  sum(values: Float32Array): Promise<void>;
}

/**
 * Loss of `logits` [N, V_local] (columns v0…) against `targets` (N vocabulary indices): the sum over
 * rows of −log p(target), and d(lossSum · scale)/dlogits for this rank's columns.
 */
export async function vocabParallelCrossEntropy(logits: tf.Tensor2D, targets: Int32Array, v0: number, scale: number, reduce: RowReductions): Promise<LossResult> {
  const [n, vl] = logits.shape;
  const maxT = tf.max(logits, 1);
  const rowMax = Float32Array.from(maxT.dataSync());
  maxT.dispose();
  await reduce.max(rowMax);
  // The targets as one-hot rows of this rank's columns (all zero where another rank holds the
  // target), made once for the loss and its gradient.
  const onehot = tf.tidy(() => oneHotFloat(tf.sub(tf.tensor1d(targets, 'int32'), tf.scalar(v0, 'int32')) as tf.Tensor1D, vl));
  // Here: e = exp(logits − max), its row sums and the targets' shifted logits (0 where another rank holds the target).
  const [e, sumsAndTargets] = tf.tidy(() => {
    const shifted = tf.sub(logits, tf.reshape(tf.tensor1d(rowMax), [n, 1]));
    const ex = tf.exp(shifted);
    return [ex, tf.concat([tf.sum(ex, 1), tf.sum(tf.mul(onehot, shifted), 1)])];
  });
  const st = Float32Array.from(sumsAndTargets.dataSync());
  sumsAndTargets.dispose();
  await reduce.sum(st);
  let lossSum = 0;
  for (let i = 0; i < n; i++) lossSum += Math.log(st[i]) - st[n + i];
  const dlogits = tf.tidy(() => {
    const p = tf.div(e, tf.reshape(tf.tensor1d(st.subarray(0, n)), [n, 1]));
    return tf.mul(tf.sub(p, onehot), tf.scalar(scale)) as tf.Tensor2D;
  });
  tf.dispose([e, onehot]);
  return { lossSum, dlogits };
}
