// Activation recomputation (Chen et al. 2016; Korthikanti et al. 2022): `full` keeps only each
// transformer block's input (checkpoints at every attention layer's block, or at every layer of a
// model without attention) and runs the forward again, collectives included, before backward;
// `selective` drops attention's core (scores, softmax, dropout) and recomputes just that.
import type { AnalyzedModel, LayerInfo } from '../model/analyze';
import type { Layout } from './layout';
import { tensorStashBytes } from './tensor';

/** Extra forward seconds before a layer's backward: all of it (full), its core (selective), or none. */
export function recomputeSeconds(layout: Layout, forward: number, core: number, forwardComm: number): number {
  if (layout.recompute === 'full') return forward + forwardComm;
  if (layout.recompute === 'selective') return core;
  return 0;
}

/** A layer's input values per sample, what a full-recomputation checkpoint keeps. */
const inputValues = (l: LayerInfo): number => l.inputShapes.reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0);

/**
 * Activation bytes per sample one rank keeps for `layers` (a stage's) between their forward and
 * backward, and the largest working set of one layer while it is recomputed and backpropagated.
 */
export function keptActivations(model: AnalyzedModel, layers: number[], layout: Layout, valueBytes: number): { kept: number; working: number } {
  let kept = 0;
  let working = 0;
  const attention = layers.some((i) => model.layers[i].type === 'attention');
  for (const i of layers) {
    const l = model.layers[i];
    const full = tensorStashBytes(l, layout, valueBytes, false);
    if (layout.recompute === 'full') {
      // Checkpoints: the block input before each attention layer's block (its norm reads it), kept whole
      // (divided by the sequence under sequence parallelism, as Megatron-LM's checkpoints are).
      const checkpoint = attention ? l.type === 'attention' : true;
      if (checkpoint) kept += (inputValues(l) * valueBytes) / (layout.sequenceParallel ? layout.tensor : 1);
      working = Math.max(working, full);
    } else kept += tensorStashBytes(l, layout, valueBytes, layout.recompute === 'selective');
  }
  // Full recomputation rebuilds one block's stash at a time: about six layers' worth for a transformer block.
  if (layout.recompute === 'full' && attention) working = layers.filter((i) => model.layers[i].type === 'attention').length ? blockStash(model, layers, layout, valueBytes) : working;
  return { kept, working };
}

/** The stash of the largest transformer block in `layers` (from one attention layer to the next). */
function blockStash(model: AnalyzedModel, layers: number[], layout: Layout, valueBytes: number): number {
  let best = 0;
  let cur = 0;
  for (const i of layers) {
    const l = model.layers[i];
    if (l.type === 'attention') cur = 0;
    cur += tensorStashBytes(l, layout, valueBytes, false);
    best = Math.max(best, cur);
  }
  return best;
}
