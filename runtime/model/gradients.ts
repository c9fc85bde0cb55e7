// Gradients of the kernels the runtime's layers use. tfjs-core's npm bundle ships without any
// gradient definitions (the `@tensorflow/tfjs` union package registers them), so the runtime
// registers its own, one small config per kernel, only where none is registered yet.
// Convolution gradients use the composed forms in conv-grads.ts where the backend lacks a fast
// backprop kernel (see `avoidKernels`).
import * as tf from '@tensorflow/tfjs-core';
import { conv2dFilterGrad, conv2dInputGrad, Conv2dAttrs, conv3dInputGrad, depthwiseFilterGrad, depthwiseInputGrad } from './conv-grads';

type T = tf.Tensor;
type Grads = Record<string, () => T>;
type Attrs = Record<string, unknown>;

/** Sums dy over the axes along which `shape` was broadcast, then reshapes to `shape`. */
function unbroadcast(dy: T, shape: number[]): T {
  const axes = tf.backend_util.getReductionAxes(shape, dy.shape);
  return tf.reshape(axes.length ? tf.sum(dy, axes) : dy, shape);
}

const transposeLast2 = (t: T) => {
  const perm = t.shape.map((_, i) => i);
  [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
  return tf.transpose(t, perm);
};

/** Kernels to route around on the current backend (missing or slow), set by the backend at activation. */
let avoid = new Set<string>();
export function avoidKernels(names: Iterable<string>): void {
  avoid = new Set(names);
}
function native(kernel: string): boolean {
  return !avoid.has(kernel) && tf.getKernel(kernel, tf.getBackend()) !== undefined;
}
const run = (kernel: string, inputs: Record<string, T>, attrs: Attrs): T =>
  tf.engine().runKernel(kernel, inputs as tf.NamedTensorMap, attrs as never) as T;

function reduceGrad(x: T, dy: T, axis: number | number[], scale: number): T {
  const axes = tf.util.parseAxisParam(axis, x.shape);
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const g = tf.mul(tf.reshape(dy, kept), tf.ones(x.shape));
  return scale === 1 ? g : tf.mul(g, tf.scalar(scale));
}

const configs: tf.GradConfig[] = [
  { kernelName: 'Add', inputsToSave: ['a', 'b'], gradFunc: (dy, [a, b]) => ({ a: () => unbroadcast(dy as T, a.shape), b: () => unbroadcast(dy as T, b.shape) }) },
  { kernelName: 'AddN', saveAllInputs: true, gradFunc: (dy, saved) => Object.fromEntries(saved.map((_, i) => [i, () => tf.clone(dy as T)])) },
  { kernelName: 'Sub', inputsToSave: ['a', 'b'], gradFunc: (dy, [a, b]) => ({ a: () => unbroadcast(dy as T, a.shape), b: () => tf.neg(unbroadcast(dy as T, b.shape)) }) },
  {
    kernelName: 'Multiply', inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({ a: () => unbroadcast(tf.mul(dy as T, tf.cast(b, 'float32')), a.shape), b: () => unbroadcast(tf.mul(dy as T, tf.cast(a, 'float32')), b.shape) }),
  },
  {
    kernelName: 'RealDiv', inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => ({ a: () => unbroadcast(tf.div(dy as T, b), a.shape), b: () => unbroadcast(tf.neg(tf.div(tf.mul(dy as T, a), tf.square(b))), b.shape) }),
  },
  {
    // Explicit transposes: tfjs-backend-wasm's matMul with transpose flags is ~30× slower (measured).
    kernelName: 'BatchMatMul', inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b], attrs) => {
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      const d = dy as T, t = transposeLast2;
      if (!transposeA && !transposeB) return { a: () => tf.matMul(d, t(b)), b: () => tf.matMul(t(a), d) };
      if (!transposeA && transposeB) return { a: () => tf.matMul(d, b), b: () => tf.matMul(t(d), a) };
      if (transposeA && !transposeB) return { a: () => tf.matMul(b, t(d)), b: () => tf.matMul(a, d) };
      return { a: () => tf.matMul(t(b), t(d)), b: () => tf.matMul(t(d), t(a)) };
    },
  },
  { kernelName: 'Reshape', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.reshape(dy as T, x.shape) }) },
  { kernelName: 'Identity', gradFunc: (dy) => ({ x: () => tf.clone(dy as T) }) },
  { kernelName: 'Cast', gradFunc: (dy) => ({ x: () => tf.clone(dy as T) }) },
  { kernelName: 'Neg', gradFunc: (dy) => ({ x: () => tf.neg(dy as T) }) },
  {
    kernelName: 'Transpose',
    gradFunc: (dy, _s, attrs) => {
      const perm = (attrs as { perm: number[] }).perm;
      const inv = perm.map((_, i) => perm.indexOf(i));
      return { x: () => tf.transpose(dy as T, inv) };
    },
  },
  { kernelName: 'Sum', inputsToSave: ['x'], gradFunc: (dy, [x], attrs) => ({ x: () => reduceGrad(x, dy as T, (attrs as { axis: number[] }).axis, 1) }) },
  {
    kernelName: 'Mean', inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const axes = tf.util.parseAxisParam((attrs as { axis: number[] }).axis, x.shape);
      const n = axes.reduce((p, i) => p * x.shape[i], 1);
      return { x: () => reduceGrad(x, dy as T, axes, 1 / n) };
    },
  },
  { kernelName: 'Relu', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as T, tf.cast(tf.greater(x, 0), 'float32')) }) },
  { kernelName: 'Relu6', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as T, tf.cast(tf.logicalAnd(tf.greater(x, 0), tf.lessEqual(x, 6)), 'float32')) }) },
  { kernelName: 'Sigmoid', outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as T, tf.mul(y, tf.sub(1, y))) }) },
  { kernelName: 'Tanh', outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as T, tf.sub(1, tf.square(y))) }) },
  { kernelName: 'Exp', outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as T, y) }) },
  { kernelName: 'Log', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.div(dy as T, x) }) },
  { kernelName: 'Square', inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as T, tf.mul(x, 2)) }) },
  { kernelName: 'Sqrt', outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.div(dy as T, tf.mul(y, 2)) }) },
  { kernelName: 'Rsqrt', outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(dy as T, tf.mul(tf.pow(y, 3), -0.5)) }) },
  {
    kernelName: 'SquaredDifference', inputsToSave: ['a', 'b'],
    gradFunc: (dy, [a, b]) => {
      const g = () => tf.mul(dy as T, tf.mul(tf.sub(a, b), 2));
      return { a: () => unbroadcast(g(), a.shape), b: () => tf.neg(unbroadcast(g(), b.shape)) };
    },
  },
  {
    kernelName: 'Softmax', outputsToSave: [true],
    gradFunc: (dy, [y], attrs) => {
      const dim = (attrs as { dim: number }).dim;
      return { logits: () => { const dyY = tf.mul(dy as T, y); return tf.sub(dyY, tf.mul(tf.sum(dyY, dim, true), y)); } };
    },
  },
  {
    kernelName: 'Concat', saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const axis = tf.util.parseAxisParam((attrs as { axis: number }).axis, saved[0].shape)[0];
      const parts = tf.split(dy as T, saved.map((t) => t.shape[axis]), axis);
      return Object.fromEntries(parts.map((p, i) => [i, () => p]));
    },
  },
  {
    kernelName: 'Slice', inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const { begin, size } = attrs as { begin: number[]; size: number[] };
      const [b, s] = tf.slice_util.parseSliceParams(x, begin, size);
      return { x: () => tf.pad(dy as T, x.shape.map((d, i) => [b[i], d - b[i] - s[i]] as [number, number])) };
    },
  },
  {
    kernelName: 'PadV2', inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({ x: () => tf.slice(dy as T, (attrs as { paddings: [number, number][] }).paddings.map((p) => p[0]), x.shape) }),
  },
  {
    kernelName: 'Conv2D', inputsToSave: ['x', 'filter'],
    gradFunc: (dy, [x, filter], attrs) => {
      const a = attrs as unknown as Conv2dAttrs & { dataFormat: string };
      const d = dy as tf.Tensor4D, x4 = x as tf.Tensor4D, f4 = filter as tf.Tensor4D;
      const k = { strides: a.strides, pad: a.pad, dimRoundingMode: a.dimRoundingMode };
      return {
        x: () => (native('Conv2DBackpropInput') ? run('Conv2DBackpropInput', { dy: d, filter: f4 }, { ...k, dataFormat: 'NHWC', inputShape: x.shape, dilations: 1 }) : conv2dInputGrad(x.shape, d, f4, k)),
        filter: () => (native('Conv2DBackpropFilter') ? run('Conv2DBackpropFilter', { x: x4, dy: d }, { ...k, dataFormat: 'NHWC', filterShape: filter.shape }) : conv2dFilterGrad(x4, d, filter.shape, k)),
      };
    },
  },
  {
    kernelName: 'DepthwiseConv2dNative', inputsToSave: ['x', 'filter'],
    gradFunc: (dy, [x, filter], attrs) => {
      const a = attrs as unknown as Conv2dAttrs;
      const d = dy as tf.Tensor4D, x4 = x as tf.Tensor4D, f4 = filter as tf.Tensor4D;
      const k = { strides: a.strides, pad: a.pad, dimRoundingMode: a.dimRoundingMode, dilations: 1 };
      return {
        x: () => (native('DepthwiseConv2dNativeBackpropInput') ? run('DepthwiseConv2dNativeBackpropInput', { dy: d, filter: f4 }, { ...k, inputShape: x.shape }) : depthwiseInputGrad(x.shape, d, f4, k)),
        filter: () => (native('DepthwiseConv2dNativeBackpropFilter') ? run('DepthwiseConv2dNativeBackpropFilter', { x: x4, dy: d }, { ...k, filterShape: filter.shape }) : depthwiseFilterGrad(x4, d, filter.shape, k)),
      };
    },
  },
  {
    kernelName: 'Conv3D', inputsToSave: ['x', 'filter'],
    gradFunc: (dy, [x, filter], attrs) => {
      const { strides, pad } = attrs as { strides: number; pad: 'same' | 'valid' };
      return {
        x: () => (native('Conv3DBackpropInputV2') ? run('Conv3DBackpropInputV2', { dy: dy as T, filter }, { strides, pad, inputShape: x.shape }) : conv3dInputGrad(x.shape, dy as tf.Tensor5D, filter as tf.Tensor5D, strides, pad)),
        filter: () => run('Conv3DBackpropFilterV2', { x, dy: dy as T }, { strides, pad, filterShape: filter.shape }),
      };
    },
  },
  {
    kernelName: 'MaxPool', inputsToSave: ['x'], outputsToSave: [true],
    gradFunc: (dy, [x, y], attrs) => ({ x: () => run('MaxPoolGrad', { dy: dy as T, input: x, output: y }, attrs as Attrs) }),
  },
  { kernelName: 'AvgPool', inputsToSave: ['x'], gradFunc: (dy, [x], attrs) => ({ x: () => run('AvgPoolGrad', { dy: dy as T, input: x }, attrs as Attrs) }) },
  {
    kernelName: 'MaxPool3D', inputsToSave: ['x'], outputsToSave: [true],
    gradFunc: (dy, [x, y], attrs) => ({ x: () => run('MaxPool3DGrad', { dy: dy as T, input: x, output: y }, attrs as Attrs) }),
  },
  { kernelName: 'AvgPool3D', inputsToSave: ['x'], gradFunc: (dy, [x], attrs) => ({ x: () => run('AvgPool3DGrad', { dy: dy as T, input: x }, attrs as Attrs) }) },
  {
    kernelName: 'LRN', inputsToSave: ['x'], outputsToSave: [true],
    gradFunc: (dy, [x, y], attrs) => ({ x: () => run('LRNGrad', { x, y, dy: dy as T }, attrs as Attrs) }),
  },
];

let registered = false;
/** Registers the configs above for kernels that have no gradient yet (idempotent). */
export function registerGradients(): void {
  if (registered) return;
  registered = true;
  for (const c of configs) if (!tf.getGradient(c.kernelName)) tf.registerGradient(c);
}
