// The composed convolution gradients equal tfjs-backend-cpu's own backprop kernels.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { conv2dFilterGrad, conv2dInputGrad, conv3dInputGrad, depthwiseFilterGrad, depthwiseInputGrad, Conv2dAttrs } from '../../../runtime/model/conv-grads';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

const maxRelDiff = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1e-6, tf.max(tf.abs(b)).dataSync()[0]));

const cases: { name: string; x: number[]; k: number; cout: number; a: Conv2dAttrs }[] = [
  { name: 'stride 1, pad 2', x: [2, 9, 9, 3], k: 5, cout: 4, a: { strides: 1, pad: [[0, 0], [2, 2], [2, 2], [0, 0]] } },
  { name: 'stride 2, pad 2 (mini-owt conv1)', x: [2, 16, 16, 3], k: 5, cout: 4, a: { strides: 2, pad: [[0, 0], [2, 2], [2, 2], [0, 0]] } },
  { name: 'stride 4, pad 2, remainder rows (alexnet conv1)', x: [1, 23, 23, 2], k: 11, cout: 3, a: { strides: 4, pad: [[0, 0], [2, 2], [2, 2], [0, 0]] } },
  { name: 'same, stride 2', x: [2, 7, 8, 2], k: 3, cout: 2, a: { strides: 2, pad: 'same' } },
  { name: 'valid, stride 3', x: [1, 10, 10, 2], k: 3, cout: 2, a: { strides: 3, pad: 'valid' } },
  { name: 'pad larger than kernel − 1', x: [1, 5, 5, 1], k: 2, cout: 2, a: { strides: 1, pad: [[0, 0], [3, 3], [3, 3], [0, 0]] } },
];

describe.each(cases)('conv2d gradients as convolutions: $name', ({ x: xs, k, cout, a }) => {
  test('dL/dfilter equals Conv2DBackpropFilter', () => {
    const x = tf.randomUniform(xs as [number, number, number, number], -1, 1, 'float32', 1) as tf.Tensor4D;
    const f = tf.randomUniform([k, k, xs[3], cout] as [number, number, number, number], -1, 1, 'float32', 2) as tf.Tensor4D;
    const y = tf.conv2d(x, f, a.strides, a.pad as never);
    const dy = tf.randomUniform(y.shape, -1, 1, 'float32', 3) as tf.Tensor4D;
    const ref = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: a.strides, pad: a.pad, dataFormat: 'NHWC', filterShape: f.shape } as never) as tf.Tensor;
    expect(maxRelDiff(conv2dFilterGrad(x, dy, f.shape, a), ref)).toBeLessThan(1e-5);
  });
  test('dL/dx equals Conv2DBackpropInput', () => {
    const x = tf.randomUniform(xs as [number, number, number, number], -1, 1, 'float32', 4) as tf.Tensor4D;
    const f = tf.randomUniform([k, k, xs[3], cout] as [number, number, number, number], -1, 1, 'float32', 5) as tf.Tensor4D;
    const y = tf.conv2d(x, f, a.strides, a.pad as never);
    const dy = tf.randomUniform(y.shape, -1, 1, 'float32', 6) as tf.Tensor4D;
    const ref = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { strides: a.strides, pad: a.pad, dataFormat: 'NHWC', inputShape: xs } as never) as tf.Tensor;
    expect(maxRelDiff(conv2dInputGrad(xs, dy, f, a), ref)).toBeLessThan(1e-5);
  });
});

describe.each([
  { name: 'stride 1, same, multiplier 2', x: [2, 6, 6, 3], k: 3, m: 2, a: { strides: 1, pad: 'same' } as Conv2dAttrs },
  { name: 'stride 2, valid', x: [1, 9, 9, 2], k: 3, m: 1, a: { strides: 2, pad: 'valid' } as Conv2dAttrs },
])('depthwise gradients: $name', ({ x: xs, k, m, a }) => {
  test('match the cpu backend kernels', () => {
    const x = tf.randomUniform(xs as [number, number, number, number], -1, 1, 'float32', 7) as tf.Tensor4D;
    const f = tf.randomUniform([k, k, xs[3], m] as [number, number, number, number], -1, 1, 'float32', 8) as tf.Tensor4D;
    const y = tf.depthwiseConv2d(x, f, a.strides, a.pad as never);
    const dy = tf.randomUniform(y.shape, -1, 1, 'float32', 9) as tf.Tensor4D;
    const attrs = { strides: a.strides, pad: a.pad, dilations: 1 };
    const refF = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: f.shape } as never) as tf.Tensor;
    const refX = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: f }, { ...attrs, inputShape: xs } as never) as tf.Tensor;
    expect(maxRelDiff(depthwiseFilterGrad(x, dy, f.shape, a), refF)).toBeLessThan(1e-5);
    expect(maxRelDiff(depthwiseInputGrad(xs, dy, f, a), refX)).toBeLessThan(1e-5);
  });
});

describe.each([
  { name: 'stride 1, valid', x: [2, 5, 6, 6, 2], k: 2, s: 1, pad: 'valid' as const },
  { name: 'stride 2, same', x: [1, 5, 7, 6, 2], k: 3, s: 2, pad: 'same' as const },
])('conv3d input gradient: $name', ({ x: xs, k, s, pad }) => {
  test('matches the cpu backend kernel', () => {
    const shape = xs as [number, number, number, number, number];
    const x = tf.randomUniform(shape, -1, 1, 'float32', 10) as tf.Tensor5D;
    const f = tf.randomUniform([k, k, k, xs[4], 3], -1, 1, 'float32', 11) as tf.Tensor5D;
    const dy = tf.randomUniform(tf.conv3d(x, f, s, pad).shape, -1, 1, 'float32', 12) as tf.Tensor5D;
    const ref = tf.engine().runKernel('Conv3DBackpropInputV2', { dy, filter: f }, { strides: s, pad, inputShape: shape } as never) as tf.Tensor;
    expect(maxRelDiff(conv3dInputGrad(shape, dy, f, s, pad), ref)).toBeLessThan(1e-5);
  });
});
