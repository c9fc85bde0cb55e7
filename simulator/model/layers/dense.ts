// Fully connected layer; flattens an input of any rank first (as torchvision's AlexNet does after pool5).
import type { DenseLayer } from '../schema';
import type { z } from 'zod';
import { elements, LayerKind, registerLayerKind } from './kind';

export const dense: LayerKind<z.infer<typeof DenseLayer>> = {
  type: 'dense',
  outputShape: (l) => [l.units],
  cost(l, [x]) {
    const weights = elements(x) * l.units;
    const f = 2 * weights;
    return {
      parameters: weights + (l.useBias ?? true ? l.units : 0),
      forwardFlops: f, backwardInputFlops: f, backwardWeightFlops: f, splitUnits: l.units,
    };
  },
};
registerLayerKind(dense);
