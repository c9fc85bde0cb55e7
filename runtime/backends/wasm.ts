// tfjs-backend-wasm (XNNPACK, SIMD): the embedded default, one thread per worker.
// Measured here (tfjs 4.22, one thread): 768² matmul ~24–26 GFLOP/s; Conv2DBackpropInput ~2.8 GFLOP/s
// against ~26 GFLOP/s for the same work as a conv2d, and Conv3DBackpropInputV2 returns wrong values
// (see model/conv-grads.ts), hence `avoidKernels`.
import * as tf from '@tensorflow/tfjs-core';
import { installed } from './backend';
import { registerBackend } from './registry';

registerBackend({
  name: 'wasm',
  preference: 20,
  synchronous: true,
  avoidKernels: ['Conv2DBackpropInput', 'Conv3DBackpropInputV2'],
  async probe() {
    return installed('@tensorflow/tfjs-backend-wasm') ? { ok: true } : { ok: false, reason: '@tensorflow/tfjs-backend-wasm is not installed' };
  },
  async activate() {
    require('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  },
});
