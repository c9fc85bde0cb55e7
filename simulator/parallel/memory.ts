// Peak memory of a composed plan on its fullest pipeline rank: weights, gradients and optimizer
// state of the layers it holds (divided by tensor parallelism, sharded by ZeRO), the activations
// of the micro-batches its schedule keeps in flight (divided by tensor and sequence parallelism,
// reduced by recomputation), and ZeRO-3's gathered weights of the layers in use.
import type { MemoryUse } from '../cost/memory';
import type { AnalyzedModel } from '../model/analyze';
import { inFlight, tiedEmbeddingCopy } from './pipeline';
import { keptActivations } from './recompute';
import { tensorParameters } from './tensor';
import { bytesPerParameter, shardedStateBytes } from './zero';
import type { Layout } from './layout';

/** `chunks[j]`: the layers of virtual stage j (chunk ⌊j / pipeline⌋ of rank j mod pipeline). */
export function composedMemory(model: AnalyzedModel, layout: Layout, chunks: number[][], valueBytes: number, capacityBytes: number): MemoryUse & { stage: number } {
  let worst: (MemoryUse & { stage: number }) | undefined;
  for (let p = 0; p < layout.pipeline; p++) {
    const mine = chunks.filter((_, j) => j % layout.pipeline === p);
    const layers = mine.flat();
    const params = layers.reduce((a, i) => a + tensorParameters(model.layers[i], layout.tensor), 0) + (p === layout.pipeline - 1 ? tiedEmbeddingCopy(model, layout) : 0);
    const state = shardedStateBytes(params, layout);
    // Chunks hold about equal activations: the schedule's in-flight chunk-micro-batches times the average chunk.
    const acts = mine.map((c) => keptActivations(model, c, layout, valueBytes));
    const perChunk = acts.reduce((a, x) => a + x.kept, 0) / Math.max(1, mine.length);
    const working = Math.max(0, ...acts.map((x) => x.working));
    const activations = layout.microBatch * (inFlight(layout, p) * perChunk + working);
    // ZeRO-3 materialises a layer's full weights while it runs and prefetches the next: the two
    // largest, less the shard of them this rank holds anyway.
    const gathered = layout.zero >= 3 && layout.data > 1
      ? layers.map((i) => tensorParameters(model.layers[i], layout.tensor)).sort((a, b) => b - a).slice(0, 2).reduce((a, b) => a + b, 0) * bytesPerParameter(layout).weights * (1 - 1 / layout.data)
      : 0;
    const total = state.weights + gathered + state.gradients + state.optimizer + activations;
    const use = {
      weightsBytes: state.weights + gathered, gradientsBytes: state.gradients, optimizerBytes: state.optimizer, activationsBytes: activations,
      totalBytes: total, capacityBytes, fits: total <= capacityBytes, stage: p,
    };
    if (!worst || use.totalBytes > worst.totalBytes) worst = use;
  }
  return worst!;
}
