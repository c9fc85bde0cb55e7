// Convolution gradients written as forward convolutions, for backends whose own backprop kernels
// are missing or slow. Measured here on tfjs-backend-wasm 4.22 (one thread, mini-owt conv2 at batch 32):
// Conv2DBackpropInput 2.8 GFLOP/s against 26 GFLOP/s for the same work as a conv2d; there is no
// Conv2DBackpropFilter kernel at all, and its conv2d form below reaches ~20 GFLOP/s.
import * as tf from '@tensorflow/tfjs-core';

type Pad2 = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
export interface Conv2dAttrs {
  strides: number | [number, number];
  pad: Pad2;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function info(xShape: number[], filterShape: number[], a: Conv2dAttrs, depthwise = false) {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    a.strides, 1, a.pad, a.dimRoundingMode, depthwise, 'channelsLast',
  );
}

/** Inserts s−1 zeros between neighbouring entries along `axis`. */
function dilateAxis<T extends tf.Tensor>(t: T, axis: number, s: number): T {
  if (s === 1) return t;
  const pre = t.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const n = t.shape[axis];
  const post = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const padded = tf.pad(tf.reshape(t, [pre, n, 1, post]), [[0, 0], [0, 0], [0, s - 1], [0, 0]]);
  const spread = tf.slice(tf.reshape(padded, [pre, n * s, post]), [0, 0, 0], [pre, (n - 1) * s + 1, post]);
  return tf.reshape(spread, t.shape.map((d, i) => (i === axis ? (n - 1) * s + 1 : d))) as T;
}

/** Inserts s−1 zeros between neighbouring rows and columns of an NHWC tensor. */
export function dilate(t: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  return dilateAxis(dilateAxis(t, 1, sh), 2, sw);
}

/** conv2d with per-side paddings that may be negative (a negative pad crops instead). */
function convCropping(x: tf.Tensor4D, f: tf.Tensor4D, pads: [number, number, number, number], dil: [number, number]): tf.Tensor4D {
  const [t, b, l, r] = pads;
  const pos = (v: number) => Math.max(0, v);
  const y = tf.conv2d(x, f, 1, [[0, 0], [pos(t), pos(b)], [pos(l), pos(r)], [0, 0]], 'NHWC', dil);
  if (t >= 0 && b >= 0 && l >= 0 && r >= 0) return y;
  const [n, h, w, c] = y.shape;
  const top = pos(-t), left = pos(-l);
  return tf.slice(y, [0, top, left, 0], [n, h - top - pos(-b), w - left - pos(-r), c]);
}

/** dL/dfilter of conv2d(x, filter): a convolution of xᵀ (channels as batch) with dyᵀ, dilated by the stride. */
export function conv2dFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], a: Conv2dAttrs): tf.Tensor4D {
  const ci = info(x.shape, filterShape, a);
  const [kh, kw, cin, cout] = filterShape;
  const xt = tf.transpose(x, [3, 1, 2, 0]); // [Cin, H, W, B]
  const dyt = tf.transpose(dy, [1, 2, 0, 3]); // [OH, OW, B, Cout]
  // Bottom/right padding beyond what the last window reads adds nothing: trim it.
  const extraH = ci.inHeight + ci.padInfo.top + ci.padInfo.bottom - kh - (ci.outHeight - 1) * ci.strideHeight;
  const extraW = ci.inWidth + ci.padInfo.left + ci.padInfo.right - kw - (ci.outWidth - 1) * ci.strideWidth;
  const r = convCropping(xt, dyt as tf.Tensor4D, [ci.padInfo.top, ci.padInfo.bottom - extraH, ci.padInfo.left, ci.padInfo.right - extraW], [ci.strideHeight, ci.strideWidth]);
  return tf.transpose(tf.slice(r, [0, 0, 0, 0], [cin, kh, kw, cout]), [1, 2, 0, 3]);
}

/** dL/dx of conv2d(x, filter): the dilated dy convolved with the filter rotated by 180°, in/out swapped. */
export function conv2dInputGrad(xShape: number[], dy: tf.Tensor4D, filter: tf.Tensor4D, a: Conv2dAttrs): tf.Tensor4D {
  const ci = info(xShape, filter.shape, a);
  const [kh, kw] = filter.shape;
  const wt = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
  const dyd = dilate(dy, ci.strideHeight, ci.strideWidth);
  const extraH = ci.inHeight + ci.padInfo.top + ci.padInfo.bottom - kh - (ci.outHeight - 1) * ci.strideHeight;
  const extraW = ci.inWidth + ci.padInfo.left + ci.padInfo.right - kw - (ci.outWidth - 1) * ci.strideWidth;
  return convCropping(dyd, wt as tf.Tensor4D, [kh - 1 - ci.padInfo.top, kh - 1 - ci.padInfo.bottom + extraH, kw - 1 - ci.padInfo.left, kw - 1 - ci.padInfo.right + extraW], [1, 1]);
}

