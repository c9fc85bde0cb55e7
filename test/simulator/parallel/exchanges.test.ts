// Megatron-LM's pipeline as run: blocking point-to-point exchanges in schedules.py's order, and its
// stage split (equal transformer blocks per stage). Laws over generated pipelines: every send has
// its receive (same count per channel, so no rank waits forever), the computations keep
// scheduleOf's order, the lowering never deadlocks, and with free transfers a pipeline of equal
// stages takes exactly the bubble of its schedule ((P − 1) / (v·M) of the work).
import fc from 'fast-check';
import { exchangesOf, isExchange } from '../../../simulator/parallel/exchanges';
import { blockPartition, scheduleOf } from '../../../simulator/parallel/pipeline';
import type { Layout } from '../../../simulator/parallel/layout';
import { TaskGraph } from '../../../simulator/engine/graph';
import { lowerExchanges } from '../../../simulator/parallel/blocking-pipeline';
import { runGraph } from '../../../simulator/engine/run';
import { buildTopology } from '../../../simulator/topology/build';
import { zooHardware, zooModel } from '../../helpers/scenarios';
import { runs } from '../../helpers/runs';

const arbLayout = fc.record({ P: fc.integer({ min: 2, max: 8 }), v: fc.integer({ min: 1, max: 4 }), groups: fc.integer({ min: 1, max: 4 }) }).map(({ P, v, groups }): Layout => ({
  workers: P, data: 1, tensor: 1, pipeline: P, sequenceParallel: false, schedule: v > 1 ? 'interleaved' : '1f1b', chunks: v,
  microBatch: 1, microBatches: v > 1 ? P * groups : groups + P - 2, zero: 0, recompute: 'none', optimizer: 'adam', precision: 'fp16',
}));

/** Runs a step of equal stages (forward 1 s, backward 2 s per micro-batch and rank, split over chunks), each transfer `send` seconds. */
function makespan(layout: Layout, send = 0): number {
  const { pipeline: P, chunks: v } = layout;
  const g = new TaskGraph();
  const last = new Array<number>(P).fill(-1);
  const done = [new Map<string, number>(), new Map<string, number>()];
  lowerExchanges(g, layout, P * v, Array.from({ length: P * v }, () => ({ send, gather: 0 })), last, (p, op, deps) => {
    const t = g.compute(p, (op.backward ? 2 : 1) / v, deps, 'op', op.backward ? 'backward' : 'forward');
    done[op.backward ? 1 : 0].set(`${op.chunk * P + p}:${op.micro}`, t);
    last[p] = t;
    return t;
  }, (j, m, backward) => done[backward ? 1 : 0].get(`${j}:${m}`) ?? -1);
  return runGraph(g, buildTopology(zooHardware('selene-a100').network, P), P).makespan;
}

describe('Megatron-LM pipeline exchanges', () => {
  test('every send has its receive, computations keep their order, no exchange is empty', () => {
    fc.assert(fc.property(arbLayout, (layout) => {
      const P = layout.pipeline;
      const sends = new Map<string, number>();
      const receives = new Map<string, number>();
      const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
      for (let p = 0; p < P; p++) {
        const steps = exchangesOf(layout, p);
        expect(steps.filter((s) => !isExchange(s))).toEqual(scheduleOf(layout, p));
        for (const s of steps) {
          if (!isExchange(s)) continue;
          expect(s.sends.length + s.receives.length).toBeGreaterThan(0);
          for (const to of s.sends) bump(sends, to === 'next' ? `a${p}` : `g${p}`);
          for (const from of s.receives) bump(receives, from === 'prev' ? `a${(p - 1 + P) % P}` : `g${(p + 1) % P}`);
        }
      }
      expect(receives).toEqual(sends);
    }), { numRuns: runs(80) });
  });

  test('with free transfers, equal stages take the schedule\'s bubble exactly', () => {
    fc.assert(fc.property(arbLayout, (layout) => {
      const { pipeline: P, chunks: v, microBatches: M } = layout;
      // M micro-batches of 3 s per rank, plus (P − 1) / v of one (Narayanan et al. 2021 §2.2).
      expect(makespan(layout)).toBeCloseTo(3 * M + ((P - 1) * 3) / v, 9);
    }), { numRuns: runs(40) });
  });

  test('a rank computes nothing while its exchange is in flight (worked by hand: 2 stages, 2 micro-batches, 0.5 s transfers)', () => {
    // Rank 0: F0 [0, 1]; its send waits 0.5 s, so F1 runs [1.5, 2.5] (free-running sends: [1, 2]);
    // rank 1: F0 [1.5, 2.5], B0 [2.5, 4.5], then sends g0 and receives a1 at 5; F1 [5, 6], B1 [6, 8];
    // rank 0: B0 [5, 7], receives g1 at 8.5, B1 [8.5, 10.5].
    const layout: Layout = {
      workers: 2, data: 1, tensor: 1, pipeline: 2, sequenceParallel: false, schedule: '1f1b', chunks: 1,
      microBatch: 1, microBatches: 2, zero: 0, recompute: 'none', optimizer: 'adam', precision: 'fp16',
    };
    expect(makespan(layout, 0.5)).toBeCloseTo(10.5, 9);
  });
});

describe("Megatron-LM's stage split", () => {
  test('1T on 64 stages: two blocks each, embedding in the first, head and loss in the last', () => {
    const m = zooModel('megatron-gpt-1008b');
    const stages = blockPartition(m, 64)!;
    expect(stages).toHaveLength(64);
    for (const s of stages) expect(s.filter((i) => m.layers[i].type === 'attention')).toHaveLength(2);
    expect(m.layers[stages[0][0]].type).toBe('tokenEmbedding');
    expect(m.layers[stages[63][stages[63].length - 1]].type).toBe('crossEntropy');
    expect(stages.flat()).toEqual(m.order);
    // Each later stage starts with a block's first norm: only the residual stream crosses.
    for (const s of stages.slice(1)) expect(m.layers[s[0]].type).toBe('layerNorm');
  });

  test('undefined when the blocks do not divide evenly (the balanced split is used instead)', () => {
    expect(blockPartition(zooModel('megatron-gpt-1008b'), 3)).toBeUndefined();
  });
});
