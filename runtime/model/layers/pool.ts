// Pooling (max/avg, 2D and 3D) and global average pooling: no weights, each channel on its own.
import * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { AvgPool2dLayer, MaxPool2dLayer, MaxPool3dLayer } from '../../../simulator/model/schema';
import { expand } from '../../../simulator/model/layers/window';
import { channelwise, registerLayerImpl } from './kind';

type Pool2 = z.infer<typeof MaxPool2dLayer> | z.infer<typeof AvgPool2dLayer>;

function pool2(l: Pool2): { size: [number, number]; stride: [number, number]; pad: 'same' | 'valid' | number } {
  const size = expand(l.size, 2, 1) as [number, number];
  const stride = expand(l.stride ?? l.size, 2, 1) as [number, number];
  const p = l.padding;
  if (Array.isArray(p) && p[0] !== p[1]) throw new Error(`pooling layer ${l.name}: the runtime needs equal padding on both axes`);
  return { size, stride, pad: p === undefined ? 'valid' : Array.isArray(p) ? p[0] : (p as 'same' | 'valid' | number) };
}

registerLayerImpl(channelwise('maxpool2d', (l, [x]) => {
  const p = pool2(l.layer as Pool2);
  return tf.maxPool(x as tf.Tensor4D, p.size, p.stride, p.pad);
}));
registerLayerImpl(channelwise('avgpool2d', (l, [x]) => {
  const p = pool2(l.layer as Pool2);
  return tf.avgPool(x as tf.Tensor4D, p.size, p.stride, p.pad);
}));
registerLayerImpl(channelwise('maxpool3d', (l, [x]) => {
  const c = l.layer as z.infer<typeof MaxPool3dLayer>;
  const p = c.padding;
  if (Array.isArray(p)) throw new Error(`pooling layer ${c.name}: the runtime needs one padding value for all axes`);
  return tf.maxPool3d(x as tf.Tensor5D, expand(c.size, 3, 1) as [number, number, number], expand(c.stride ?? c.size, 3, 1) as [number, number, number], (p ?? 'valid') as 'same' | 'valid' | number);
}));
registerLayerImpl(channelwise('globalAvgPool', (_l, [x]) => tf.mean(x, x.shape.slice(1, -1).map((_, i) => i + 1))));
