// Pipeline stage boundaries by dynamic programming over layer boundaries (as PipeDream's
// planner does): split the layers, in file order, into S contiguous stages minimising the
// slowest stage's compute plus the transfer of its output activations.
//
// Transformer models have thousands of layers, and tune asks for every stage count and micro-batch
// it tries, so the cost is kept near-quadratic in layers: the bytes crossing each cut come from one
// pass over the edges (a layer's output crosses every cut between it and its last reader), the
// per-layer costs and the DP's rows are kept per (model, hardware, micro-batch) and extended as
// larger stage counts are asked for, and the DP's inner loop stops as soon as the stage alone
// costs more than the best found (going back adds layers, so a stage only grows). With S stages
// that is about n² · H(S) steps, not S · n² (and the cuts were n³ before).
import { DeviceCost } from '../simulator/cost/compute';
import type { Hardware } from '../simulator/hardware/schema';
import type { AnalyzedModel } from '../simulator/model/analyze';
import { networkBandwidth } from '../simulator/sweep';

/** Bytes per sample leaving a stage that ends after layer i: outputs of layers ≤ i read by a layer > i. */
export function cutBytesPerSample(model: AnalyzedModel): Float64Array {
  const n = model.layers.length;
  const lastReader = new Int32Array(n).fill(-1);
  model.layers.forEach((l, j) => l.inputs.forEach((k) => k >= 0 && k < n && (lastReader[k] = Math.max(lastReader[k], j))));
  // Layer k's output crosses the cuts after layers k … lastReader[k] − 1: a difference array.
  const diff = new Float64Array(n + 1);
  for (let k = 0; k < n; k++)
    if (lastReader[k] > k) {
      diff[k] += model.layers[k].activationBytes;
      diff[lastReader[k]] -= model.layers[k].activationBytes;
    }
  const out = new Float64Array(n);
  let running = 0;
  for (let i = 0; i < n; i++) out[i] = running += diff[i];
  return out;
}

/** The DP for one micro-batch: rows of best bottlenecks and argmins, grown one stage count at a time. */
interface Table {
  prefix: Float64Array;
  /** cutCost[i]: seconds to send what crosses the cut after layer i, forward and back (0 after the last). */
  cutCost: Float64Array;
  /** best[s][i]: minimal bottleneck splitting layers 0..i−1 into s stages. */
  best: Float64Array[];
  /** from[s][i]: start of the last stage in that split. */
  from: Int32Array[];
}

const tables = new WeakMap<AnalyzedModel, WeakMap<Hardware, Map<number, Table>>>();
const cuts = new WeakMap<AnalyzedModel, Float64Array>();

function tableFor(model: AnalyzedModel, hw: Hardware, microBatch: number): Table {
  let byHw = tables.get(model);
  if (!byHw) tables.set(model, (byHw = new WeakMap()));
  let byBatch = byHw.get(hw);
  if (!byBatch) byHw.set(hw, (byBatch = new Map()));
  let t = byBatch.get(microBatch);
  if (t) return t;
  const cost = new DeviceCost(hw);
  const n = model.layers.length;
  const prefix = new Float64Array(n + 1);
  model.layers.forEach((l, i) => (prefix[i + 1] = prefix[i] + cost.forward(l, microBatch) + cost.backward(l, microBatch)));
  let cut = cuts.get(model);
  if (!cut) cuts.set(model, (cut = cutBytesPerSample(model)));
  const bw = networkBandwidth(hw);
  // Activations forward, their gradients back.
  const cutCost = Float64Array.from(cut, (b, i) => (i < n - 1 ? (2 * b * microBatch) / bw : 0));
  const none = new Float64Array(n + 1).fill(Infinity);
  none[0] = 0;
  t = { prefix, cutCost, best: [none], from: [new Int32Array(n + 1).fill(-1)] };
  byBatch.set(microBatch, t);
  return t;
}

/** Adds row s (s − 1 exists). */
function grow(t: Table, n: number): void {
  const s = t.best.length;
  const prev = t.best[s - 1];
  const best = new Float64Array(n + 1).fill(Infinity);
  const from = new Int32Array(n + 1).fill(-1);
  const { prefix, cutCost } = t;
  for (let i = s; i <= n; i++) {
    const tail = prefix[i] + cutCost[i - 1];
    if (s === 1) {
      best[i] = tail; // one stage: all of 0..i−1
      from[i] = 0;
      continue;
    }
    let v = Infinity;
    let arg = -1;
    // The last stage is j..i−1; going back (smaller j) only makes it costlier, so stop once it alone
    // exceeds the best. Ties go to the smallest j, as in the plain loop over ascending j.
    for (let j = i - 1; j >= s - 1; j--) {
      const stage = tail - prefix[j];
      if (stage > v) break;
      const x = prev[j] > stage ? prev[j] : stage;
      if (x <= v) {
        v = x;
        arg = j;
      }
    }
    best[i] = v;
    from[i] = arg;
  }
  t.best.push(best);
  t.from.push(from);
}

/** First layer index of every stage after the first. */
export function pipelineBoundaries(model: AnalyzedModel, hw: Hardware, stages: number, microBatch: number): number[] {
  const n = model.layers.length;
  const t = tableFor(model, hw, microBatch);
  while (t.best.length <= stages) grow(t, n);
  const starts: number[] = [];
  for (let s = stages, i = n; s > 1; s--) {
    const j = t.from[s][i];
    starts.unshift(j);
    i = j;
  }
  return starts;
}
