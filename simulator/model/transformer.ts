// Builds a transformer's model description (the layer list of scenarios/models/*.json) from its
// hyper-parameters: decoder-only language models (GPT, Llama), encoders (BERT) and ViT. The zoo
// files are written by scripts/transformer-zoo.ts with this; tests build the Megatron-LM family with it.
import type { Layer, Model } from './schema';

export interface TransformerSpec {
  name: string;
  source: string;
  description?: string;
  /** decoder: causal LM with a head and loss; encoder: BERT with a pooler; vit: image classifier. */
  family: 'decoder' | 'encoder' | 'vit';
  layers: number;
  hidden: number;
  heads: number;
  kvHeads?: number;
  ffn: number;
  activation: 'gelu' | 'swiglu';
  norm: 'layerNorm' | 'rmsNorm';
  /** Norm before each sub-block (GPT-2 on, Llama, ViT) or after the residual add (BERT). */
  normFirst: boolean;
  /** Learned position vectors, or none (rotary embeddings have no parameters and are left out). */
  learnedPositions: boolean;
  positions: number;
  sequence: number;
  vocabulary: number;
  tied: boolean;
  bias: boolean;
  dropout?: number;
  /** vit: image side, channels, patch and classes. */
  image?: { side: number; channels: number; patch: number; classes: number };
  tokenTypes?: number;
  published?: Model['published'];
}

type L = Layer & Record<string, unknown>;

/** The layers of block `i` reading `x`, in pre- or post-norm order; returns them and the block's output name. */
function block(s: TransformerSpec, i: number, x: string): { layers: L[]; out: string } {
  const p = `h${i}.`;
  const drop = s.dropout ? { dropout: s.dropout } : {};
  const norm = (name: string): L => (s.norm === 'rmsNorm' ? { name, type: 'rmsNorm' } : { name, type: 'layerNorm', ...(s.bias ? {} : { useBias: false }) }) as L;
  const attn = {
    name: `${p}attn`, type: 'attention', heads: s.heads, ...(s.kvHeads && s.kvHeads !== s.heads ? { kvHeads: s.kvHeads } : {}),
    causal: s.family === 'decoder', ...(s.bias ? {} : { useBias: false }), ...drop,
  } as L;
  const mlp = { name: `${p}mlp`, type: 'mlp', hiddenUnits: s.ffn, activation: s.activation, ...(s.bias ? {} : { useBias: false }), ...drop } as L;
  if (s.normFirst)
    return {
      out: `${p}add2`,
      layers: [
        { ...norm(`${p}norm1`), inputs: [x] } as L, attn, { name: `${p}add1`, type: 'add', inputs: [x, `${p}attn`] } as L,
        norm(`${p}norm2`), mlp, { name: `${p}add2`, type: 'add', inputs: [`${p}add1`, `${p}mlp`] } as L,
      ],
    };
  return {
    out: `${p}norm2`,
    layers: [
      { ...attn, inputs: [x] }, { name: `${p}add1`, type: 'add', inputs: [x, `${p}attn`] } as L, norm(`${p}norm1`),
      mlp, { name: `${p}add2`, type: 'add', inputs: [`${p}norm1`, `${p}mlp`] } as L, norm(`${p}norm2`),
    ],
  };
}