/** Patches of the padded input seen by kernel offset (i, j): [B, OH, OW, C]. */
function patch(xp: tf.Tensor4D, i: number, j: number, ci: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  const [b, , , c] = xp.shape;
  return tf.stridedSlice(xp, [0, i, j, 0], [b, i + (ci.outHeight - 1) * ci.strideHeight + 1, j + (ci.outWidth - 1) * ci.strideWidth + 1, c], [1, ci.strideHeight, ci.strideWidth, 1]) as tf.Tensor4D;
}

function padded(x: tf.Tensor4D, ci: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  const p = ci.padInfo;
  return tf.pad(x, [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]]);
}

/** dL/dfilter of depthwiseConv2d, one kernel offset at a time (depthwise layers are cheap). */
export function depthwiseFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], a: Conv2dAttrs): tf.Tensor4D {
  const ci = info(x.shape, filterShape, a, true);
  const [kh, kw, c, m] = filterShape;
  const xp = padded(x, ci);
  const dy5 = tf.reshape(dy, [dy.shape[0], ci.outHeight, ci.outWidth, c, m]);
  const taps: tf.Tensor[] = [];
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++) taps.push(tf.sum(tf.mul(dy5, tf.expandDims(patch(xp, i, j, ci), 4)), [0, 1, 2]));
  return tf.reshape(tf.stack(taps), [kh, kw, c, m]);
}

/** dL/dx of depthwiseConv2d: each kernel offset scatters its share of dy back onto the padded input. */
export function depthwiseInputGrad(xShape: number[], dy: tf.Tensor4D, filter: tf.Tensor4D, a: Conv2dAttrs): tf.Tensor4D {
  const ci = info(xShape, filter.shape, a, true);
  const [kh, kw, c, m] = filter.shape;
  const [b, h, w] = xShape;
  const p = ci.padInfo;
  const hp = h + p.top + p.bottom, wp = w + p.left + p.right;
  const dy5 = tf.reshape(dy, [b, ci.outHeight, ci.outWidth, c, m]);
  let acc: tf.Tensor4D = tf.zeros([b, hp, wp, c]);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++) {
      const tap = tf.reshape(tf.slice(filter, [i, j, 0, 0], [1, 1, c, m]), [c, m]);
      const g = dilate(tf.sum(tf.mul(dy5, tap), 4) as tf.Tensor4D, ci.strideHeight, ci.strideWidth);
      const [, gh, gw] = g.shape;
      acc = tf.add(acc, tf.pad(g, [[0, 0], [i, hp - i - gh], [j, wp - j - gw], [0, 0]]));
    }
  return tf.slice(acc, [0, p.top, p.left, 0], [b, h, w, c]);
}

/**
 * dL/dx of conv3d, as conv2dInputGrad in 3D. tfjs-backend-wasm 4.22's Conv3DBackpropInputV2 gives
 * wrong values (432 of 720 differ from tfjs-backend-cpu on a [2,5,6,6,2] input, measured here).
 */
export function conv3dInputGrad(xShape: number[], dy: tf.Tensor5D, filter: tf.Tensor5D, strides: number | [number, number, number], pad: 'same' | 'valid'): tf.Tensor5D {
  const ci = tf.backend_util.computeConv3DInfo(xShape as [number, number, number, number, number], filter.shape, strides, 1, pad);
  const [kd, kh, kw] = filter.shape;
  const p = ci.padInfo;
  const wt = tf.transpose(tf.reverse(filter, [0, 1, 2]), [0, 1, 2, 4, 3]) as tf.Tensor5D;
  const dyd = dilateAxis(dilateAxis(dilateAxis(dy, 1, ci.strideDepth), 2, ci.strideHeight), 3, ci.strideWidth);
  const extra = (n: number, k: number, o: number, s: number, a: number, b: number) => n + a + b - k - (o - 1) * s;
  const pads: [number, number][] = [
    [kd - 1 - p.front, kd - 1 - p.back + extra(ci.inDepth, kd, ci.outDepth, ci.strideDepth, p.front, p.back)],
    [kh - 1 - p.top, kh - 1 - p.bottom + extra(ci.inHeight, kh, ci.outHeight, ci.strideHeight, p.top, p.bottom)],
    [kw - 1 - p.left, kw - 1 - p.right + extra(ci.inWidth, kw, ci.outWidth, ci.strideWidth, p.left, p.right)],
  ];
  const pos = (v: number) => Math.max(0, v);
  const y = tf.conv3d(tf.pad(dyd, [[0, 0], ...pads.map(([a, b]) => [pos(a), pos(b)] as [number, number]), [0, 0]]), wt, 1, 'valid');
  // A negative pad crops: drop those entries of the output.
  const begin = [0, ...pads.map(([a]) => pos(-a)), 0];
  const size = y.shape.map((d, i) => (i === 0 || i === 4 ? d : d - pos(-pads[i - 1][0]) - pos(-pads[i - 1][1])));
  return tf.slice(y, begin, size);
}
