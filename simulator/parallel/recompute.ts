// Activation recomputation (Chen et al. 2016; Korthikanti et al. 2022): `full` keeps only each
// transformer block's input (a checkpoint where the block starts: the layer feeding its attention)
// and runs the block's forward again, collectives included, before its backward; `selective` drops
// attention's core (scores, softmax, dropout) and recomputes just that. Layers outside the blocks
// (embeddings, the LM head and the loss) keep what they keep, as Megatron-LM leaves them.
import type { AnalyzedModel, LayerInfo } from '../model/analyze';
import type { Layout } from './layout';
import { tensorStashBytes } from './tensor';

/**
 * Extra forward seconds before a layer's backward: all of it (full, layers inside a transformer
 * block: the only ones checkpointed, see keptActivations), its core (selective), or none.
 */
export function recomputeSeconds(layout: Layout, inBlock: boolean, forward: number, core: number, forwardComm: number): number {
  if (layout.recompute === 'full') return inBlock ? forward + forwardComm : 0;
  if (layout.recompute === 'selective') return core;
  return 0;
}

/**
 * FLOPs per sample that recomputation adds: the forward of every layer inside a block (full), or
 * attention's core — QKᵀ and the scores times V, 4·s²·heads·headDim (selective). The same layers
 * recomputeSeconds times, so the FLOP rates and the tuner's bound count what the simulation runs.
 */
export function recomputedFlops(model: AnalyzedModel, layout: Layout): number {
  if (layout.recompute === 'full') {
    const blocks = blocksOf(model);
    return model.layers.reduce((a, l) => a + (blocks[l.index] >= 0 ? l.forwardFlops : 0), 0);
  }
  if (layout.recompute === 'selective')
    return model.layers.filter((l) => l.type === 'attention').reduce((a, l) => {
      const [s, h] = l.inputShapes[0];
      const heads = (l.layer as { heads: number }).heads;
      const d = (l.layer as { headDim?: number }).headDim ?? h / heads;
      return a + 4 * s * s * heads * d;
    }, 0);
  return 0;
}

const values = (s: readonly number[]): number => s.reduce((x, y) => x * y, 1);

/** For each layer, the index of the transformer block it belongs to (-1: outside every block). */
const blockCache = new WeakMap<AnalyzedModel, Int32Array>();
export function blocksOf(model: AnalyzedModel): Int32Array {
  let b = blockCache.get(model);
  if (b) return b;
  b = new Int32Array(model.layers.length).fill(-1);
  // A block starts at the layer feeding an attention layer (its norm, pre-LN) or at the attention
  // itself (post-LN) and runs to the next block's start; the last ends at the last residual add.
  const starts = model.layers.filter((l) => l.type === 'attention').map((l) => {
    const src = l.inputs[0];
    return src >= 0 && (model.layers[src].type === 'layerNorm' || model.layers[src].type === 'rmsNorm') ? src : l.index;
  });
  let lastAdd = -1;
  model.layers.forEach((l) => { if (l.type === 'add') lastAdd = l.index; });
  starts.forEach((s, k) => {
    const end = k + 1 < starts.length ? starts[k + 1] - 1 : Math.max(lastAdd, s);
    for (let i = s; i <= end; i++) b![i] = k;
  });
  blockCache.set(model, b);
  return b;
}

/**
 * Activation bytes per sample one rank keeps for `layers` (a stage's) between their forward and
 * backward (`kept`), and the most it holds on top of that while one layer or block is recomputed
 * and backpropagated (`working`).
 */
export function keptActivations(model: AnalyzedModel, layers: number[], layout: Layout, valueBytes: number): { kept: number; working: number } {
  const blocks = blocksOf(model);
  const stash = (l: LayerInfo, dropCore = false) => tensorStashBytes(l, layout, valueBytes, dropCore);
  let kept = 0;
  let working = 0;
  if (layout.recompute === 'none') {
    for (const i of layers) kept += stash(model.layers[i]);
    return { kept, working };
  }
  if (layout.recompute === 'selective') {
    for (const i of layers) {
      const l = model.layers[i];
      kept += stash(l, true);
      working = Math.max(working, stash(l) - stash(l, true));
    }
    return { kept, working };
  }
  // Full: checkpoints at block starts (divided over the sequence under sequence parallelism, as
  // Megatron-LM keeps them); while a block is recomputed its whole stash is held, its input once.
  const perBlock = new Map<number, number>();
  for (const i of layers) {
    const l = model.layers[i];
    const k = blocks[i];
    if (k < 0) kept += stash(l);
    else perBlock.set(k, (perBlock.get(k) ?? 0) + stash(l));
  }
  for (const [k, bytes] of perBlock) {
    const start = model.layers.find((l) => blocks[l.index] === k)!;
    const checkpoint = (values(start.inputShapes[0]) * valueBytes) / (layout.sequenceParallel ? layout.tensor : 1);
    kept += checkpoint;
    working = Math.max(working, bytes - Math.min(bytes, checkpoint));
  }
  return { kept, working };
}