export function transformerModel(s: TransformerSpec): Model {
  const layers: L[] = [];
  const drop = s.dropout ? { dropout: s.dropout } : {};
  let input: number[];
  if (s.family === 'vit') {
    const im = s.image!;
    input = [im.side, im.side, im.channels];
    layers.push({ name: 'patches', type: 'patchEmbedding', patch: im.patch, hidden: s.hidden } as L);
    layers.push({ name: 'cls', type: 'classToken' } as L);
  } else {
    input = [s.sequence];
    layers.push({ name: 'tokens', type: 'tokenEmbedding', vocabulary: s.vocabulary, hidden: s.hidden, ...(s.learnedPositions ? {} : drop) } as L);
  }
  if (s.learnedPositions) layers.push({ name: 'positions', type: 'positionEmbedding', positions: s.positions, ...(s.tokenTypes ? {} : drop) } as L);
  if (s.tokenTypes) {
    layers.push({ name: 'tokenTypes', type: 'tokenTypeEmbedding', types: s.tokenTypes } as L);
    layers.push({ name: 'embeddingNorm', type: 'layerNorm' } as L);
  }
  let x = layers[layers.length - 1].name;
  for (let i = 0; i < s.layers; i++) {
    const b = block(s, i, x);
    layers.push(...b.layers);
    x = b.out;
  }
  if (s.normFirst) layers.push((s.norm === 'rmsNorm' ? { name: 'finalNorm', type: 'rmsNorm' } : { name: 'finalNorm', type: 'layerNorm', ...(s.bias ? {} : { useBias: false }) }) as L);
  if (s.family === 'decoder') {
    layers.push({ name: 'lmHead', type: 'lmHead', vocabulary: s.vocabulary, ...(s.tied ? { tiedTo: 'tokens' } : {}) } as L);
    layers.push({ name: 'loss', type: 'crossEntropy' } as L);
  } else if (s.family === 'encoder') {
    layers.push({ name: 'first', type: 'firstToken' } as L);
    layers.push({ name: 'pooler', type: 'dense', units: s.hidden, activation: 'tanh' } as L);
  } else {
    layers.push({ name: 'first', type: 'firstToken' } as L);
    layers.push({ name: 'head', type: 'dense', units: s.image!.classes } as L);
  }
  return {
    name: s.name, source: s.source, ...(s.description ? { description: s.description } : {}), input,
    ...(s.family === 'vit' ? { classes: s.image!.classes } : {}),
    layers: layers as Layer[], ...(s.published ? { published: s.published } : {}),
  };
}

/** The GPT models of Narayanan et al. 2021 (Megatron-LM, SC'21) Table 1: sequence 2,048, vocabulary 51,200 (GPT-2's 50,257 padded). */
export const MEGATRON_GPT = [
  { billions: 1.7, heads: 24, hidden: 2304, layers: 24, tp: 1, pp: 1, gpus: 32, batch: 512, tflops: 137 },
  { billions: 3.6, heads: 32, hidden: 3072, layers: 30, tp: 2, pp: 1, gpus: 64, batch: 512, tflops: 138 },
  { billions: 7.5, heads: 32, hidden: 4096, layers: 36, tp: 4, pp: 1, gpus: 128, batch: 512, tflops: 142 },
  { billions: 18.4, heads: 48, hidden: 6144, layers: 40, tp: 8, pp: 1, gpus: 256, batch: 1024, tflops: 135 },
  { billions: 39.1, heads: 64, hidden: 8192, layers: 48, tp: 8, pp: 2, gpus: 512, batch: 1536, tflops: 138 },
  { billions: 76.1, heads: 80, hidden: 10240, layers: 60, tp: 8, pp: 4, gpus: 1024, batch: 1792, tflops: 140 },
  { billions: 145.6, heads: 96, hidden: 12288, layers: 80, tp: 8, pp: 8, gpus: 1536, batch: 2304, tflops: 148 },
  { billions: 310.1, heads: 128, hidden: 16384, layers: 96, tp: 8, pp: 16, gpus: 1920, batch: 2160, tflops: 155 },
  { billions: 529.6, heads: 128, hidden: 20480, layers: 105, tp: 8, pp: 35, gpus: 2520, batch: 2520, tflops: 163 },
  { billions: 1008.0, heads: 160, hidden: 25600, layers: 128, tp: 8, pp: 64, gpus: 3072, batch: 3072, tflops: 163 },
] as const;

export type MegatronRow = (typeof MEGATRON_GPT)[number];

export const MEGATRON_SOURCE =
  "Narayanan et al. 2021, 'Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM' (SC'21, arXiv:2104.04473), Table 1: GPT with sequence 2,048 and vocabulary 51,200; Megatron-LM's GPT layer (pre-LN, biases, GELU 4h MLP, learned positions, output layer tied to the token embedding, dropout 0.1)";

/** A Megatron-LM GPT of `heads`, `hidden` and `layers` (the Table 1 family's shape, any size). */
export function megatronSpec(r: { billions: number; heads: number; hidden: number; layers: number }): TransformerSpec {
  return {
    name: `megatron-gpt-${r.billions}b`, family: 'decoder', source: MEGATRON_SOURCE,
    layers: r.layers, hidden: r.hidden, heads: r.heads, ffn: 4 * r.hidden, activation: 'gelu', norm: 'layerNorm', normFirst: true,
    learnedPositions: true, positions: 2048, sequence: 2048, vocabulary: 51200, tied: true, bias: true, dropout: 0.1,
    published: { parameters: r.billions * 1e9, source: `${MEGATRON_SOURCE}: ${r.billions}B parameters` },
  };
}
