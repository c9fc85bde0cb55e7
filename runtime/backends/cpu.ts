// tfjs-backend-cpu: plain JavaScript kernels; always present, slowest (~1 GFLOP/s on convolutions here).
import * as tf from '@tensorflow/tfjs-core';
import { installed } from './backend';
import { registerBackend } from './registry';

registerBackend({
  name: 'cpu',
  preference: 0,
  synchronous: true,
  // Its backprop kernels took ~55 s for one mini-owt step at batch 32 here; the composed forms ~2.5 s.
  avoidKernels: ['Conv2DBackpropInput', 'Conv2DBackpropFilter'],
  async probe() {
    return installed('@tensorflow/tfjs-backend-cpu') ? { ok: true } : { ok: false, reason: '@tensorflow/tfjs-backend-cpu is not installed' };
  },
  async activate() {
    require('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
  },
});
