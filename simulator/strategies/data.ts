// Data parallelism for the data segments of a plan: every worker runs forward and backward on its
// own batch; gradients are synchronised per bucket (overlapped with the rest of backprop when
// `overlap` is set), then each layer's weights are updated (a memory-bound task).
import { runCollective } from './exchange';
import type { DataSegment } from '../plan/schema';
import type { AnalyzedModel } from '../model/analyze';
import { allRanks, Lowering } from './context';

/** Gradient bucket size when the plan gives none: PyTorch DistributedDataParallel's default bucket_cap_mb = 25. */
export const DEFAULT_BUCKET_BYTES = 25 * 1024 * 1024;

/** Forward of all data-segment layers on every simulated worker; returns out[w][layer] (-1: not in the segments). */
export function dataForward(c: Lowering, layers: number[]): number[][] {
  const L = c.model.layers.length;
  // Costs and labels are the same on every worker: work them out once per layer.
  const seconds = layers.map((i) => c.cost.forward(c.model.layers[i], c.B));
  const labels = layers.map((i) => `fwd ${c.model.layers[i].name}`);
  const outs: number[][] = [];
  for (let w = 0; w < c.simulated; w++) {
    const out = new Array<number>(L).fill(-1);
    layers.forEach((i, n) => {
      const inputs = c.model.layers[i].inputs;
      const deps = new Array<number>(inputs.length + 1);
      for (let k = 0; k < inputs.length; k++) deps[k] = inputs[k] < 0 ? -1 : out[inputs[k]]; // (-1: the model's input)
      deps[inputs.length] = c.weightsReady[w][i];
      out[i] = c.g.compute(w, seconds[n], deps, labels[n], 'forward');
    });
    outs.push(out);
  }
  return outs;
}

/**
 * Backward through the data segments (reverse order), gradient synchronisation and updates.
 * `gradOut[w]` is the task after which worker w has the gradient of the data segments' output.
 */
export function dataBackward(
  c: Lowering, segments: { segment: DataSegment; layers: number[] }[], fwd: number[][], gradOut: number[],
): void {
  const layers = segments.flatMap((s) => s.layers);
  const L = c.model.layers.length;
  const consumers: number[][] = Array.from({ length: L }, () => []);
  for (const i of layers) for (const k of c.model.layers[i].inputs) if (k >= 0) consumers[k].push(i);
  const last = layers[layers.length - 1];
  const reversed = [...layers].reverse();
  const seconds = reversed.map((i) => c.cost.backward(c.model.layers[i], c.B));
  const labels = reversed.map((i) => `bwd ${c.model.layers[i].name}`);
  const bwd: number[][] = [];
  const all: number[][] = [];
  for (let w = 0; w < c.simulated; w++) {
    const b = new Array<number>(L).fill(-1);
    const tasks: number[] = [];
    reversed.forEach((i, n) => {
      // A layer's backward needs its forward and the gradients of every layer that consumed its output.
      const deps = i === last ? [fwd[w][i], gradOut[w]] : [fwd[w][i], ...consumers[i].map((k) => b[k])];
      tasks.push((b[i] = c.g.compute(w, seconds[n], deps, labels[n], 'backward')));
    });
    bwd.push(b);
    all.push(tasks);
  }
  const backpropDone = all.map((tasks) => c.g.join(tasks, 'backprop done'));
  // Gradient synchronisation, bucket by bucket in the order backprop produces them; one
  // collective at a time per worker (one communication stream, as NCCL uses).
  let prevSync = new Array<number>(c.simulated).fill(-1);
  const K = c.K;
  for (const seg of [...segments].reverse()) {
    const s = seg.segment;
    const sync = s.sync ?? 'ring-allreduce';
    // Serverless systems synchronise the whole model once per step: no buckets through the store.
    const cap = sync.startsWith('s3-') ? Infinity : s.bucketBytes ?? DEFAULT_BUCKET_BYTES;
    for (const bucket of buckets(c, [...seg.layers].reverse(), cap)) {
      const bytes = bucket.reduce((a, i) => a + c.model.layers[i].weightBytes, 0);
      const ready = allRanks(c.simulated).map((w) => c.g.join([...(s.overlap === false ? [backpropDone[w]] : bucket.map((i) => bwd[w][i])), prevSync[w]], 'bucket ready'));
      const label = `${sync} ${c.model.layers[bucket[0]].name}${bucket.length > 1 ? `…${c.model.layers[bucket[bucket.length - 1]].name}` : ''}`;
      let done: number[];
      if (K === 1) done = ready;
      else if (c.simulated === 1) done = runCollective(c, sync, allRanks(K), bytes, [ready[0]], label);
      else if (sync === 'async-parameter-server') {
        // Downpour SGD (Dean et al. 2012): push and pull without waiting for other workers; the
        // next step computes with the weights pulled one step earlier (staleness 1).
        done = allRanks(K).map((w) => asyncPushPull(c, w, bytes, ready[w], label));
      } else done = runCollective(c, sync, allRanks(K), bytes, ready, label, { servers: s.parameterServers });
      prevSync = done;
      for (let w = 0; w < c.simulated; w++)
        for (const i of bucket) {
          if (sync === 'async-parameter-server') {
            // The servers apply the update; the worker computes on with the weights it pulled a step ago.
            c.weightsReady[w][i] = c.stale[w][i];
            c.stale[w][i] = done[w];
          } else c.weightsReady[w][i] = c.g.compute(w, c.cost.update(c.model.layers[i].parameters), [done[w], bwd[w][i]], `update ${c.model.layers[i].name}`, 'update');
        }
    }
  }
}

/** Groups layers with weights, in backprop order, into buckets of at least `minBytes`. */
export function buckets(c: { model: AnalyzedModel }, layers: number[], minBytes: number): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  let bytes = 0;
  for (const i of layers) {
    const l = c.model.layers[i];
    if (l.parameters === 0) continue;
    cur.push(i);
    bytes += l.weightBytes;
    if (bytes >= minBytes) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

/** Worker w pushes shard j of its gradient to shard owner j and pulls the owner's current shard back. */
function asyncPushPull(c: Lowering, w: number, bytes: number, ready: number, label: string): number {
  const shard = bytes / c.K;
  const pulls = allRanks(c.K).filter((j) => j !== w).map((j) => {
    const push = c.g.transfer(w, j, shard, [ready], `${label} push`);
    return c.g.transfer(j, w, shard, [push], `${label} pull`);
  });
  return c.g.join([ready, ...pulls], label);
}
