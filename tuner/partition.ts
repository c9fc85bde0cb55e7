// Pipeline stage boundaries by dynamic programming over layer boundaries (as PipeDream's
// planner does): split the layers, in file order, into S contiguous stages minimising the
// slowest stage's compute plus the transfer of its output activations.
import { DeviceCost } from '../simulator/cost/compute';
import type { Hardware } from '../simulator/hardware/schema';
import type { AnalyzedModel } from '../simulator/model/analyze';
import { networkBandwidth } from '../simulator/sweep';

/** First layer index of every stage after the first. */
export function pipelineBoundaries(model: AnalyzedModel, hw: Hardware, stages: number, microBatch: number): number[] {
  const cost = new DeviceCost(hw);
  const n = model.layers.length;
  const t = model.layers.map((l) => cost.forward(l, microBatch) + cost.backward(l, microBatch));
  const prefix = [0];
  for (const x of t) prefix.push(prefix[prefix.length - 1] + x);
  const bw = networkBandwidth(hw);
  // Bytes leaving a stage that ends after layer i: outputs of layers ≤ i read by layers > i.
  const cut = (i: number) => {
    let bytes = 0;
    for (let k = 0; k <= i; k++) if (model.layers.slice(i + 1).some((l) => l.inputs.includes(k))) bytes += model.layers[k].activationBytes;
    return (2 * bytes * microBatch) / bw; // activations forward, gradients back
  };
  const cutCost = Array.from({ length: n }, (_, i) => (i < n - 1 ? cut(i) : 0));
  // best[s][i]: minimal bottleneck splitting layers 0..i-1 into s stages; from[s][i]: start of the last stage.
  const best = Array.from({ length: stages + 1 }, () => new Array<number>(n + 1).fill(Infinity));
  const from = Array.from({ length: stages + 1 }, () => new Array<number>(n + 1).fill(-1));
  best[0][0] = 0;
  for (let s = 1; s <= stages; s++)
    for (let i = s; i <= n; i++)
      for (let j = s - 1; j < i; j++) {
        const stage = prefix[i] - prefix[j] + cutCost[i - 1];
        const v = Math.max(best[s - 1][j], stage);
        if (v < best[s][i]) {
          best[s][i] = v;
          from[s][i] = j;
        }
      }
  const starts: number[] = [];
  for (let s = stages, i = n; s > 1; s--) {
    const j = from[s][i];
    starts.unshift(j);
    i = j;
  }
  return starts;
}
