// Which runs the grid executor takes, and with which degrees. A language model (its last layer is
// the crossEntropy loss) always runs on it, with the degrees the plan's layout states (the
// simulator's simulator/parallel/layout.ts reads the same fields: tensor, pipeline, microBatch,
// zero, recompute); a per-segment pipeline plan makes its workers stages.
import type { AnalyzedModel } from '../../simulator/model/analyze';
import { layoutOf } from '../../simulator/parallel/layout';
import type { ResolvedPlan } from '../../simulator/plan/resolve';
import type { PipelineSegment } from '../../simulator/plan/schema';
import type { OptimizerSpec } from '../model/optimizer';
import type { GridOptions } from './grid-layout';

export const isLanguageModel = (model: AnalyzedModel): boolean => model.layers[model.layers.length - 1].type === 'crossEntropy';

/** The grid a run executes, or null for the per-segment executors (models that are not language models). */
export function gridOf(model: AnalyzedModel, plan: ResolvedPlan): GridOptions | null {
  if (!isLanguageModel(model)) return null;
  const l = layoutOf(plan.plan);
  const grid: GridOptions = { data: l.data, tensor: l.tensor, pipeline: l.pipeline, zero: l.zero, recompute: l.recompute, microBatches: l.microBatches };
  if (plan.family === 'pipeline') {
    const seg = plan.segments[0].segment as PipelineSegment;
    return { ...grid, data: 1, pipeline: seg.stages ?? plan.plan.workers, microBatches: seg.microBatches ?? 1 };
  }
  return grid;
}

/** The plan's optimizer (SGD with momentum unless it says adam) at the run's learning rate. */
export function optimizerOf(plan: ResolvedPlan, learningRate: number, momentum: number): OptimizerSpec {
  return plan.plan.optimizer === 'adam' ? { kind: 'adam', learningRate } : { kind: 'sgd', learningRate, momentum };
}
