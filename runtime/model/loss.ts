// Softmax cross-entropy, with its gradient written out ((p − onehot) / N) rather than taped.
import * as tf from '@tensorflow/tfjs-core';

export interface LossResult {
  /** Sum over the rows of −log p(label). */
  lossSum: number;
  /** d(lossSum · scale)/dlogits. */
  dlogits: tf.Tensor2D;
}

/** The labels one-hot, the log-probabilities and the summed loss (inside the caller's tidy). */
function lossTerms(logits: tf.Tensor2D, labels: Int32Array): { onehot: tf.Tensor; logp: tf.Tensor; loss: number } {
  const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1]);
  const logp = tf.sub(logits, tf.logSumExp(logits, 1, true));
  return { onehot, logp, loss: tf.neg(tf.sum(tf.mul(onehot, logp))).dataSync()[0] };
}

/** `scale` is 1 / (samples of the step), so gradients summed across workers give the step's mean loss. */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: Int32Array, scale: number): LossResult {
  let lossSum = 0;
  const dlogits = tf.tidy(() => {
    const { onehot, logp, loss } = lossTerms(logits, labels);
    lossSum = loss;
    return tf.mul(tf.sub(tf.exp(logp), onehot), tf.scalar(scale)) as tf.Tensor2D;
  });
  return { lossSum, dlogits };
}

/** Sum over the rows of −log p(label), without the gradient (held-out evaluation). */
export function crossEntropySum(logits: tf.Tensor2D, labels: Int32Array): number {
  return tf.tidy(() => lossTerms(logits, labels).loss);
}
