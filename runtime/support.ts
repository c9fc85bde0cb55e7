// What the runtime can execute, checked before any worker starts: problems (exit code 2, with the
// plan field's path) and notes (the run goes ahead but differs from what the plan says).
import { AnalyzedModel, MODEL_INPUT } from '../simulator/model/analyze';
import { Problem, problem } from '../simulator/errors';
import type { ResolvedPlan } from '../simulator/plan/resolve';
import type { ModelSegment } from '../simulator/plan/schema';
import { stageLayersOf } from '../simulator/strategies/pipeline';
import { executorFor } from './executors';
import { RUNTIME_SYNCS } from './collectives/sync';
import { layerImpl } from './model/layers';
import { headOf } from './model/network';
import { gridOf } from './executors/grid-plan';
import { gridSupport } from './executors/grid-support';

export interface Support {
  problems: Problem[];
  notes: string[];
}

export function runtimeSupport(model: AnalyzedModel, plan: ResolvedPlan): Support {
  const problems: Problem[] = [];
  const notes: string[] = [];
  const grid = gridOf(model, plan);
  if (!grid && !executorFor(plan.family)) problems.push(problem('segments', `the runtime cannot run ${plan.family} plans yet`));
  const head = headOf(model);
  const lossLayers = head.excluded;
  for (const l of model.layers) {
    if (l.type === 'crossEntropy' && lossLayers.has(l.index)) continue; // the executor's loss, not a layer it runs
    try {
      layerImpl(l.type);
    } catch (e) {
      problems.push(problem(`layers[${l.index}].type`, (e as Error).message));
    }
    l.inputs.forEach((k, j) => {
      if (k !== MODEL_INPUT && k > l.index) problems.push(problem(`layers[${l.index}].inputs[${j}]`, 'the runtime needs every input to come earlier in the file'));
    });
  }
  if (grid) {
    if (!['single', 'data', 'pipeline'].includes(plan.family)) problems.push(problem('segments', `a language model runs with data, tensor and pipeline degrees, not as a ${plan.family} plan`));
    const g = gridSupport(model, plan, grid);
    return { problems: [...problems, ...g.problems], notes: [...notes, ...g.notes] };
  }
  const logits = model.layers[head.logitsLayer];
  if (logits.outputShape.length !== 1) problems.push(problem(`layers[${logits.index}]`, `the runtime trains classifiers: "${logits.name}" must output [classes], not [${logits.outputShape.join(', ')}]`));
  let firstModel: ModelSegment | undefined;
  plan.segments.forEach((s, i) => {
    const seg = s.segment;
    if (seg.parallelism === 'data' && seg.sync !== undefined && !RUNTIME_SYNCS[seg.sync])
      problems.push(problem(`segments[${i}].sync`, `the runtime implements ${Object.keys(RUNTIME_SYNCS).join(', ')}, not ${seg.sync}`));
    if (seg.parallelism === 'data' && seg.overlap !== false && plan.plan.workers > 1) notes.push(`segments[${i}]: gradients are all-reduced after the whole backward pass (no overlap)`);
    if (seg.parallelism !== 'model') return;
    if (!firstModel) {
      firstModel = seg;
      const l = model.layers[s.first];
      const expected = s.first === 0 ? MODEL_INPUT : s.first - 1;
      if (l.inputs[0] !== expected) problems.push(problem(`segments[${i}].layers[0]`, `the runtime needs "${l.name}" to take the previous layer's output as input`));
    } else if ((seg.exchange ?? 'all-gather') !== (firstModel.exchange ?? 'all-gather') || seg.fcBatch !== firstModel.fcBatch)
      problems.push(problem(`segments[${i}]`, 'the runtime needs the same exchange and fcBatch in every model segment'));
    for (const li of s.layers) {
      const l = model.layers[li];
      const act = (l.layer as { activation?: string }).activation;
      if (act === 'softmax' && li !== head.logitsLayer) problems.push(problem(`segments[${i}].layers`, `layer "${l.name}" ends in a softmax, which a channel slice cannot compute`));
    }
  });
  const pipe = plan.segments.find((s) => s.segment.parallelism === 'pipeline');
  if (pipe && pipe.segment.parallelism === 'pipeline') {
    const stages = stageLayersOf(model, pipe.segment, pipe.layers, plan.plan.workers).map((st) => st.filter((i) => !head.excluded.has(i)));
    stages.forEach((st, k) => {
      if (st.length === 0) problems.push(problem('segments[0].boundaries', `stage ${k} has no layer the runtime computes (a trailing softmax is part of the loss)`));
      const own = new Set(st);
      const feed = k === 0 ? MODEL_INPUT : stages[k - 1][stages[k - 1].length - 1];
      for (const li of st)
        for (const inp of model.layers[li].inputs)
          if (!own.has(inp) && inp !== feed)
            problems.push(problem('segments[0].boundaries', `layer "${model.layers[li].name}" in stage ${k} reads "${inp === MODEL_INPUT ? 'input' : model.layers[inp].name}", which is neither in its stage nor the previous stage's last layer`));
    });
  }
  if (plan.plan.precision === 'mixed') notes.push('precision "mixed" runs in fp32 (the runtime has no half-precision path)');
  if (plan.plan.workers > 1 && plan.segments.some((s) => s.segment.parallelism === 'data' && s.layers.some((li) => model.layers[li].type === 'batchNorm')))
    notes.push('batch normalisation in data-parallel layers uses each worker\'s own batch statistics');
  return { problems, notes };
}

/** The tuner's admission test for a runtime target: plans this runtime executes without a problem. */
export function runnableBy(model: AnalyzedModel): (plan: ResolvedPlan) => boolean {
  return (plan) => runtimeSupport(model, plan).problems.length === 0;
}
