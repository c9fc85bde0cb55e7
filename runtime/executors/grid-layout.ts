// Where each worker sits in a data × tensor × pipeline grid and what crosses between pipeline
// stages. Ranks are numbered as Megatron-LM numbers them (and the simulator's layout does):
// tensor ranks consecutive, then data replicas, then stages: rank = stage·(data·tensor) + replica·tensor + t.
import { AnalyzedModel, LayerInfo, MODEL_INPUT } from '../../simulator/model/analyze';
import type { Layout } from '../../simulator/parallel/layout';
import { partition } from '../../simulator/parallel/pipeline';
import { headOf } from '../model/network';

/**
 * The degrees a grid worker needs, as the simulator's layout of the plan states them
 * (simulator/parallel/layout.ts: plan fields tensor, pipeline, microBatch, zero, recompute).
 */
export type GridOptions = Pick<Layout, 'data' | 'tensor' | 'pipeline' | 'zero' | 'recompute' | 'microBatches'>;

export interface GridPosition {
  stage: number;
  replica: number;
  /** Tensor rank. */
  t: number;
}

export const rankAt = (g: GridOptions, p: GridPosition): number => p.stage * g.data * g.tensor + p.replica * g.tensor + p.t;

export function positionOf(g: GridOptions, rank: number): GridPosition {
  const perStage = g.data * g.tensor;
  return { stage: Math.floor(rank / perStage), replica: Math.floor((rank % perStage) / g.tensor), t: rank % g.tensor };
}

/** The tensor-parallel group of `p` (its stage and replica), in tensor-rank order. */
export const tensorGroup = (g: GridOptions, p: GridPosition): number[] => Array.from({ length: g.tensor }, (_, t) => rankAt(g, { ...p, t }));
/** The data-parallel group of `p` (its stage and tensor rank), in replica order. */
export const dataGroup = (g: GridOptions, p: GridPosition): number[] => Array.from({ length: g.data }, (_, replica) => rankAt(g, { ...p, replica }));

/**
 * Whether tensor parallelism divides layer `l` among the ranks (heads, MLP units, vocabulary); the
 * rest — norms, position tables, residual adds (channel-wise, on the replicated stream) — every
 * tensor rank runs whole.
 */
export const dividedByTensor = (l: LayerInfo): boolean => l.split.over === 'heads' || l.split.over === 'units' || l.split.over === 'vocabulary';

/**
 * The layers each pipeline stage computes, cut as the simulator cuts them (contiguous layers
 * balancing their work — here their FLOPs; the simulator weighs kernel times on a hardware file,
 * which a run does not have), without the loss layer (the executor's own).
 */
export function gridStages(model: AnalyzedModel, pipeline: number): number[][] {
  const work = (i: number) => model.layers[i].forwardFlops + model.layers[i].backwardInputFlops + model.layers[i].backwardWeightFlops;
  const loss = headOf(model).excluded;
  return partition(model, pipeline, work).map((s) => s.filter((i) => !loss.has(i)));
}

/**
 * Outputs crossing each stage boundary: live[k] lists the layers whose output is made in stages
 * ≤ k and read in stages > k (a residual stream, or two tensors when a cut falls inside a block),
 * in layer order. Stage k+1 receives them and passes on those still live at the next boundary; the
 * model input (token ids) is not among them: every stage that reads it loads it from the data.
 */
export function liveAcross(model: AnalyzedModel, stages: readonly number[][]): number[][] {
  const stageOf = new Map<number, number>();
  stages.forEach((s, k) => s.forEach((li) => stageOf.set(li, k)));
  return stages.slice(0, -1).map((_, k) => {
    const live = new Set<number>();
    stages.forEach((s, j) => {
      if (j <= k) return;
      for (const li of s)
        for (const src of model.layers[li].inputs)
          if (src !== MODEL_INPUT && (stageOf.get(src) ?? -1) <= k) live.add(src);
    });
    return [...live].sort((a, b) => a - b);
  });
}
