// tfjs-backend-cpu: plain JavaScript kernels; always present, slowest (~1 GFLOP/s on convolutions here).
import { packageBackend } from './backend';
import { registerBackend } from './registry';

registerBackend(packageBackend({
  name: 'cpu', pkg: '@tensorflow/tfjs-backend-cpu', load: () => require('@tensorflow/tfjs-backend-cpu'), preference: 0,
  // Its backprop kernels took ~55 s for one mini-owt step at batch 32 here; the composed forms ~2.5 s.
  avoidKernels: ['Conv2DBackpropInput', 'Conv2DBackpropFilter'],
}));
