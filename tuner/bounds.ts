// Lower bounds on a candidate's step time from the cost model alone. The simulator can only add
// to them, so a candidate whose bound is already worse than a plan in hand can be skipped.
//   compute: the busiest worker's forward and backward passes, every transfer free;
//   plus communication that provably stalls every worker's in-order stream in every step: one
//   gradient bucket's synchronisation, the collectives between model-parallel layers, and a
//   hybrid's ring exchanges (nothing else can run on the stream meanwhile).
// Collective times are on an idle network; contention only lengthens them.
import '../simulator/collectives';
import { collective } from '../simulator/collectives';
import { roundBound } from '../simulator/collectives/collective';
import { DeviceCost, valueBytes } from '../simulator/cost/compute';
import type { Hardware } from '../simulator/hardware/schema';
import type { AnalyzedModel } from '../simulator/model/analyze';
import type { ResolvedPlan } from '../simulator/plan/resolve';
import { buckets, DEFAULT_BUCKET_BYTES } from '../simulator/strategies/data';
import { MIXING } from '../simulator/strategies/model';
import { stageLayersOf } from '../simulator/strategies/pipeline';
import { buildTopology } from '../simulator/topology/build';
import { achievedNetwork, launchSeconds } from '../simulator/collectives/achieved';
import { expectedSlowest } from '../simulator/stragglers';
import { maxOf, minOf } from '../simulator/extremes';
import { simulatedComposed } from '../simulator/parallel/layout';
import { composedLowerBound } from './composed';

const finite = (x: number) => (Number.isFinite(x) ? x : 0);

/**
 * Collective bounds by network, worker count, collective and size. A model segment's bound asks
 * for two collectives per layer per round: on a model of thousands of layers, tens of thousands of
 * candidates asked the same questions again (each answer building a pattern and its cache key),
 * and that was most of a tune's time. Keyed by the achieved network (one object per hardware
 * network and fraction, simulator/collectives/achieved.ts).
 */
const collectiveBounds = new WeakMap<Hardware['network'], Map<number, Map<string, Map<number, number>>>>();
const MAX_KEPT_BOUNDS = 200_000;

/** Bounds known for this network and worker count, by collective name, then by bytes (number keys: no string per lookup). */
function boundsFor(network: Hardware['network'], K: number): Map<string, Map<number, number>> {
  let byK = collectiveBounds.get(network);
  if (!byK) collectiveBounds.set(network, (byK = new Map()));
  let m = byK.get(K);
  if (!m) byK.set(K, (m = new Map()));
  return m;
}

export function stepTimeLowerBound(model: AnalyzedModel, hw: Hardware, plan: ResolvedPlan): number {
  // Plans the composed lowering simulates (simulate.ts) are bounded by its own cost model.
  if (simulatedComposed(model, plan.plan)) return composedLowerBound(model, hw, plan);
  const cost = new DeviceCost(hw, plan.plan.precision ?? 'fp32');
  const K = plan.plan.workers;
  const B = plan.plan.batchPerWorker;
  const ranks = Array.from({ length: K }, (_, i) => i);
  // The network at the rates its collectives achieve, as the simulator runs them (never faster).
  const network = achievedNetwork(hw);
  const topo = K > 1 ? buildTopology(network, K) : undefined;
  const known = boundsFor(network, K);
  const time = (name: string, bytes: number): number => {
    if (!topo) return 0;
    let bySize = known.get(name);
    if (!bySize || bySize.size > MAX_KEPT_BOUNDS) known.set(name, (bySize = new Map()));
    let t = bySize.get(bytes);
    if (t === undefined) bySize.set(bytes, (t = finite(collective(name).time(topo, ranks, bytes, roundBound))));
    return t;
  };
  // Every collective call pays the launch before its first byte (simulator/strategies/exchange.ts).
  const launch = K > 1 ? launchSeconds(hw) : 0;
  // Compute (scaled by the stragglers' factor below) and communication, kept apart.
  let t = 0;
  let comm = 0;
  // At most one gradient synchronisation is sure to stall the step (see below): the largest of
  // the candidates, added once after the loop.
  let stall = 0;
  const firstData = plan.segments.find((x) => x.segment.parallelism === 'data');
  for (const seg of plan.segments) {
    const s = seg.segment;
    const ls = seg.layers.map((i) => model.layers[i]);
    if (s.parallelism === 'data') {
      for (const l of ls) t += cost.forward(l, B) + cost.backward(l, B);
      if (s.sync === 'async-parameter-server' || K === 1) {
        if (K === 1) for (const l of ls) t += cost.update(l.parameters);
        continue;
      }
      if (s.sync?.startsWith('s3-')) continue; // costed by the object store, not the network
      const sync = s.sync ?? 'ring-allreduce';
      // Buckets are synchronised one after another per worker, but consecutive buckets may
      // pipeline across workers, and a later segment's buckets may run under an earlier
      // segment's backprop: only one collective is sure to stall the stream — with overlap, the
      // last bucket of the first data segment (its layers finish backprop last); without, the
      // largest bucket (it starts after all of backprop).
      const bs = buckets({ model }, [...seg.layers].reverse(), s.bucketBytes ?? DEFAULT_BUCKET_BYTES);
      const bytes = bs.map((b) => b.reduce((a, i) => a + model.layers[i].weightBytes, 0));
      if (!bytes.length || (s.overlap !== false && seg !== firstData)) continue;
      const k = s.overlap === false ? bytes.indexOf(maxOf(bytes)) : bytes.length - 1;
      // Other buckets' updates may run while this collective is in flight; its own cannot.
      stall = Math.max(stall, time(sync, bytes[k]) + launch + bs[k].reduce((a, i) => a + cost.update(model.layers[i].parameters), 0));
    } else if (s.parallelism === 'model') {
      // Only the first model segment is counted: the simulator runs all of them as one chain.
      if (seg !== plan.segments.find((x) => x.segment.parallelism === 'model')) continue;
      const chain = chainBoundOf(model, hw, plan, () => modelChainBound(model, plan, cost, time));
      t += chain.compute;
      comm += chain.comm;
    } else {
      const M = s.microBatches ?? 1;
      const stages = stageLayersOf(model, s, seg.layers, K);
      t += maxOf(stages.map((st) => st.reduce((a, i) => a + M * (cost.forward(model.layers[i], B / M) + cost.backward(model.layers[i], B / M)), 0) + cost.update(st.reduce((a, i) => a + model.layers[i].parameters, 0))));
    }
  }
  // Stragglers: the tuner scores a plan at the expected slowest worker's factor E[M]
  // (simulate with samples 1, tuner/evaluator.ts), which scales every compute task by E[M] and
  // leaves communication as it is; so E[M] × compute + communication is still a lower bound.
  // Asynchronous workers wait for no other: their factor's mean is 1.
  const async = plan.segments.some((x) => x.segment.parallelism === 'data' && x.segment.sync === 'async-parameter-server');
  const slowest = async ? 1 : expectedSlowest(K, hw.device.variability?.computeCv ?? 0);
  return t * slowest + comm + stall;
}


