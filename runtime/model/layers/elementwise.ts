// Layers that act element by element or reshape: batchNorm, lrn, dropout, flatten, softmax, activation.
import * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { ActivationLayer, BatchNormLayer, DropoutLayer, LrnLayer } from '../../../simulator/model/schema';
import { elements } from '../../../simulator/model/layers';
import { Rng, streamKey } from '../rng';
import { activate, channelsOf, channelwise, mixing, registerLayerImpl, sliceChannels } from './kind';

/** Keeps the batch-norm variance away from zero (the value tf.keras and torch use). */
const BN_EPSILON = 1e-3;
/** Krizhevsky et al. 2012 §3.3: k = 2, n = 5 (radius 2), α = 1e-4, β = 0.75. */
const LRN_DEFAULTS = { depthRadius: 2, bias: 2, alpha: 1e-4, beta: 0.75 };

registerLayerImpl({
  type: 'batchNorm',
  // Training mode with this batch's statistics; gamma/beta split by channel under model parallelism.
  params: (l) => [
    { name: 'gamma', shape: [channelsOf(l.outputShape)], init: 'ones', fanIn: 1, splitAxis: 0 },
    { name: 'beta', shape: [channelsOf(l.outputShape)], init: 'zeros', fanIn: 1, splitAxis: 0 },
  ],
  forward(l, [x], [gamma, beta], r, ctx) {
    const xs = sliceChannels(x, r);
    const axes = xs.shape.slice(0, -1).map((_, i) => i);
    const mean = tf.mean(xs, axes, true);
    const centered = tf.sub(xs, mean);
    const variance = tf.mean(tf.square(centered), axes, true);
    const y = tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, BN_EPSILON))), gamma), beta);
    return activate(y, (l.layer as z.infer<typeof BatchNormLayer>).activation, ctx);
  },
});

registerLayerImpl(mixing('lrn', (l, [x]) => {
  const c = { ...LRN_DEFAULTS, ...(l.layer as z.infer<typeof LrnLayer>) };
  return tf.localResponseNormalization(x as tf.Tensor4D, c.depthRadius, c.bias, c.alpha, c.beta);
}));

registerLayerImpl(channelwise('dropout', (l, [x], ctx, r) => {
  const rate = (l.layer as z.infer<typeof DropoutLayer>).rate;
  if (!ctx.training || rate === 0) return x;
  // One mask per sample, keyed by (seed, layer, step, sample): the same whatever the plan.
  const per = elements(l.outputShape);
  const mask = new Float32Array(ctx.samples.length * per);
  const keep = 1 / (1 - rate);
  ctx.samples.forEach((s, i) => {
    const rng = new Rng(streamKey(ctx.seed, 'dropout', l.name, ctx.step, s));
    for (let j = 0; j < per; j++) mask[i * per + j] = rng.next() < rate ? 0 : keep;
  });
  const full = tf.tensor(mask, [ctx.samples.length, ...l.outputShape]);
  return tf.mul(x, sliceChannels(full, r));
}));

registerLayerImpl({
  type: 'flatten',
  params: () => [],
  forward: (_l, [x]) => tf.reshape(x, [x.shape[0], -1]),
});

registerLayerImpl(mixing('softmax', (_l, [x]) => tf.softmax(x)));
registerLayerImpl(channelwise('activation', (l, [x], ctx) => activate(x, (l.layer as z.infer<typeof ActivationLayer>).activation, ctx)));
