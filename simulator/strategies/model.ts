// Model parallelism for the model segments of a plan: every worker holds 1/K of each layer
// (output units or channels). Layers that mix their whole input (dense, convolutions) first
// all-gather the previous layer's slices; backward reduce-scatters the partial input gradients.
// In a hybrid (the one weird trick, Krizhevsky 2014) the segment's input comes from the data
// segments of all workers through one of three exchanges:
//   all-gather  — everyone sends its whole batch to everyone, one round of K·B samples;
//   round-robin — worker j broadcasts its batch in turn, round j computes while j+1 broadcasts;
//   chunked     — K rounds, in each everyone sends 1/K of its batch to everyone.
// `fcBatch` sets how many samples the segment sees between weight updates.
import { runCollective } from './exchange';
import type { ModelSegment } from '../plan/schema';
import { allRanks, Lowering } from './context';
import { minOf } from '../extremes';

/** Layer types that need all of their input (every channel or feature), so a split input must be gathered. */
export const MIXING: ReadonlySet<string> = new Set(['dense', 'conv2d', 'conv3d', 'separableConv2d', 'lrn', 'softmax', 'flatten']);

interface Round {
  samples: number;
  /** Per worker: the task after which the round's input is on that worker. */
  input: number[];
  /** How the input gradient goes back: to one owner, or scattered over everyone. */
  gradTo: { kind: 'owner'; owner: number } | { kind: 'scatter' } | { kind: 'none' };
}

/**
 * Lowers the model segments for one step. `dataOut[w]` is the task producing worker w's input to
 * the segment (-1 when the segment starts at the model input). Returns, per worker, the task after
 * which the gradient w.r.t. its own samples' segment input is back on it.
 */
export function modelSegments(c: Lowering, segments: { segment: ModelSegment; layers: number[] }[], dataOut: number[], hasData: boolean): number[] {
  const K = c.K;
  const ranks = allRanks(K);
  const layers = segments.flatMap((s) => s.layers);
  const first = c.model.layers[layers[0]];
  const fcBatchOf = new Map<number, number>();
  for (const s of segments) for (const i of s.layers) fcBatchOf.set(i, s.segment.fcBatch ?? c.plan.stepSamples);
  const exchange = segments[0].segment.exchange ?? 'all-gather';
  const inBytes = first.inputBytes * (c.valueBytes / 4); // per sample

  const rounds: Round[] = [];
  if (!hasData) rounds.push({ samples: c.B, input: ranks.map((w) => dataOut[w]), gradTo: first.needsInputGradient ? { kind: 'scatter' } : { kind: 'none' } });
  else if (exchange === 'all-gather' || K === 1) {
    const got = K === 1 ? dataOut : runCollective(c, 'all-gather', ranks, K * c.B * inBytes, dataOut, `all-gather ${first.name} input`);
    rounds.push({ samples: K * c.B, input: got, gradTo: { kind: 'scatter' } });
  } else if (exchange === 'round-robin') {
    let prev = -1;
    for (let j = 0; j < K; j++) {
      const order = ranks.map((r) => (r + j) % K); // root first
      const ready = order.map((r) => (r === j ? c.g.join([dataOut[j], prev], 'turn') : -1));
      const got = runCollective(c, 'broadcast', order, c.B * inBytes, ready, `broadcast batch ${j}`);
      const input: number[] = [];
      order.forEach((r, i) => (input[r] = got[i]));
      prev = c.g.join(got, `broadcast ${j} done`);
      rounds.push({ samples: c.B, input, gradTo: { kind: 'owner', owner: j } });
    }
  } else {
    let prev = -1;
    for (let r = 0; r < K; r++) {
      const got = runCollective(c, 'all-gather', ranks, c.B * inBytes, ranks.map((w) => c.g.join([dataOut[w], prev], 'chunk ready')), `all-gather chunk ${r}`);
      prev = c.g.join(got, `chunk ${r} done`);
      rounds.push({ samples: c.B, input: got, gradTo: { kind: 'scatter' } });
    }
  }

  const gradBack: number[][] = ranks.map(() => []);
  const seen = new Map<number, number>(); // samples accumulated per layer since its last update
  const pendingBwd: number[][][] = ranks.map(() => layers.map(() => []));
  for (const round of rounds) {
    // Split a round into sub-rounds of fcBatch samples when updates come more often than rounds.
    const minFc = minOf(layers.map((i) => fcBatchOf.get(i)!));
    const sub = minFc < round.samples && round.samples % minFc === 0 ? minFc : round.samples;
    for (let off = 0; off < round.samples; off += sub) {
      const back = subRound(c, layers, sub, round.input, pendingBwd, seen, fcBatchOf);
      if (round.gradTo.kind === 'none') continue;
      const bytes = sub * inBytes;
      if (round.gradTo.kind === 'owner') {
        const j = round.gradTo.owner;
        const order = ranks.map((r) => (r + j) % K);
        const done = runCollective(c, 'reduce', order, bytes, order.map((r) => back[r]), `reduce ${first.name} grad → ${j}`);
        gradBack[j].push(done[0]);
      } else {
        const done = K === 1 ? back : runCollective(c, 'reduce-scatter', ranks, bytes, back, `reduce-scatter ${first.name} grad`);
        ranks.forEach((w) => gradBack[w].push(done[w]));
      }
    }
  }
  return ranks.map((w) => c.g.join(gradBack[w], 'segment input grad'));
}

