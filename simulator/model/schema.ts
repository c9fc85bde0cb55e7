// The model file format (DESIGN.md "Model"): a DAG of layers, sequential unless `inputs` says otherwise.
// The TypeScript types are derived from the zod schemas so validation and types never drift.
import { z } from 'zod';
import { Training } from './training';

export const posInt = z
  .number({ error: 'must be a positive integer' })
  .int({ error: 'must be a positive integer' })
  .positive({ error: 'must be a positive integer' });
export const nonNegInt = z
  .number({ error: 'must be a non-negative integer' })
  .int({ error: 'must be a non-negative integer' })
  .nonnegative({ error: 'must be a non-negative integer' });
export const fraction = z
  .number({ error: 'must be a number in [0, 1)' })
  .min(0, { error: 'must be a number in [0, 1)' })
  .lt(1, { error: 'must be a number in [0, 1)' });

const size2 = z.union([posInt, z.tuple([posInt, posInt])], { error: 'must be a positive integer or [h, w]' });
const size3 = z.union([posInt, z.tuple([posInt, posInt, posInt])], { error: 'must be a positive integer or [d, h, w]' });
const padding2 = z.union([nonNegInt, z.tuple([nonNegInt, nonNegInt]), z.enum(['same', 'valid'])], {
  error: 'must be a non-negative integer, [h, w], "same" or "valid"',
});
const padding3 = z.union([nonNegInt, z.tuple([nonNegInt, nonNegInt, nonNegInt]), z.enum(['same', 'valid'])], {
  error: 'must be a non-negative integer, [d, h, w], "same" or "valid"',
});
export const Activation = z.enum(['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax']);

const base = {
  name: z.string({ error: 'must be a non-empty string' }).min(1, { error: 'must be a non-empty string' }),
  inputs: z.array(z.string()).min(1, { error: 'must name at least one layer' }).optional(),
};
const withActivation = { ...base, activation: Activation.optional() };

export const Conv2dLayer = z.strictObject({
  ...withActivation, type: z.literal('conv2d'), filters: posInt, kernel: size2,
  stride: size2.optional(), padding: padding2.optional(), useBias: z.boolean().optional(),
});
export const DepthwiseConv2dLayer = z.strictObject({
  ...withActivation, type: z.literal('depthwiseConv2d'), kernel: size2, depthMultiplier: posInt.optional(),
  stride: size2.optional(), padding: padding2.optional(), useBias: z.boolean().optional(),
});
export const SeparableConv2dLayer = z.strictObject({
  ...withActivation, type: z.literal('separableConv2d'), filters: posInt, kernel: size2, depthMultiplier: posInt.optional(),
  stride: size2.optional(), padding: padding2.optional(), useBias: z.boolean().optional(),
});
export const Conv3dLayer = z.strictObject({
  ...withActivation, type: z.literal('conv3d'), filters: posInt, kernel: size3,
  stride: size3.optional(), padding: padding3.optional(), useBias: z.boolean().optional(),
});
const pool2 = { ...base, size: size2, stride: size2.optional(), padding: padding2.optional() };
export const MaxPool2dLayer = z.strictObject({ ...pool2, type: z.literal('maxpool2d') });
export const AvgPool2dLayer = z.strictObject({ ...pool2, type: z.literal('avgpool2d') });
export const MaxPool3dLayer = z.strictObject({
  ...base, type: z.literal('maxpool3d'), size: size3, stride: size3.optional(), padding: padding3.optional(),
});
export const GlobalAvgPoolLayer = z.strictObject({ ...base, type: z.literal('globalAvgPool') });
export const DenseLayer = z.strictObject({ ...withActivation, type: z.literal('dense'), units: posInt, useBias: z.boolean().optional() });
export const BatchNormLayer = z.strictObject({ ...withActivation, type: z.literal('batchNorm') });
export const LrnLayer = z.strictObject({
  ...base, type: z.literal('lrn'), depthRadius: posInt.optional(), bias: z.number().optional(),
  alpha: z.number().optional(), beta: z.number().optional(),
});
export const DropoutLayer = z.strictObject({ ...base, type: z.literal('dropout'), rate: fraction });
export const FlattenLayer = z.strictObject({ ...base, type: z.literal('flatten') });
export const AddLayer = z.strictObject({ ...withActivation, type: z.literal('add') });
export const ConcatLayer = z.strictObject({ ...base, type: z.literal('concat') });
export const SoftmaxLayer = z.strictObject({ ...base, type: z.literal('softmax') });
export const ActivationLayer = z.strictObject({ ...base, type: z.literal('activation'), activation: Activation });

