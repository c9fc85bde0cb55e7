// Convolutions: conv2d, depthwiseConv2d, separableConv2d (depthwise, then 1x1), conv3d.
// Model parallelism splits what the simulator's layer kind says (LayerInfo.split): output channels,
// input channels for depthwise (each with its depthMultiplier outputs).
import * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { Conv2dLayer, Conv3dLayer, DepthwiseConv2dLayer, SeparableConv2dLayer } from '../../../simulator/model/schema';
import { expand } from '../../../simulator/model/layers/window';
import { activate, channelsOf, LayerImpl, ParamSpec, registerLayerImpl, sliceChannels } from './kind';

type Pad = number | readonly number[] | 'same' | 'valid' | undefined;

/** Model-file padding → tfjs padding for 2D ops (explicit per-side pads for numbers). */
export function pad2d(p: Pad): 'same' | 'valid' | tf.backend_util.ExplicitPadding {
  if (p === undefined) return 'valid';
  if (p === 'same' || p === 'valid') return p;
  const [h, w] = expand(p as number | number[], 2, 0);
  return [[0, 0], [h, h], [w, w], [0, 0]];
}

const bias = (units: number, splitAxis = 0): ParamSpec => ({ name: 'bias', shape: [units], init: 'zeros', fanIn: 1, splitAxis });

const conv2d: LayerImpl = {
  type: 'conv2d',
  params(l) {
    const c = l.layer as z.infer<typeof Conv2dLayer>;
    const [kh, kw] = expand(c.kernel, 2, 1);
    const cin = channelsOf(l.inputShapes[0]);
    return [{ name: 'kernel', shape: [kh, kw, cin, c.filters], init: 'he-uniform', fanIn: kh * kw * cin, splitAxis: 3 }, ...(c.useBias ?? true ? [bias(c.filters)] : [])];
  },
  forward(l, [x], [w, b], _r, ctx) {
    const c = l.layer as z.infer<typeof Conv2dLayer>;
    let y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, expand(c.stride, 2, 1) as [number, number], pad2d(c.padding));
    if (b) y = tf.add(y, b);
    return activate(y, c.activation, ctx);
  },
};

const depthwiseConv2d: LayerImpl = {
  type: 'depthwiseConv2d',
  params(l) {
    const c = l.layer as z.infer<typeof DepthwiseConv2dLayer>;
    const [kh, kw] = expand(c.kernel, 2, 1);
    const m = c.depthMultiplier ?? 1;
    const cin = channelsOf(l.inputShapes[0]);
    // The bias is kept as [cin, m] so that splitting input channels splits it along axis 0.
    const ps: ParamSpec[] = [{ name: 'kernel', shape: [kh, kw, cin, m], init: 'he-uniform', fanIn: kh * kw, splitAxis: 2 }];
    if (c.useBias ?? true) ps.push({ name: 'bias', shape: [cin, m], init: 'zeros', fanIn: 1, splitAxis: 0 });
    return ps;
  },
  forward(l, [x], [w, b], r, ctx) {
    const c = l.layer as z.infer<typeof DepthwiseConv2dLayer>;
    const xs = sliceChannels(x as tf.Tensor4D, r);
    let y: tf.Tensor = tf.depthwiseConv2d(xs, w as tf.Tensor4D, expand(c.stride, 2, 1) as [number, number], pad2d(c.padding));
    if (b) y = tf.add(y, tf.reshape(b, [b.size]));
    return activate(y, c.activation, ctx);
  },
};

const separableConv2d: LayerImpl = {
  type: 'separableConv2d',
  params(l) {
    const c = l.layer as z.infer<typeof SeparableConv2dLayer>;
    const [kh, kw] = expand(c.kernel, 2, 1);
    const m = c.depthMultiplier ?? 1;
    const cin = channelsOf(l.inputShapes[0]);
    // The depthwise part is replicated under model parallelism; each worker owns a slice of the 1x1 filters.
    return [
      { name: 'depthwise', shape: [kh, kw, cin, m], init: 'he-uniform', fanIn: kh * kw },
      { name: 'pointwise', shape: [1, 1, cin * m, c.filters], init: 'he-uniform', fanIn: cin * m, splitAxis: 3 },
      ...(c.useBias ?? true ? [bias(c.filters)] : []),
    ];
  },
  forward(l, [x], [dw, pw, b], _r, ctx) {
    const c = l.layer as z.infer<typeof SeparableConv2dLayer>;
    const mid = tf.depthwiseConv2d(x as tf.Tensor4D, dw as tf.Tensor4D, expand(c.stride, 2, 1) as [number, number], pad2d(c.padding));
    let y = tf.conv2d(mid, pw as tf.Tensor4D, 1, 'valid');
    if (b) y = tf.add(y, b);
    return activate(y, c.activation, ctx);
  },
};

const conv3d: LayerImpl = {
  type: 'conv3d',
  params(l) {
    const c = l.layer as z.infer<typeof Conv3dLayer>;
    const [kd, kh, kw] = expand(c.kernel, 3, 1);
    const cin = channelsOf(l.inputShapes[0]);
    return [{ name: 'kernel', shape: [kd, kh, kw, cin, c.filters], init: 'he-uniform', fanIn: kd * kh * kw * cin, splitAxis: 4 }, ...(c.useBias ?? true ? [bias(c.filters)] : [])];
  },
  forward(l, [x], [w, b], _r, ctx) {
    const c = l.layer as z.infer<typeof Conv3dLayer>;
    // tfjs conv3d knows only 'same' and 'valid': numeric padding is an explicit pad first.
    let xin = x as tf.Tensor5D;
    let pad: 'same' | 'valid' = 'valid';
    if (c.padding === 'same') pad = 'same';
    else if (c.padding !== undefined && c.padding !== 'valid') {
      const [d, h, ww] = expand(c.padding as number | number[], 3, 0);
      xin = tf.pad(xin, [[0, 0], [d, d], [h, h], [ww, ww], [0, 0]]);
    }
    let y: tf.Tensor = tf.conv3d(xin, w as tf.Tensor5D, expand(c.stride, 3, 1) as [number, number, number], pad);
    if (b) y = tf.add(y, b);
    return activate(y, c.activation, ctx);
  },
};

for (const k of [conv2d, depthwiseConv2d, separableConv2d, conv3d]) registerLayerImpl(k);
