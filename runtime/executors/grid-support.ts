// What the grid executor can run, checked before any worker starts (one problem per field).
import type { AnalyzedModel } from '../../simulator/model/analyze';
import { Problem, problem } from '../../simulator/errors';
import type { ResolvedPlan } from '../../simulator/plan/resolve';
import type { AttentionLayer } from '../../simulator/model/schema';
import { attentionDims } from '../../simulator/model/layers/attention';
import { BYTE_VOCABULARY } from '../model/text';
import { dividedByTensor, GridOptions, gridStages } from './grid-layout';
import { layoutOf } from '../../simulator/parallel/layout';

export function gridSupport(model: AnalyzedModel, plan: ResolvedPlan, g: GridOptions): { problems: Problem[]; notes: string[] } {
  const problems: Problem[] = [];
  const notes: string[] = [];
  const { workers, batchPerWorker } = plan.plan;
  if (g.data * g.tensor * g.pipeline !== workers)
    problems.push(problem('workers', `${workers} workers, but data × tensor × pipeline is ${g.data} × ${g.tensor} × ${g.pipeline}`));
  if (batchPerWorker % g.microBatches !== 0) problems.push(problem('batchPerWorker', `${batchPerWorker} is not a multiple of the ${g.microBatches} micro-batches`));
  if (model.model.input.length !== 1) problems.push(problem('input', `the runtime trains language models on token ids [sequence], not [${model.model.input.join(', ')}]`));
  if (gridStages(model, g.pipeline).some((s) => s.length === 0)) problems.push(problem('pipeline', `${g.pipeline} stages leave one with nothing but the loss to compute`));
  const l = layoutOf(plan.plan);
  if (l.schedule === 'interleaved') problems.push(problem('schedule', 'the runtime runs pipelines in GPipe order, not interleaved'));
  else if (l.schedule === '1f1b' && g.pipeline > 1) notes.push('schedule "1f1b" runs in GPipe order (all forwards, then all backwards): the same gradients, more activations held');
  if (l.sequenceParallel) notes.push('sequenceParallel runs as plain tensor parallelism (all-reduces instead of reduce-scatter + all-gather: the same gradients)');
  for (const l of model.layers) {
    const at = `layers[${l.index}]`;
    if ((l.type === 'tokenEmbedding' || l.type === 'lmHead') && (l.layer as { vocabulary: number }).vocabulary < BYTE_VOCABULARY)
      problems.push(problem(`${at}.vocabulary`, `the runtime trains on bytes of text: needs at least ${BYTE_VOCABULARY}`));
    if (l.type === 'lmHead' && (l.layer as { tiedTo?: string }).tiedTo)
      problems.push(problem(`${at}.tiedTo`, 'the runtime does not tie the LM head to the embedding yet: give the head its own table'));
    if (l.type === 'crossEntropy' && l.index !== model.layers.length - 1) problems.push(problem(at, 'crossEntropy must be the last layer'));
    if ((l.layer as { dropout?: number }).dropout) notes.push(`${at} "${l.name}": dropout is not applied by the runtime (it trains as if the rate were 0)`);
    if (g.tensor > 1 && dividedByTensor(l)) {
      if (l.split.even && l.split.units % g.tensor !== 0) problems.push(problem(`${at}`, `"${l.name}" splits ${l.split.units} ${l.split.over} evenly: not over ${g.tensor} tensor ranks`));
      if (l.split.units < g.tensor) problems.push(problem(`${at}`, `"${l.name}" has ${l.split.units} ${l.split.over}, fewer than ${g.tensor} tensor ranks`));
      if (l.split.output === 'sharded' && l.type !== 'lmHead') problems.push(problem(`${at}.type`, `the runtime's tensor parallelism gathers no sharded output but the LM head's (for the loss): "${l.name}" is a ${l.type}`));
      if (l.type === 'attention') {
        const { kv } = attentionDims(l.layer as never as import('zod').z.infer<typeof AttentionLayer>, l.inputShapes[0][1]);
        if (kv % g.tensor !== 0) problems.push(problem(`${at}.kvHeads`, `${kv} key/value heads do not divide among ${g.tensor} tensor ranks`));
      }
    }
  }
  if (plan.plan.precision && plan.plan.precision !== 'fp32') notes.push(`precision "${plan.plan.precision}" runs in fp32 (the runtime has no half-precision path)`);
  return { problems, notes };
}
