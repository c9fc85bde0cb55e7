// Which runs the grid executor takes, and with which degrees. A language model (its last layer is
// the crossEntropy loss) always runs on it: a per-segment data plan makes every worker a replica, a
// pipeline plan makes them stages. Tensor, pipeline, ZeRO and recomputation degrees come from
// `given` (RunOptions.grid) until plan files carry them.
import type { AnalyzedModel } from '../../simulator/model/analyze';
import type { ResolvedPlan } from '../../simulator/plan/resolve';
import type { PipelineSegment } from '../../simulator/plan/schema';
import type { GridOptions } from './grid-layout';

export const isLanguageModel = (model: AnalyzedModel): boolean => model.layers[model.layers.length - 1].type === 'crossEntropy';

export const GRID_DEFAULTS: Omit<GridOptions, 'data'> = { tensor: 1, pipeline: 1, zero: 0, recompute: 'none', microBatches: 1 };

/** The grid a run executes, or null for the per-segment executors (models that are not language models). */
export function gridOf(model: AnalyzedModel, plan: ResolvedPlan, given?: Partial<GridOptions>): GridOptions | null {
  if (!given && !isLanguageModel(model)) return null;
  const g = { ...GRID_DEFAULTS, ...given };
  const workers = plan.plan.workers;
  if (plan.family === 'pipeline' && !given) {
    const seg = plan.segments[0].segment as PipelineSegment;
    return { ...g, pipeline: seg.stages ?? workers, data: 1, microBatches: seg.microBatches ?? 1 };
  }
  return { ...g, data: given?.data ?? Math.max(1, Math.floor(workers / (g.tensor * g.pipeline))) };
}

/** Samples one step trains on: every data-parallel replica's batch. */
export const gridStepSamples = (g: GridOptions, plan: ResolvedPlan): number => g.data * plan.plan.batchPerWorker;
