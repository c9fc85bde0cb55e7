// Layers that act element by element or reshape: batchNorm, lrn, dropout, flatten, softmax, activation.
// FLOPs per element are rough operation counts; these layers are a few percent of any zoo model.
import type { z } from 'zod';
import type { ActivationLayer, BatchNormLayer, DropoutLayer, FlattenLayer, LrnLayer, SoftmaxLayer } from '../schema';
import { channels, channelwiseSplit, elementwiseCost, elements, LayerKind, registerLayerKind } from './kind';

export const batchNorm: LayerKind<z.infer<typeof BatchNormLayer>> = {
  type: 'batchNorm',
  outputShape: (_l, [x]) => x,
  // Training-mode batch norm: mean, variance, normalise, scale, shift ≈ 5 FLOPs per element.
  // Parameters: gamma and beta (trainable, as torchvision counts them); running stats are buffers.
  cost: (_l, [x], out) => ({ ...elementwiseCost(out, 5), parameters: 2 * channels(x), backwardWeightFlops: 2 * elements(out) }),
  split: (_l, _x, out, c) => channelwiseSplit(channels(out), c.parameters),
};
export const lrn: LayerKind<z.infer<typeof LrnLayer>> = {
  type: 'lrn',
  outputShape: (_l, [x]) => x,
  cost: (l, _x, out) => elementwiseCost(out, 2 * (l.depthRadius ?? 2) + 1 + 3),
};
export const dropout: LayerKind<z.infer<typeof DropoutLayer>> = {
  type: 'dropout',
  outputShape: (_l, [x]) => x,
  cost: (_l, _x, out) => elementwiseCost(out, 1),
  split: (_l, _x, out) => channelwiseSplit(channels(out), 0),
};
export const flatten: LayerKind<z.infer<typeof FlattenLayer>> = {
  type: 'flatten',
  outputShape: (_l, [x]) => [elements(x)],
  cost: (_l, _x, out) => ({ ...elementwiseCost(out, 0), splitUnits: 0 }),
};
export const softmax: LayerKind<z.infer<typeof SoftmaxLayer>> = {
  type: 'softmax',
  outputShape: (_l, [x]) => x,
  cost: (_l, _x, out) => elementwiseCost(out, 3),
};
export const activation: LayerKind<z.infer<typeof ActivationLayer>> = {
  type: 'activation',
  outputShape: (_l, [x]) => x,
  cost: (_l, _x, out) => elementwiseCost(out, 1),
  split: (_l, _x, out) => channelwiseSplit(channels(out), 0),
};
for (const k of [batchNorm, lrn, dropout, flatten, softmax, activation]) registerLayerKind(k as LayerKind);
