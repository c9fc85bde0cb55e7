// Embeddings: token ids → vectors (a vocabulary-parallel table under tensor parallelism, as
// Megatron-LM splits it), learned position and token-type vectors added to them, and ViT's patch
// embedding (a patch×patch convolution with stride patch). A lookup does no multiply-adds: it is
// counted as one FLOP per output element forward and one per element of the weight-gradient scatter.
import type { z } from 'zod';
import type { PatchEmbeddingLayer, PositionEmbeddingLayer, TokenEmbeddingLayer, TokenTypeEmbeddingLayer } from '../schema';
import { elements, LayerKind, registerLayerKind, REPLICATED, Shape, wholeStash } from './kind';
import { hiddenStates, isProblem } from './sequence';

/** Bytes of a dropout mask over `n` values (one byte each, Korthikanti et al. 2022), or nothing without dropout. */
export const dropoutMaskBytes = (rate: number | undefined, n: number): number => (rate ? n : 0);

export const tokenEmbedding: LayerKind<z.infer<typeof TokenEmbeddingLayer>> = {
  type: 'tokenEmbedding',
  outputShape(l, [x]) {
    if (x.length !== 1) return { field: 'type', message: `needs token ids [sequence], got [${x.join(', ')}]` };
    return [x[0], l.hidden];
  },
  cost(l, [x]) {
    const n = x[0] * l.hidden;
    return { parameters: l.vocabulary * l.hidden, forwardFlops: n, backwardInputFlops: 0, backwardWeightFlops: n, splitUnits: l.vocabulary };
  },
  // Vocabulary-parallel: each rank holds a slice of the rows, looks up the ids it owns (zeros for
  // the rest) and the ranks all-reduce the output (Shoeybi et al. 2019 §3).
  split: (l, [x], _o, c) => ({
    over: 'vocabulary', units: l.vocabulary, even: false, unitOutputs: 1, splitParameters: c.parameters,
    input: 'replicated', output: 'replicated', forwardReduce: x[0] * l.hidden, backwardReduce: 0,
  }),
  stash: (l, [x]) => wholeStash(0, dropoutMaskBytes(l.dropout, x[0] * l.hidden)),
  // A gather writing the hidden states; backward scatters their gradient into the table's (sharded) gradient.
  kernels: (l, [x]) => ({
    gemms: [], dividedBytes: { forward: 0, backward: 0 }, wholeBytes: { forward: 4 * x[0] * l.hidden, backward: 6 * x[0] * l.hidden }, launches: 1,
  }),
};

type Added = z.infer<typeof PositionEmbeddingLayer> | z.infer<typeof TokenTypeEmbeddingLayer>;

/** A table of `rows(l)` learned vectors added to the hidden states (replicated on every tensor rank). */
function addedEmbedding<L extends Added>(type: L['type'], rows: (l: L) => number, check: (l: L, s: number) => string | undefined): LayerKind<L> {
  return {
    type,
    outputShape(l, [x]) {
      const hs = hiddenStates(x, type);
      if (isProblem(hs)) return hs;
      const bad = check(l, hs.s);
      return bad ? { field: type === 'positionEmbedding' ? 'positions' : 'types', message: bad } : x;
    },
    cost(l, [x]) {
      const n = elements(x);
      return { parameters: rows(l) * x[1], forwardFlops: n, backwardInputFlops: n, backwardWeightFlops: n, splitUnits: 0 };
    },
    split: () => REPLICATED,
    stash: (l: L, [x]: Shape[]) => wholeStash(0, dropoutMaskBytes('dropout' in l ? l.dropout : undefined, elements(x))),
    // Reads the hidden states and the table's rows, writes the sum (and the dropout mask).
    kernels: (_l: L, [x]: Shape[]) => ({
      gemms: [], dividedBytes: { forward: 0, backward: 0 }, wholeBytes: { forward: 6 * elements(x), backward: 6 * elements(x) }, launches: 1,
    }),
  } as LayerKind<L>;
}

export const positionEmbedding = addedEmbedding<z.infer<typeof PositionEmbeddingLayer>>('positionEmbedding', (l) => l.positions,
  (l, s) => (s > l.positions ? `a sequence of ${s} is longer than the ${l.positions} positions` : undefined));
export const tokenTypeEmbedding = addedEmbedding<z.infer<typeof TokenTypeEmbeddingLayer>>('tokenTypeEmbedding', (l) => l.types, () => undefined);

export const patchEmbedding: LayerKind<z.infer<typeof PatchEmbeddingLayer>> = {
  type: 'patchEmbedding',
  outputShape(l, [x]) {
    if (x.length !== 3) return { field: 'type', message: `needs an image [h, w, c], got [${x.join(', ')}]` };
    if (x[0] % l.patch || x[1] % l.patch) return { field: 'patch', message: `${l.patch} does not divide the image [${x[0]}, ${x[1]}]` };
    return [(x[0] / l.patch) * (x[1] / l.patch), l.hidden];
  },
  cost(l, [x], out) {
    const weights = l.patch * l.patch * x[2] * l.hidden;
    const f = 2 * out[0] * weights;
    return { parameters: weights + (l.useBias ?? true ? l.hidden : 0), forwardFlops: f, backwardInputFlops: f, backwardWeightFlops: f, splitUnits: 0 };
  },
  // Small beside the blocks (0.6% of ViT-B's FLOPs): every tensor rank runs it whole.
  split: () => REPLICATED,
  stash: (_l, [x]) => wholeStash(elements(x)),
};

registerLayerKind(tokenEmbedding);
registerLayerKind(positionEmbedding);
registerLayerKind(tokenTypeEmbedding);
registerLayerKind(patchEmbedding);
