// Where each layer of a plan lives: a replica on every worker (data parallelism), a 1/K shard on
// every worker (model parallelism), or on one pipeline stage.
import type { AnalyzedModel } from '../simulator/model/analyze';
import type { ResolvedPlan } from '../simulator/plan/resolve';
import { stageLayersOf } from '../simulator/strategies/pipeline';
import type { Placement } from './data';

export function placement(model: AnalyzedModel, plan: ResolvedPlan): Placement[] {
  const out: Placement[] = new Array(model.layers.length);
  const K = plan.plan.workers;
  for (const seg of plan.segments) {
    const s = seg.segment;
    if (s.parallelism === 'data') for (const i of seg.layers) out[i] = { kind: 'data', detail: K > 1 ? `replica on all ${K} workers, ${s.sync ?? 'ring-allreduce'}` : 'on the one worker' };
    else if (s.parallelism === 'model') for (const i of seg.layers) out[i] = { kind: 'model', detail: `1/${K} of its units on each worker, ${s.exchange ?? 'all-gather'} exchange` };
    else {
      const stages = stageLayersOf(model, s, seg.layers, K);
      stages.forEach((layers, stage) => { for (const i of layers) out[i] = { kind: 'pipeline', stage, detail: `pipeline stage ${stage} of ${stages.length}, on worker ${stage}; ${s.microBatches ?? 1} micro-batches` }; });
    }
  }
  return out;
}
