// @tensorflow/tfjs-node-gpu: libtensorflow with CUDA (optional; needs the internet to install and
// an NVIDIA GPU). Not exercised on the development machine, where the package is absent.
import { packageBackend } from './backend';
import { registerBackend } from './registry';

registerBackend(packageBackend({
  name: 'tensorflow-gpu', pkg: '@tensorflow/tfjs-node-gpu', load: () => require('@tensorflow/tfjs-node-gpu'), tfName: 'tensorflow', preference: 50,
}));
