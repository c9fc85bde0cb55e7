// Fully connected layer, flattening its input first; model parallelism splits output units.
import * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { DenseLayer } from '../../../simulator/model/schema';
import { elements } from '../../../simulator/model/layers';
import { activate, registerLayerImpl } from './kind';

registerLayerImpl({
  type: 'dense',
  params(l) {
    const d = l.layer as z.infer<typeof DenseLayer>;
    const fanIn = elements(l.inputShapes[0]);
    return [
      { name: 'kernel', shape: [fanIn, d.units], init: 'he-uniform', fanIn, splitAxis: 1 },
      ...(d.useBias ?? true ? [{ name: 'bias', shape: [d.units], init: 'zeros' as const, fanIn: 1, splitAxis: 0 }] : []),
    ];
  },
  forward(l, [x], [w, b], _r, ctx) {
    const d = l.layer as z.infer<typeof DenseLayer>;
    const x2 = x.rank === 2 ? x : tf.reshape(x, [x.shape[0], -1]);
    let y: tf.Tensor = tf.matMul(x2 as tf.Tensor2D, w as tf.Tensor2D);
    if (b) y = tf.add(y, b);
    return activate(y, d.activation, ctx);
  },
});
