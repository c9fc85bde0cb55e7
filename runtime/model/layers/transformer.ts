// Transformer layers on tfjs-core ops, for the simulator's layer types (docs/transformers.md).
// Activations are [batch, sequence, hidden]. Every layer is composed of kernels whose gradients
// are registered (gradients.ts), so the tape differentiates them: no hand-written backward here.
// Under tensor parallelism a layer gets its units `r` (LayerInfo.split: heads, MLP hidden units or
// vocabulary rows/columns) and its parameters already split along `splitAxis`; it returns this
// rank's partial sum (attention, MLP, token embedding: the executor all-reduces it, then adds any
// `afterReduction` bias) or its vocabulary slice of the logits (the LM head).
import * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type { AttentionLayer, LayerNormLayer, LmHeadLayer, MlpLayer, PositionEmbeddingLayer, TokenEmbeddingLayer } from '../../../simulator/model/schema';
import { attentionDims } from '../../../simulator/model/layers/attention';
import type { LayerInfo } from '../../../simulator/model/analyze';
import { oneHotFloat, ParamSpec, registerLayerImpl } from './kind';

/** ε of layer norm: torch.nn.LayerNorm's default, GPT-2's layer_norm_epsilon (1e-5). */
const LAYER_NORM_EPSILON = 1e-5;
/** ε of RMS norm: Llama-2's rms_norm_eps (1e-5, Hugging Face LlamaConfig of Llama-2). */
const RMS_NORM_EPSILON = 1e-5;
/** Added to masked attention scores: exp of it underflows to exactly 0 in float32. */
const MASKED = -1e9;

const hiddenOf = (l: LayerInfo): number => l.inputShapes[0][l.inputShapes[0].length - 1];
const weight = (name: string, shape: number[], splitAxis?: number, unitsPerEntry?: number): ParamSpec => ({
  name, shape, init: 'gpt2', fanIn: shape[0], ...(splitAxis === undefined ? {} : { splitAxis }), ...(unitsPerEntry && unitsPerEntry > 1 ? { unitsPerEntry } : {}),
});
const zeros = (name: string, shape: number[], splitAxis?: number, unitsPerEntry?: number): ParamSpec => ({
  ...weight(name, shape, splitAxis, unitsPerEntry), init: 'zeros', fanIn: 1,
});
const afterReduction = (name: string, shape: number[]): ParamSpec => ({ ...zeros(name, shape), afterReduction: true });

/** [B, s, h] → [B·s, h], the layout of every projection. */
const rows = (x: tf.Tensor): tf.Tensor2D => tf.reshape(x, [-1, x.shape[x.shape.length - 1]]);

registerLayerImpl({
  type: 'tokenEmbedding',
  params: (l) => {
    const c = l.layer as z.infer<typeof TokenEmbeddingLayer>;
    return [weight('table', [c.vocabulary, c.hidden], 0)];
  },
  // A lookup as a one-hot product: rows outside this rank's vocabulary slice come out zero (the
  // ranks' sum is the lookup, Shoeybi et al. 2019 §3), and the table's gradient is MatMul's.
  forward(l, [ids], [table], r) {
    const [b, s] = ids.shape as number[];
    const local = r ? tf.sub(ids, tf.scalar(r[0], 'int32')) : ids;
    const onehot = oneHotFloat(tf.reshape(local, [-1]) as tf.Tensor1D, table.shape[0] as number);
    return tf.reshape(tf.matMul(onehot, table as tf.Tensor2D), [b, s, table.shape[1] as number]);
  },
});

registerLayerImpl({
  type: 'positionEmbedding',
  params: (l) => [weight('table', [(l.layer as z.infer<typeof PositionEmbeddingLayer>).positions, hiddenOf(l)])],
  forward(_l, [x], [table]) {
    const s = x.shape[1] as number;
    return tf.add(x, tf.slice(table, [0, 0], [s, table.shape[1] as number]));
  },
});

registerLayerImpl({
  type: 'layerNorm',
  params: (l) => {
    const h = hiddenOf(l);
    const gain: ParamSpec = { name: 'gain', shape: [h], init: 'ones', fanIn: 1 };
    return (l.layer as z.infer<typeof LayerNormLayer>).useBias ?? true ? [gain, zeros('bias', [h])] : [gain];
  },
  forward(_l, [x], [gain, bias]) {
    const centered = tf.sub(x, tf.mean(x, -1, true));
    const y = tf.mul(tf.mul(centered, tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), LAYER_NORM_EPSILON))), gain);
    return bias ? tf.add(y, bias) : y;
  },
});

registerLayerImpl({
  type: 'rmsNorm',
  params: (l) => [{ name: 'gain', shape: [hiddenOf(l)], init: 'ones', fanIn: 1 }],
  forward: (_l, [x], [gain]) => tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), RMS_NORM_EPSILON))), gain),
});

/** Additive causal mask for `groups` query heads stacked along the rows: row g·s + i sees positions ≤ i. */
function causalMask(s: number, groups: number): tf.Tensor2D {
  const m = new Float32Array(groups * s * s);
  for (let g = 0; g < groups; g++) for (let i = 0; i < s; i++) for (let j = i + 1; j < s; j++) m[(g * s + i) * s + j] = MASKED;
  return tf.tensor2d(m, [groups * s, s]);
}