/**
 * The model chain's bound depends on the model segments, workers, batch and precision, not on the
 * data segment's synchronisation: hybrid candidates that differ only there (a dozen per boundary)
 * share it. On a deep model each costs layers × rounds.
 */
type ChainBound = { compute: number; comm: number };
const chainBounds = new WeakMap<AnalyzedModel, WeakMap<Hardware, Map<string, ChainBound>>>();
function chainBoundOf(model: AnalyzedModel, hw: Hardware, plan: ResolvedPlan, compute: () => ChainBound): ChainBound {
  let byHw = chainBounds.get(model);
  if (!byHw) chainBounds.set(model, (byHw = new WeakMap()));
  let m = byHw.get(hw);
  if (!m || m.size > MAX_KEPT_BOUNDS) byHw.set(hw, (m = new Map()));
  const p = plan.plan;
  const key = JSON.stringify([p.workers, p.batchPerWorker, p.precision, plan.stepSamples, plan.segments.map((x) => (x.segment.parallelism === 'data' ? ['data', x.first, x.last] : [x.segment, x.first, x.last]))]);
  let t = m.get(key);
  if (t === undefined) m.set(key, (t = compute()));
  return t;
}

/**
 * The model segments' compute over the same rounds the simulator uses, plus every collective
 * between their layers: each one stalls the in-order stream (the next task needs its result).
 */
function modelChainBound(model: AnalyzedModel, plan: ResolvedPlan, cost: DeviceCost, time: (name: string, bytes: number) => number): { compute: number; comm: number } {
  const K = plan.plan.workers;
  const B = plan.plan.batchPerWorker;
  const segs = plan.segments.filter((x) => x.segment.parallelism === 'model');
  const layers = segs.flatMap((x) => x.layers).map((i) => model.layers[i]);
  const first = segs[0].segment;
  const hasData = plan.segments.some((x) => x.segment.parallelism === 'data');
  const vb = valueBytes(plan.plan.precision ?? 'fp32') / 4;
  const exchange = (first.parallelism === 'model' && first.exchange) || 'all-gather';
  const minFc = minOf(segs.map((x) => (x.segment.parallelism === 'model' && x.segment.fcBatch) || plan.stepSamples));
  const rounds = !hasData ? [B] : exchange === 'all-gather' || K === 1 ? [K * B] : Array(K).fill(B);
  const inBytes = layers[0].inputBytes * vb;
  let t = 0;
  let c = 0;
  for (const R of rounds) {
    const sub = minFc < R && R % minFc === 0 ? minFc : R;
    for (let off = 0; off < R; off += sub) {
      layers.forEach((l, n) => {
        t += cost.forward(l, sub, 1 / K) + cost.backward(l, sub, 1 / K);
        if (n > 0 && MIXING.has(l.type) && K > 1) c += time('all-gather', sub * layers[n - 1].activationBytes * vb) + time('reduce-scatter', sub * l.inputBytes * vb);
      });
      if (K > 1) c += time('all-gather', sub * layers[layers.length - 1].activationBytes * vb);
    }
  }
  // Weight updates are left out: they may run while the next collective is in flight.
  // A hybrid's ring exchanges stall every worker at once: the first input all-gather and the last
  // input-gradient reduce-scatter. (Round-robin's broadcasts and reduces stall only some workers.)
  if (hasData && K > 1 && exchange !== 'round-robin') {
    const R = exchange === 'all-gather' ? K * B : B;
    c += time('all-gather', R * inBytes) + time('reduce-scatter', Math.min(R, minFc) * inBytes);
  }
  return { compute: t, comm: c };
}
