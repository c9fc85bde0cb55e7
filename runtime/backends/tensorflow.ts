// @tensorflow/tfjs-node: libtensorflow on the CPU (optional; its install needs the internet).
// Both tfjs-node packages register the backend 'tensorflow' into the shared tfjs engine.
// Not exercised on the development machine, where the package is absent.
import { packageBackend } from './backend';
import { registerBackend } from './registry';

registerBackend(packageBackend({ name: 'tensorflow', pkg: '@tensorflow/tfjs-node', load: () => require('@tensorflow/tfjs-node'), preference: 30 }));