/** Forward and backward of the segment's layers on `samples` samples; returns per worker the task producing its partial input gradient. */
function subRound(
  c: Lowering, layers: number[], samples: number, input: number[], pendingBwd: number[][][], seen: Map<number, number>, fcBatchOf: Map<number, number>,
): number[] {
  const K = c.K;
  const ranks = allRanks(K);
  const frac = 1 / K;
  const vb = c.valueBytes / 4;
  let cur = input.slice();
  const fwd: number[][] = [];
  layers.forEach((i, n) => {
    const l = c.model.layers[i];
    if (n > 0 && MIXING.has(l.type) && K > 1) {
      const prev = c.model.layers[layers[n - 1]];
      cur = runCollective(c, 'all-gather', ranks, samples * prev.activationBytes * vb, cur, `all-gather ${prev.name}`);
    }
    const seconds = c.cost.forward(l, samples, frac);
    const label = `fwd ${l.name} [1/${K}]`;
    const from = cur;
    cur = ranks.map((w) => c.g.compute(w, seconds, [from[w], c.weightsReady[w][i]], label, 'forward'));
    fwd.push(cur);
  });
  // The loss needs every logit: gather the last layer's slices.
  const lastL = c.model.layers[layers[layers.length - 1]];
  let grad = K > 1 ? runCollective(c, 'all-gather', ranks, samples * lastL.activationBytes * vb, cur, `all-gather ${lastL.name} (loss)`) : cur;
  for (let n = layers.length - 1; n >= 0; n--) {
    const i = layers[n];
    const l = c.model.layers[i];
    const seconds = c.cost.backward(l, samples, frac);
    const label = `bwd ${l.name} [1/${K}]`;
    const from = grad;
    const b = ranks.map((w) => c.g.compute(w, seconds, [from[w], fwd[n][w]], label, 'backward'));
    ranks.forEach((w) => pendingBwd[w][n].push(b[w]));
    if (n > 0 && MIXING.has(l.type) && K > 1) grad = runCollective(c, 'reduce-scatter', ranks, samples * l.inputBytes * vb, b, `reduce-scatter ${l.name} input grad`);
    else grad = b;
    const acc = (seen.get(i) ?? 0) + samples;
    if (acc >= fcBatchOf.get(i)!) {
      seen.set(i, 0);
      const seconds = c.cost.update(l.parameters / K);
      const label = `update ${l.name} [1/${K}]`;
      ranks.forEach((w) => {
        c.weightsReady[w][i] = c.g.compute(w, seconds, pendingBwd[w][n].splice(0), label, 'update');
      });
    } else seen.set(i, acc);
  }
  return grad;
}
