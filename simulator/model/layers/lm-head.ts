// The language-model head: hidden states → logits over the vocabulary; `tiedTo` reuses a token
// embedding's table (GPT-2, GPT-3), whose parameters are then counted once, in the embedding.
import type { z } from 'zod';
import type { LmHeadLayer } from '../schema';
import { LayerKind, registerLayerKind, wholeStash } from './kind';
import { hiddenStates, isProblem } from './sequence';

type LmHead = z.infer<typeof LmHeadLayer>;

export const lmHead: LayerKind<LmHead> = {
  type: 'lmHead',
  outputShape(l, [x]) {
    const hs = hiddenStates(x, 'lmHead');
    return isProblem(hs) ? hs : [hs.s, l.vocabulary];
  },
  cost(l, [x]) {
    const [s, h] = x;
    const f = 2 * s * h * l.vocabulary;
    const own = l.tiedTo ? 0 : h * l.vocabulary;
    return { parameters: own + (l.useBias ? l.vocabulary : 0), forwardFlops: f, backwardInputFlops: f, backwardWeightFlops: f, splitUnits: l.vocabulary };
  },
  // Column-parallel over the vocabulary: logits stay sharded for the vocabulary-parallel loss;
  // the input gradient is all-reduced (Shoeybi et al. 2019 §3).
  split: (l, [x], _o, c) => ({
    over: 'vocabulary', units: l.vocabulary, even: false, unitOutputs: 1, splitParameters: c.parameters,
    input: 'replicated', output: 'sharded', forwardReduce: 0, backwardReduce: x[0] * x[1],
  }),
  stash: (_l, [x]) => wholeStash(x[0] * x[1]),
  kernels: (l, [x]) => ({
    gemms: [{ rows: x[0], cols: l.vocabulary, inner: x[1], count: 1, divided: true }],
    dividedBytes: { forward: 0, backward: 0 }, wholeBytes: { forward: 0, backward: 0 }, launches: 1,
  }),
  references: (l) => (l.tiedTo ? [{ field: 'tiedTo', name: l.tiedTo, type: 'tokenEmbedding', sameAs: { vocabulary: l.vocabulary } }] : []),
};

registerLayerKind(lmHead);
