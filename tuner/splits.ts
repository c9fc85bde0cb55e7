// Where tune tries the data/model boundary of a hybrid plan. Every layer from which the rest can be
// split across the workers is a possible boundary, and on a model of a few dozen layers (the zoo's
// convnets) tune tries them all. A transformer of thousands of identical blocks has thousands, and
// trying each (× syncs × exchanges × batches) held millions of plans in memory before any was
// scored. Along a run of layers of one type the step time moves smoothly with the boundary, so
// beyond MAX_HYBRID_SPLITS candidates tune keeps every place where the layer type changes (the
// convolution → dense boundary of Krizhevsky's trick is one) and boundaries spread evenly by
// parameters (the quantity the boundary trades: weights synchronised vs. activations exchanged).
import type { AnalyzedModel } from '../simulator/model/analyze';

/** Most hybrid boundaries tried per worker count and batch. */
export const MAX_HYBRID_SPLITS = 16;

/** The boundaries (first layer of the model segment, > 0) to try, in order; all of them when few. */
export function hybridSplits(model: AnalyzedModel, starts: number[]): number[] {
  const inner = starts.filter((s) => s > 0);
  if (inner.length <= MAX_HYBRID_SPLITS) return inner;
  const layers = model.layers;
  const keep = new Set<number>(inner.filter((s) => layers[s].type !== layers[s - 1].type));
  // Parameters from each boundary to the end: the model segment's share.
  const total = inner.reduce((a, s) => a + layers[s].parameters, 0);
  const slots = Math.max(1, MAX_HYBRID_SPLITS - keep.size);
  let acc = 0;
  let next = 0;
  for (const s of inner) {
    if (acc >= (next * total) / slots) {
      keep.add(s);
      next++;
    }
    acc += layers[s].parameters;
  }
  return [...keep].sort((a, b) => a - b);
}
