// Where grid workers sit and what crosses pipeline boundaries.
import fc from 'fast-check';
import { dataGroup, gridStages, liveAcross, positionOf, rankAt, tensorGroup } from '../../../runtime/executors/grid-layout';
import { zooModel } from '../../helpers/scenarios';

const grid = (data: number, tensor: number, pipeline: number) => ({ data, tensor, pipeline, zero: 0 as const, recompute: 'none' as const, microBatches: 1 });

test('ranks and positions are inverse; tensor ranks are consecutive, then replicas, then stages (Megatron-LM order)', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), (d, t, p) => {
    const g = grid(d, t, p);
    const seen = new Set<number>();
    for (let r = 0; r < d * t * p; r++) {
      const at = positionOf(g, r);
      expect(rankAt(g, at)).toBe(r);
      seen.add(r);
      // Every worker is in its own tensor and data groups, which have the degrees' sizes.
      expect(tensorGroup(g, at)).toContain(r);
      expect(dataGroup(g, at)).toContain(r);
      expect(tensorGroup(g, at)).toHaveLength(t);
      expect(dataGroup(g, at)).toHaveLength(d);
    }
    expect(seen.size).toBe(d * t * p);
  }));
  expect(positionOf(grid(2, 2, 2), 5)).toEqual({ stage: 1, replica: 0, t: 1 });
});

test('a stage boundary inside a transformer block carries the residual stream and the sub-block output', () => {
  const model = zooModel('mini-gpt');
  const name = (i: number) => model.layers[i].name;
  const stages = gridStages(model, 3);
  // Every layer but the loss in exactly one stage, in order.
  expect(stages.flat()).toEqual(model.order.filter((i) => model.layers[i].type !== 'crossEntropy'));
  const live = liveAcross(model, stages).map((l) => l.map(name));
  for (const [k, crossing] of live.entries()) {
    // What crosses boundary k is made before it and read after it.
    const before = new Set(stages.slice(0, k + 1).flat().map(name));
    const readAfter = new Set(stages.slice(k + 1).flat().flatMap((i) => model.layers[i].inputs.filter((j) => j >= 0).map(name)));
    expect(crossing.every((n) => before.has(n) && readAfter.has(n))).toBe(true);
    expect([...readAfter].filter((n) => before.has(n)).sort()).toEqual([...crossing].sort());
  }
  // mini-gpt in 3 stages is cut after each block's MLP, before its residual add: two tensors cross.
  expect(live).toEqual([['h0.add1', 'h0.mlp'], ['h1.add1', 'h1.mlp']]);
});
