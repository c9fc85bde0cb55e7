// Sequence bookkeeping for encoders: ViT's learned class token prepended to the patches, and the
// first position taken out for a classifier or BERT's pooler. Copies only: no FLOPs counted.
import type { z } from 'zod';
import type { ClassTokenLayer, FirstTokenLayer } from '../schema';
import { LayerKind, registerLayerKind, REPLICATED, wholeStash } from './kind';
import { hiddenStates, isProblem } from './sequence';

const copy = { forwardFlops: 0, backwardInputFlops: 0, backwardWeightFlops: 0, splitUnits: 0 };

export const classToken: LayerKind<z.infer<typeof ClassTokenLayer>> = {
  type: 'classToken',
  outputShape(_l, [x]) {
    const hs = hiddenStates(x, 'classToken');
    return isProblem(hs) ? hs : [hs.s + 1, hs.h];
  },
  cost: (_l, [x]) => ({ ...copy, parameters: x[1] }),
  split: () => REPLICATED,
  stash: () => wholeStash(0),
};

export const firstToken: LayerKind<z.infer<typeof FirstTokenLayer>> = {
  type: 'firstToken',
  outputShape(_l, [x]) {
    const hs = hiddenStates(x, 'firstToken');
    return isProblem(hs) ? hs : [hs.h];
  },
  cost: () => ({ ...copy, parameters: 0 }),
  split: () => REPLICATED,
  stash: () => wholeStash(0),
};

registerLayerKind(classToken);
registerLayerKind(firstToken);