registerLayerImpl({
  type: 'attention',
  // Heads are the split units. Q's columns are grouped by head; K and V have one head per g =
  // heads/kvHeads query heads (grouped-query attention), so a rank with query heads [a, b) holds K/V
  // heads [a/g, b/g). The output projection's rows follow the query heads (row-parallel); its bias
  // is added after the reduction.
  params(l) {
    const c = l.layer as z.infer<typeof AttentionLayer>;
    const h = hiddenOf(l);
    const { q, kv, d } = attentionDims(c, h);
    const g = q / kv;
    const ps = [weight('query', [h, q, d], 1), weight('key', [h, kv, d], 1, g), weight('value', [h, kv, d], 1, g), weight('output', [q, d, h], 0)];
    if (c.useBias ?? true) ps.push(zeros('queryBias', [q, d], 0), zeros('keyBias', [kv, d], 0, g), zeros('valueBias', [kv, d], 0, g), afterReduction('outputBias', [h]));
    return ps;
  },
  forward(l, [x], [wq, wk, wv, wo, bq, bk, bv]) {
    const c = l.layer as z.infer<typeof AttentionLayer>;
    const [b, s, h] = x.shape as number[];
    const { q, kv, d } = attentionDims(c, h);
    const g = q / kv;
    const kvl = wk.shape[1] as number;
    const x2 = rows(x);
    const project = (w: tf.Tensor, bias: tf.Tensor | undefined) => {
      const y = tf.matMul(x2, tf.reshape(w, [h, -1]) as tf.Tensor2D);
      return bias ? tf.add(y, tf.reshape(bias, [-1])) : y;
    };
    // Query heads of one K/V head side by side along the rows: [B·kvl, g·s, d].
    const qh = tf.reshape(tf.transpose(tf.reshape(project(wq, bq), [b, s, kvl, g, d]), [0, 2, 3, 1, 4]), [b * kvl, g * s, d]);
    const kh = tf.reshape(tf.transpose(tf.reshape(project(wk, bk), [b, s, kvl, d]), [0, 2, 1, 3]), [b * kvl, s, d]);
    const vh = tf.reshape(tf.transpose(tf.reshape(project(wv, bv), [b, s, kvl, d]), [0, 2, 1, 3]), [b * kvl, s, d]);
    // Explicit transposes rather than matMul's flags (tfjs-backend-wasm is ~30× slower with them, gradients.ts).
    let scores = tf.mul(tf.matMul(qh, tf.transpose(kh, [0, 2, 1])), tf.scalar(1 / Math.sqrt(d)));
    if (c.causal) scores = tf.add(scores, causalMask(s, g));
    const heads = tf.matMul(tf.softmax(scores), vh); // [B·kvl, g·s, d]
    const merged = tf.reshape(tf.transpose(tf.reshape(heads, [b, kvl, g, s, d]), [0, 3, 1, 2, 4]), [b * s, kvl * g * d]);
    return tf.reshape(tf.matMul(merged, tf.reshape(wo, [-1, h]) as tf.Tensor2D), [b, s, h]);
  },
});

/** GELU, tanh form (Hendrycks & Gimpel 2016 eq. 2; GPT-2's "gelu_new"): 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))). */
function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

registerLayerImpl({
  type: 'mlp',
  // Hidden units are the split units: the input projection(s) column-parallel, the output
  // projection row-parallel with its bias added after the reduction.
  params(l) {
    const c = l.layer as z.infer<typeof MlpLayer>;
    const h = hiddenOf(l);
    const f = c.hiddenUnits;
    const bias = c.useBias ?? true;
    const ps = [weight('in', [h, f], 1)];
    if (bias) ps.push(zeros('inBias', [f], 0));
    if (c.activation === 'swiglu') {
      ps.push(weight('gate', [h, f], 1));
      if (bias) ps.push(zeros('gateBias', [f], 0));
    }
    ps.push(weight('out', [f, h], 0));
    if (bias) ps.push(afterReduction('outBias', [h]));
    return ps;
  },
  forward(l, [x], ps) {
    const c = l.layer as z.infer<typeof MlpLayer>;
    const bias = c.useBias ?? true;
    const [b, s, h] = x.shape as number[];
    const x2 = rows(x);
    let k = 0;
    const proj = () => {
      const y = tf.matMul(x2, ps[k++] as tf.Tensor2D);
      return bias ? tf.add(y, ps[k++]) : y;
    };
    const up = proj();
    let a: tf.Tensor;
    if (c.activation === 'swiglu') {
      const gate = proj();
      a = tf.mul(tf.mul(gate, tf.sigmoid(gate)), up); // SiLU(gate) · up (Shazeer 2020)
    } else a = c.activation === 'relu' ? tf.relu(up) : gelu(up);
    return tf.reshape(tf.matMul(a as tf.Tensor2D, ps[k] as tf.Tensor2D), [b, s, h]);
  },
});

registerLayerImpl({
  type: 'lmHead',
  // Vocabulary columns are the split units: each rank computes its slice of the logits, which the
  // vocabulary-parallel loss reads as they are.
  params(l) {
    const c = l.layer as z.infer<typeof LmHeadLayer>;
    const h = hiddenOf(l);
    const ps = [weight('weight', [h, c.vocabulary], 1)];
    if (c.useBias) ps.push(zeros('bias', [c.vocabulary], 0));
    return ps;
  },
  forward(_l, [x], [w, bias]) {
    const [b, s] = x.shape as number[];
    const y = tf.matMul(rows(x), w as tf.Tensor2D);
    return tf.reshape(bias ? tf.add(y, bias) : y, [b, s, w.shape[1] as number]);
  },
});