// Transformer layers (docs/transformers.md). Shapes are per sample: a sequence model's input is
// `[sequence]` (token ids) and its hidden states `[sequence, hidden]`; an image model's patches make
// the sequence. `dropout` rates matter only for memory: each dropout keeps a 1-byte mask.
const rate = fraction.optional();
/** Token ids [sequence] → vectors [sequence, hidden]: a table of `vocabulary` rows. */
export const TokenEmbeddingLayer = z.strictObject({ ...base, type: z.literal('tokenEmbedding'), vocabulary: posInt, hidden: posInt, dropout: rate });
/** Adds a learned vector per position (at most `positions` of them) to [sequence, hidden]. */
export const PositionEmbeddingLayer = z.strictObject({ ...base, type: z.literal('positionEmbedding'), positions: posInt, dropout: rate });
/** Adds a learned vector per token type (BERT's segments A and B) to [sequence, hidden]. */
export const TokenTypeEmbeddingLayer = z.strictObject({ ...base, type: z.literal('tokenTypeEmbedding'), types: posInt });
/** Image [h, w, c] → [patches, hidden]: a `patch`×`patch` convolution with stride `patch` (ViT). */
export const PatchEmbeddingLayer = z.strictObject({ ...base, type: z.literal('patchEmbedding'), patch: posInt, hidden: posInt, useBias: z.boolean().optional() });
/** Prepends one learned vector to the sequence: [n, hidden] → [n + 1, hidden] (ViT, BERT's [CLS] is a token instead). */
export const ClassTokenLayer = z.strictObject({ ...base, type: z.literal('classToken') });
/** The first position's vector: [sequence, hidden] → [hidden] (the class token, BERT's pooler input). */
export const FirstTokenLayer = z.strictObject({ ...base, type: z.literal('firstToken') });
export const LayerNormLayer = z.strictObject({ ...base, type: z.literal('layerNorm'), useBias: z.boolean().optional() });
export const RmsNormLayer = z.strictObject({ ...base, type: z.literal('rmsNorm') });
/**
 * Multi-head self-attention with its projections: [sequence, hidden] → [sequence, hidden].
 * `kvHeads` < `heads` is grouped-query attention (1: multi-query); `headDim` defaults to hidden / heads.
 */
export const AttentionLayer = z.strictObject({
  ...base, type: z.literal('attention'), heads: posInt, kvHeads: posInt.optional(), headDim: posInt.optional(),
  causal: z.boolean().optional(), useBias: z.boolean().optional(), dropout: rate,
});
export const MLP_ACTIVATIONS = ['gelu', 'relu', 'swiglu'] as const;
/** Position-wise feed-forward block: hidden → `hiddenUnits` → hidden; `swiglu` adds a gate projection (Llama). */
export const MlpLayer = z.strictObject({
  ...base, type: z.literal('mlp'), hiddenUnits: posInt,
  activation: z.enum(MLP_ACTIVATIONS, { error: `must be one of ${MLP_ACTIVATIONS.join(', ')}` }),
  useBias: z.boolean().optional(), dropout: rate,
});
/** Language-model head: [sequence, hidden] → logits [sequence, vocabulary]; `tiedTo` names the token embedding whose table it reuses. */
export const LmHeadLayer = z.strictObject({ ...base, type: z.literal('lmHead'), vocabulary: posInt, tiedTo: z.string().min(1).optional(), useBias: z.boolean().optional() });
/** Softmax cross-entropy of logits [sequence, vocabulary] against the next tokens: → per-token losses [sequence]. */
export const CrossEntropyLayer = z.strictObject({ ...base, type: z.literal('crossEntropy') });

export const LAYER_TYPES = [
  'conv2d', 'depthwiseConv2d', 'separableConv2d', 'conv3d', 'maxpool2d', 'avgpool2d', 'maxpool3d',
  'globalAvgPool', 'dense', 'batchNorm', 'lrn', 'dropout', 'flatten', 'add', 'concat', 'softmax', 'activation',
  'tokenEmbedding', 'positionEmbedding', 'tokenTypeEmbedding', 'patchEmbedding', 'classToken', 'firstToken',
  'layerNorm', 'rmsNorm', 'attention', 'mlp', 'lmHead', 'crossEntropy',
] as const;

export const Layer = z.discriminatedUnion(
  'type',
  [
    Conv2dLayer, DepthwiseConv2dLayer, SeparableConv2dLayer, Conv3dLayer, MaxPool2dLayer, AvgPool2dLayer,
    MaxPool3dLayer, GlobalAvgPoolLayer, DenseLayer, BatchNormLayer, LrnLayer, DropoutLayer, FlattenLayer,
    AddLayer, ConcatLayer, SoftmaxLayer, ActivationLayer,
    TokenEmbeddingLayer, PositionEmbeddingLayer, TokenTypeEmbeddingLayer, PatchEmbeddingLayer, ClassTokenLayer,
    FirstTokenLayer, LayerNormLayer, RmsNormLayer, AttentionLayer, MlpLayer, LmHeadLayer, CrossEntropyLayer,
  ],
  { error: (iss) => (iss.code === 'invalid_union' ? `must be one of ${LAYER_TYPES.join(', ')}` : undefined) },
);
export type Layer = z.infer<typeof Layer>;
export type LayerType = Layer['type'];

export const Model = z.object({
  $schema: z.string().optional(),
  name: z.string().min(1, { error: 'must be a non-empty string' }),
  source: z.string().optional(),
  description: z.string().optional(),
  /** [h, w, c] for images, [frames, h, w, c] for video, [sequence] of token ids for language models. */
  input: z.array(posInt).min(1, { error: 'must have 1 to 4 dimensions' }).max(4, { error: 'must have 1 to 4 dimensions' }),
  classes: posInt.optional(),
  layers: z.array(Layer).min(1, { error: 'must have at least one layer' }),
  /** Published figures this description is checked against (tests compare them). */
  published: z
    .object({ parameters: z.number().positive().optional(), forwardFlops: z.number().positive().optional(), source: z.string() })
    .optional(),
  /** Data set, target and training statistics (simulator/model/training.ts; docs/time-to-accuracy.md). */
  training: Training.optional(),
});
export type Model = z.infer<typeof Model>;
