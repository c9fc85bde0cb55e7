// @tensorflow/tfjs-node: libtensorflow on the CPU (optional; its install needs the internet).
// Both tfjs-node packages register the backend 'tensorflow' into the shared tfjs engine.
// Not exercised on the development machine, where the package is absent.
import * as tf from '@tensorflow/tfjs-core';
import { installed } from './backend';
import { registerBackend } from './registry';

registerBackend({
  name: 'tensorflow',
  preference: 30,
  synchronous: true,
  async probe() {
    return installed('@tensorflow/tfjs-node') ? { ok: true } : { ok: false, reason: '@tensorflow/tfjs-node is not installed' };
  },
  async activate() {
    require('@tensorflow/tfjs-node');
    if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend failed to initialise');
  },
});
