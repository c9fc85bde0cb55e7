// Every layer type's gradients (the runtime's own gradient configs, through the tape) agree with
// central finite differences on small random instances, on the cpu and wasm backends (wasm routes
// convolution gradients through the composed forms of conv-grads.ts).
import * as tf from '@tensorflow/tfjs-core';
import { activateBackend } from '../../../runtime/backends';
import { Part, headOf } from '../../../runtime/model/network';
import { record } from '../../../runtime/model/tape';
import { modelFrom } from '../../helpers/scenarios';


/** Small models, one or two layer types each; tanh keeps the functions smooth for finite differences. */
const models: Record<string, unknown> = {
  conv2d: { input: [6, 6, 2], layers: [{ name: 'a', type: 'conv2d', filters: 3, kernel: 3, stride: 2, padding: 1, activation: 'tanh' }] },
  depthwiseConv2d: { input: [5, 5, 2], layers: [{ name: 'a', type: 'depthwiseConv2d', kernel: 3, depthMultiplier: 2, padding: 'same', activation: 'sigmoid' }] },
  separableConv2d: { input: [5, 5, 2], layers: [{ name: 'a', type: 'separableConv2d', filters: 3, kernel: 3, padding: 'valid', activation: 'tanh' }] },
  conv3d: { input: [3, 4, 4, 2], layers: [{ name: 'a', type: 'conv3d', filters: 2, kernel: 2, padding: 1, activation: 'tanh' }] },
  'pools': { input: [6, 6, 2], layers: [{ name: 'a', type: 'maxpool2d', size: 2 }, { name: 'b', type: 'avgpool2d', size: 2, stride: 1 }, { name: 'c', type: 'globalAvgPool' }] },
  maxpool3d: { input: [4, 4, 4, 2], layers: [{ name: 'a', type: 'maxpool3d', size: 2 }] },
  dense: { input: [3, 2, 2], layers: [{ name: 'a', type: 'dense', units: 4, activation: 'relu6' }, { name: 'b', type: 'dense', units: 3, activation: 'tanh' }] },
  batchNorm: { input: [3, 3, 3], layers: [{ name: 'a', type: 'batchNorm', activation: 'tanh' }] },
  lrn: { input: [3, 3, 5], layers: [{ name: 'a', type: 'lrn', depthRadius: 1, bias: 1, alpha: 0.5, beta: 0.75 }] },
  // A pre-norm transformer block on hidden states [4, 8]: causal grouped-query attention, GELU MLP,
  // residual adds, both norms, an LM head with a bias (its output biases are added after the reduction).
  'attention, mlp, layerNorm, rmsNorm, lmHead': {
    input: [4, 8],
    layers: [
      { name: 'n1', type: 'layerNorm' },
      { name: 'attn', type: 'attention', heads: 4, kvHeads: 2, causal: true },
      { name: 'r1', type: 'add', inputs: ['input', 'attn'] },
      { name: 'n2', type: 'rmsNorm' },
      { name: 'mlp', type: 'mlp', hiddenUnits: 12, activation: 'gelu' },
      { name: 'r2', type: 'add', inputs: ['r1', 'mlp'] },
      { name: 'head', type: 'lmHead', vocabulary: 6, useBias: true },
    ],
  },
  'mlp (swiglu), attention without bias': {
    input: [3, 6],
    layers: [
      { name: 'attn', type: 'attention', heads: 2, useBias: false },
      { name: 'mlp', type: 'mlp', hiddenUnits: 5, activation: 'swiglu', useBias: false },
    ],
  },
  'add, concat, softmax': {
    input: [3, 3, 2],
    layers: [
      { name: 'a', type: 'conv2d', filters: 2, kernel: 1, activation: 'tanh' },
      { name: 'b', type: 'add', inputs: ['a', 'input'] },
      { name: 'c', type: 'concat', inputs: ['a', 'b'] },
      { name: 'f', type: 'flatten' },
      { name: 'd', type: 'dense', units: 3 },
      { name: 's', type: 'softmax' },
    ],
  },
};

function check(name: string, raw: Record<string, unknown>) {
  const model = modelFrom({ name, ...raw });
  // Keep the trailing softmax in the network here: its gradient is under test too.
  const head = { ...headOf(model), excluded: new Set<number>(), skipActivation: new Set<number>() };
  const part = new Part(model, model.order, { seed: 3, head });
  const batch = 2;
  const x = tf.variable(tf.randomUniform([batch, ...model.model.input], -1, 1, 'float32', 11));
  const ctx = { training: false, seed: 1, step: 0, samples: [0, 1] };
  const out = tf.tidy(() => part.forward(x, ctx));
  const r = tf.randomUniform(out.shape, -1, 1, 'float32', 12);
  const f = () => tf.tidy(() => tf.sum(tf.mul(part.forward(x, ctx), r)).dataSync()[0]);
  const rec = record(() => part.forward(x, ctx));
  const xs: tf.Variable[] = [x, ...part.variables];
  const grads = rec.backward(r, xs);
  const eps = 1e-2;
  for (const [i, v] of xs.entries()) {
    const g = grads[i]!.dataSync();
    const values = v.dataSync().slice();
    for (const j of [0, Math.floor(values.length / 2), values.length - 1]) {
      const at = (d: number) => {
        const w = values.slice();
        w[j] += d;
        v.assign(tf.tensor(w, v.shape));
        return f();
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      v.assign(tf.tensor(values, v.shape));
      expect({ param: v.name, j, g: g[j] }).toEqual({ param: v.name, j, g: expect.closeTo(numeric, 2) });
    }
  }
}

describe.each(['cpu', 'wasm'])('on %s', (backend) => {
  beforeAll(async () => {
    await activateBackend(backend);
  });
  test.each(Object.keys(models))('gradients of %s match finite differences', (name) => check(name, models[name] as Record<string, unknown>));
});
