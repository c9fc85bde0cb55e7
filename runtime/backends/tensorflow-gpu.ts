// @tensorflow/tfjs-node-gpu: libtensorflow with CUDA (optional; needs the internet to install and
// an NVIDIA GPU). Not exercised on the development machine, where the package is absent.
import * as tf from '@tensorflow/tfjs-core';
import { installed } from './backend';
import { registerBackend } from './registry';

registerBackend({
  name: 'tensorflow-gpu',
  preference: 50,
  synchronous: true,
  async probe() {
    return installed('@tensorflow/tfjs-node-gpu') ? { ok: true } : { ok: false, reason: '@tensorflow/tfjs-node-gpu is not installed' };
  },
  async activate() {
    require('@tensorflow/tfjs-node-gpu');
    if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow-gpu backend failed to initialise');
  },
});
