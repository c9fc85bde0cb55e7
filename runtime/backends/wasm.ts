// tfjs-backend-wasm (XNNPACK, SIMD): the embedded default, one thread per worker.
// Measured here (tfjs 4.22, one thread): 768² matmul ~24–26 GFLOP/s; Conv2DBackpropInput ~2.8 GFLOP/s
// against ~26 GFLOP/s for the same work as a conv2d, and Conv3DBackpropInputV2 returns wrong values
// (see model/conv-grads.ts), hence `avoidKernels`.
import { packageBackend } from './backend';
import { registerBackend } from './registry';

registerBackend(packageBackend({
  name: 'wasm', pkg: '@tensorflow/tfjs-backend-wasm', load: () => require('@tensorflow/tfjs-backend-wasm'), preference: 20,
  avoidKernels: ['Conv2DBackpropInput', 'Conv3DBackpropInputV2'],
  // A wasm32 memory is at most 65,536 pages of 64 KiB (WebAssembly core spec, "Limits"): 4 GiB, in
  // which every tensor of the worker lives; past it the module traps ("memory access out of bounds").
  memoryLimitBytes: 2 ** 32,
}));
