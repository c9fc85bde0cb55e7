// Pipeline parallelism, GPipe-style (Huang et al. 2019): layers in stages on different workers,
// the batch in micro-batches, all forwards then all backwards, then a flush and the update.
// The bubble is not a formula here: it is whatever idle time the schedule leaves on each stage.
import type { PipelineSegment } from '../plan/schema';
import type { AnalyzedModel } from '../model/analyze';
import type { Lowering } from './context';

/** Contiguous stages balancing forward+backward FLOPs, or the plan's own boundaries. */
export function stageLayersOf(model: AnalyzedModel, seg: PipelineSegment, layers: number[], workers: number): number[][] {
  const stages = seg.stages ?? workers;
  if (seg.boundaries) {
    const starts = [layers[0], ...seg.boundaries.map((b) => model.index.get(b)!)];
    return starts.map((s, k) => layers.filter((i) => i >= s && (k + 1 >= starts.length || i < starts[k + 1])));
  }
  const w = layers.map((i) => model.layers[i].forwardFlops + model.layers[i].backwardWeightFlops + model.layers[i].backwardInputFlops);
  return balancedGroups(layers, w, stages).filter((s) => s.length > 0);
}

/**
 * `items` in `n` contiguous groups, each closed once the running weight reaches its share of the
 * total (or when only as many items are left as groups): the stage boundaries of both pipelines.
 */
export function balancedGroups(items: readonly number[], weights: readonly number[], n: number): number[][] {
  const total = weights.reduce((a, b) => a + b, 0);
  const out: number[][] = [];
  let acc = 0;
  let cur: number[] = [];
  items.forEach((i, k) => {
    cur.push(i);
    acc += weights[k];
    const left = items.length - k - 1;
    const groupsLeft = n - out.length - 1;
    if (groupsLeft > 0 && (acc >= (total * (out.length + 1)) / n || left === groupsLeft)) {
      out.push(cur);
      cur = [];
    }
  });
  out.push(cur);
  return out;
}

export function pipelineStep(c: Lowering, seg: PipelineSegment, layers: number[]): void {
  const stages = stageLayersOf(c.model, seg, layers, c.K);
  const M = seg.microBatches ?? 1;
  const mb = c.B / M;
  const vb = c.valueBytes / 4;
  // Bytes crossing from stage s to s+1 per sample: outputs of stage s read by later stages.
  const boundary = stages.map((st, s) => {
    const later = new Set(stages.slice(s + 1).flat());
    return st.filter((i) => [...later].some((k) => c.model.layers[k].inputs.includes(i))).reduce((a, i) => a + c.model.layers[i].activationBytes * vb, 0);
  });
  // A transfer between stages, with the host-side packing and unpacking where the device needs it.
  const send = (src: number, dst: number, bytes: number, after: number, label: string) => {
    const pack = c.cost.hostCopy(bytes) > 0 ? c.g.compute(src, c.cost.hostCopy(bytes), [after], `pack ${label}`, 'comm') : after;
    const t = c.g.transfer(src, dst, bytes, [pack], label);
    return c.cost.hostCopy(bytes) > 0 ? c.g.compute(dst, c.cost.hostCopy(bytes), [t], `unpack ${label}`, 'comm') : t;
  };
  const fwd: number[][] = stages.map(() => []);
  for (let m = 0; m < M; m++)
    stages.forEach((st, s) => {
      const recv = s === 0 ? -1 : send(s - 1, s, mb * boundary[s - 1], fwd[s - 1][m], `act mb${m} → stage ${s}`);
      const secs = st.reduce((a, i) => a + c.cost.forward(c.model.layers[i], mb), 0);
      fwd[s][m] = c.g.compute(s, secs, [recv, ...st.map((i) => c.weightsReady[s][i])], `fwd stage ${s} mb${m}`, 'forward');
    });
  const bwd: number[][] = stages.map(() => []);
  for (let m = M - 1; m >= 0; m--)
    for (let s = stages.length - 1; s >= 0; s--) {
      const recv = s === stages.length - 1 ? -1 : send(s + 1, s, mb * boundary[s], bwd[s + 1][m], `grad mb${m} → stage ${s}`);
      const secs = stages[s].reduce((a, i) => a + c.cost.backward(c.model.layers[i], mb), 0);
      bwd[s][m] = c.g.compute(s, secs, [recv, fwd[s][m]], `bwd stage ${s} mb${m}`, 'backward');
    }
  stages.forEach((st, s) => {
    const params = st.reduce((a, i) => a + c.model.layers[i].parameters, 0);
    const u = c.g.compute(s, c.cost.update(params), bwd[s], `update stage ${s}`, 'update');
    for (const i of st) c.weightsReady[s][i] = u;
  });
}
