// The pipeline partition: the near-quadratic DP (tuner/partition.ts) gives the same boundaries as
// the plain definition — every split into S contiguous stages, the slowest stage's compute plus its
// outgoing activations minimised, ties to the earliest start — on zoo models with branches and skip
// connections, and answers for thousands of layers.
import { DeviceCost } from '../../simulator/cost/compute';
import type { Hardware } from '../../simulator/hardware/schema';
import type { AnalyzedModel } from '../../simulator/model/analyze';
import { networkBandwidth } from '../../simulator/sweep';
import { cutBytesPerSample, pipelineBoundaries } from '../../tuner/partition';
import { modelFrom, zooHardware, zooModel } from '../helpers/scenarios';

/** The definition, cubic and plain: the cut's bytes found by scanning every later layer's inputs. */
function reference(model: AnalyzedModel, hw: Hardware, stages: number, microBatch: number): number[] {
  const cost = new DeviceCost(hw);
  const n = model.layers.length;
  const t = model.layers.map((l) => cost.forward(l, microBatch) + cost.backward(l, microBatch));
  const prefix = [0];
  for (const x of t) prefix.push(prefix[prefix.length - 1] + x);
  const cut = (i: number) => {
    let bytes = 0;
    for (let k = 0; k <= i; k++) if (model.layers.slice(i + 1).some((l) => l.inputs.includes(k))) bytes += model.layers[k].activationBytes;
    return (2 * bytes * microBatch) / networkBandwidth(hw);
  };
  const cutCost = Array.from({ length: n }, (_, i) => (i < n - 1 ? cut(i) : 0));
  const best = Array.from({ length: stages + 1 }, () => new Array<number>(n + 1).fill(Infinity));
  const from = Array.from({ length: stages + 1 }, () => new Array<number>(n + 1).fill(-1));
  best[0][0] = 0;
  for (let s = 1; s <= stages; s++)
    for (let i = s; i <= n; i++)
      for (let j = s - 1; j < i; j++) {
        const v = Math.max(best[s - 1][j], prefix[i] - prefix[j] + cutCost[i - 1]);
        if (v < best[s][i]) {
          best[s][i] = v;
          from[s][i] = j;
        }
      }
  const starts: number[] = [];
  for (let s = stages, i = n; s > 1; s--) starts.unshift((i = from[s][i]));
  return starts;
}

test.each(['inception-v1', 'resnet50', 'alexnet-owt', 'mobilenet-v1'])('%s: the same boundaries as the definition, for every stage count and micro-batch', (name) => {
  const model = zooModel(name);
  const hw = zooHardware('dgx1-v100');
  for (const microBatch of [1, 8, 64])
    for (const stages of [1, 2, 3, 4, 7, 8, 16].filter((s) => s <= model.layers.length))
      expect([stages, microBatch, pipelineBoundaries(model, hw, stages, microBatch)]).toEqual([stages, microBatch, reference(model, hw, stages, microBatch)]);
});

test('bytes crossing each cut: a skip connection counts on every cut it spans', () => {
  const m = modelFrom({
    name: 'skip', input: [8, 8, 4],
    layers: [
      { name: 'a', type: 'conv2d', filters: 4, kernel: 1 },
      { name: 'b', type: 'conv2d', filters: 4, kernel: 1 },
      { name: 'c', type: 'conv2d', filters: 4, kernel: 1 },
      { name: 'sum', type: 'add', inputs: ['a', 'c'] },
      { name: 'fc', type: 'dense', units: 2 },
    ],
  });
  const act = m.layers.map((l) => l.activationBytes);
  // After a: a. After b: a (to sum) + b. After c: a + c. After sum: sum. After fc: nothing.
  expect(Array.from(cutBytesPerSample(m))).toEqual([act[0], act[0] + act[1], act[0] + act[2], act[3], 0]);
});

test('2,000 layers into 64 stages answers (it took minutes when the cuts were cubic)', () => {
  const layers = Array.from({ length: 2000 }, (_, i) => ({ name: `d${i}`, type: 'dense', units: 64 + (i % 7) * 16 }));
  const m = modelFrom({ name: 'deep', input: [64], layers });
  const hw = zooHardware('dgx1-v100');
  const b = pipelineBoundaries(m, hw, 64, 4);
  expect(b).toHaveLength(63);
  expect(b.every((x, i) => i === 0 || x > b[i - 1])).toBe(true);
});
