// Lowers a composed plan (data × tensor × pipeline, ZeRO, recomputation, micro-batches) to a task
// graph of one representative worker per pipeline stage and runs it on the event engine. Every
// replica and tensor rank does the same work at the same time, so one rank per stage stands for
// all (the symmetric lowering): its compute is tasks on its stream, and every collective — tensor
// all-reduces, pipeline sends, data-parallel and ZeRO synchronisation — is a delay whose length is
// the collective's closed-form time on the real ranks of the full topology.
import { DELAY, TaskGraph } from '../engine/graph';
import { runGraph } from '../engine/run';
import type { Hardware } from '../hardware/schema';
import { breakdown, stepSpans } from '../metrics';
import type { AnalyzedModel } from '../model/analyze';
import { elements } from '../model/layers/kind';
import type { ResolvedPlan } from '../plan/resolve';
import { defaultSync } from '../plan/shorthand';
import { buildTopology } from '../topology/build';
import { achievedNetwork } from '../collectives/achieved';
import { valueBytes as bytesOf } from '../cost/compute';
import { KernelCost, LayerTimes } from '../cost/kernels';
import { gradientSync, weightGather } from './data';
import { dataGroup, Layout, layoutOf } from './layout';
import { composedMemory } from './memory';
import { Op, p2pParts, partition, scheduleOf, tiedEmbeddingCopy, tiedEmbeddingSync } from './pipeline';
import { lowerExchanges } from './blocking-pipeline';
import { blocksOf, recomputedFlops, recomputeSeconds } from './recompute';
import { expectedSlowest, expectedStep, scaleCompute, sharedSpread, type Band } from '../stragglers';
import { TensorComm, tensorComm, tensorParameters } from './tensor';
import { bytesPerParameter, updateBytesPerParameter } from './zero';
import { collectiveSeconds } from './closed-form';
import { Traffic } from './traffic';
import type { MemoryUse } from '../cost/memory';
import type { Breakdown } from '../metrics';

export interface ComposedResult {
  layout: Layout;
  memory: MemoryUse & { stage: number };
  /** Absent when the plan does not fit or cannot run: `reason` says why. */
  stepTimeSeconds?: number;
  reason?: string;
  breakdown?: Breakdown;
  /** The step's spread over the workers' compute variability (samples > 1 and a device with variability). */
  band?: Band & { deterministicSeconds: number };
  events?: number;
  /** Bytes every rank together sends, and receives, in one step (collectives and pipeline sends). */
  traffic?: { sentBytes: number; receivedBytes: number };
  /** Training FLOPs of a step without recomputation (the model's) and with it (what the devices ran). */
  modelFlopsPerStep: number;
  hardwareFlopsPerStep: number;
  graph?: TaskGraph;
}

interface Chunk {
  layers: number[];
  forward: number;
  forwardComm: number;
  backward: number;
  backwardComm: number;
  /** Bytes one tensor group sends in its collectives per micro-batch, forward and backward (recomputed forwards included). */
  forwardCommBytes: number;
  backwardCommBytes: number;
  sendBytes: number;
  parameters: number;
}

/** Every layer's costs per micro-batch on one tensor rank, by model, hardware object and the degrees they depend on. */
const layerCosts = new WeakMap<AnalyzedModel, WeakMap<Hardware, Map<string, { times: LayerTimes[]; comms: TensorComm[] }>>>();

/** Every layer's time and tensor collectives per micro-batch; the same for every plan with these degrees (the tuner's many). */
function layerCostsOf(model: AnalyzedModel, hw: Hardware, layout: Layout, kc: KernelCost, vb: number, topo: ReturnType<typeof buildTopology>) {
  let byHw = layerCosts.get(model);
  if (!byHw) layerCosts.set(model, (byHw = new WeakMap()));
  let m = byHw.get(hw);
  if (!m) byHw.set(hw, (m = new Map()));
  const key = `${layout.workers}|${layout.tensor}|${layout.sequenceParallel}|${layout.microBatch}|${layout.precision}`;
  let c = m.get(key);
  if (!c) {
    const b = layout.microBatch;
    c = { times: model.layers.map((l) => kc.layer(l, b, layout.tensor, layout.sequenceParallel)), comms: model.layers.map((l) => tensorComm(l, b, layout, topo, vb)) };
    if (m.size > 256) m.clear();
    m.set(key, c);
  }
  return c;
}

function chunksOf(model: AnalyzedModel, hw: Hardware, layout: Layout, kc: KernelCost, vb: number, topo: ReturnType<typeof buildTopology>): Chunk[] {
  const b = layout.microBatch;
  const { times, comms } = layerCostsOf(model, hw, layout, kc, vb, topo);
  const groups = partition(model, layout.pipeline * layout.chunks, (i) => times[i].forward + times[i].backward + comms[i].forward + comms[i].backward);
  const blocks = blocksOf(model);
  return groups.map((layers, j) => {
    let forward = 0, forwardComm = 0, backward = 0, backwardComm = 0, forwardCommBytes = 0, backwardCommBytes = 0, parameters = 0;
    for (const i of layers) {
      const t = times[i];
      forward += t.forward;
      forwardComm += comms[i].forward;
      backward += t.backward + recomputeSeconds(layout, blocks[i] >= 0, t.forward, t.core, comms[i].forward);
      backwardComm += comms[i].backward;
      forwardCommBytes += comms[i].forwardBytes;
      // A fully recomputed layer runs its forward collectives again before its backward.
      backwardCommBytes += comms[i].backwardBytes + (layout.recompute === 'full' && blocks[i] >= 0 ? comms[i].forwardBytes : 0);
      parameters += tensorParameters(model.layers[i], layout.tensor);
    }
    // Values crossing to later stages: outputs of this stage's layers that a later stage reads.
    const readLater = new Set<number>();
    for (const later of groups.slice(j + 1)) for (const c of later) for (const i of model.layers[c].inputs) readLater.add(i);
    let values = 0;
    for (const i of layers) if (readLater.has(i)) values += elements(model.layers[i].outputShape);
    return { layers, forward, forwardComm, backward, backwardComm, forwardCommBytes, backwardCommBytes, sendBytes: values * b * vb, parameters };
  });
}

/** Training FLOPs per sample: forward + backward, and with what recomputation runs again (recompute.ts). */
export function flopsPerSample(model: AnalyzedModel, layout: Layout): { model: number; hardware: number } {
  const m = model.forwardFlops + model.backwardFlops;
  return { model: m, hardware: m + recomputedFlops(model, layout) };
}

/** Peak memory per worker of a composed plan, without simulating it (the tuner's first filter). */
export function composedPlanMemory(model: AnalyzedModel, hw: Hardware, plan: ResolvedPlan): MemoryUse & { stage: number } {
  return prepare(model, hw, plan).memory;
}

type Prepared = ReturnType<typeof prepareAnew>;
/**
 * The last plan prepared: the tuner asks for a candidate's memory, then simulates the same plan
 * object, which needs the same stages (their partition is most of the preparation).
 */
let lastPrepared: { model: AnalyzedModel; hw: Hardware; plan: ResolvedPlan; prepared: Prepared } | undefined;

function prepare(model: AnalyzedModel, hw: Hardware, plan: ResolvedPlan): Prepared {
  const last = lastPrepared;
  if (last && last.model === model && last.hw === hw && last.plan === plan) return last.prepared;
  const prepared = prepareAnew(model, hw, plan);
  lastPrepared = { model, hw, plan, prepared };
  return prepared;
}

function prepareAnew(model: AnalyzedModel, hw: Hardware, plan: ResolvedPlan) {
  const layout = layoutOf(plan.plan);
  const vb = bytesOf(layout.precision);
  const kc = new KernelCost(hw, layout.precision);
  // The network as the collective libraries achieve it (simulator/collectives/achieved.ts).
  const topo = buildTopology(achievedNetwork(hw), layout.workers);
  const chunks = chunksOf(model, hw, layout, kc, vb, topo);
  const memory = composedMemory(model, layout, chunks.map((c) => c.layers), vb, hw.device.memoryBytes);
  return { layout, vb, kc, topo, chunks, memory };
}

/**
 * `samples`: quantiles of the slowest worker's compute factor the step is simulated at (1: at its
 * mean only, as the tuner scores plans; more: also the p10–p90 band), simulator/stragglers.ts.
 */
export function simulateComposed(model: AnalyzedModel, hw: Hardware, plan: ResolvedPlan, o: { keepGraph?: boolean; samples?: number } = {}): ComposedResult {
  const keepGraph = o.keepGraph ?? false;
  const { layout, kc, topo, chunks, memory } = prepare(model, hw, plan);
  const perSample = flopsPerSample(model, layout);
  const samples = plan.stepSamples;
  const base = { layout, memory, modelFlopsPerStep: perSample.model * samples, hardwareFlopsPerStep: perSample.hardware * samples };
  if (layout.precision === 'fp8' && !hw.device.peakFlopsByPrecision?.fp8) return { ...base, reason: `${hw.device.name} has no fp8 rate (peakFlopsByPrecision.fp8): fp8 needs a device that has it` };
  if (!memory.fits) return { ...base, reason: `needs ${(memory.totalBytes / 1e9).toFixed(2)} GB per worker (pipeline rank ${memory.stage}), device has ${(memory.capacityBytes / 1e9).toFixed(2)} GB` };
  if (layout.workers > hw.workers) return { ...base, reason: `plan needs ${layout.workers} workers, hardware has ${hw.workers}` };

  const P = layout.pipeline;
  const V = chunks.length;
  const M = layout.microBatches;
  const sync = plan.segments[0]?.segment.parallelism === 'data' ? plan.segments[0].segment.sync ?? defaultSync(hw.network.topology) : defaultSync(hw.network.topology);
  const state = bytesPerParameter(layout);
  // Seconds to send activations into virtual stage j (and its gradients back out of it), and of a ZeRO-3 gather of its weights.
  // Bytes on the network, counted where each collective's delay is made: every micro-batch crosses
  // each boundary forward and back, and every chunk's ZeRO-3 gather runs before each of its ops.
  const traffic = new Traffic();
  const perOp = traffic.times(2 * M);
  const boundary = chunks.map((_, j) => (j === 0 ? { send: 0, gather: 0 } : p2pParts(layout, topo, chunks[j - 1].sendBytes, (j - 1) % P, perOp)));
  const sendInto = boundary.map((b) => b.send + b.gather);
  const gatherOf = chunks.map((c, j) => {
    if (layout.zero < 3 || layout.data === 1) return 0;
    perOp.collective('all-gather', topo, dataGroup(layout, j % P), c.parameters * state.weights, layout.tensor);
    return collectiveSeconds('all-gather', topo, dataGroup(layout, j % P), c.parameters * state.weights);
  });
  // Each replica's tensor group of a chunk runs its collectives for every micro-batch.
  for (const c of chunks) traffic.times(M * layout.data).add(c.forwardCommBytes + c.backwardCommBytes);
  const g = new TaskGraph();
  let weightsReady = new Array<number>(P).fill(-1);
  // The optimizer step all-reduces the global gradient norm over every rank (gradient clipping, as
  // Megatron-LM and DeepSpeed do): a barrier, so steps do not overlap and one step from idle is
  // the steady state.
  const steps = 1;
  const labels = { fwd: chunks.map((_, j) => `fwd stage ${j}`), bwd: chunks.map((_, j) => `bwd stage ${j}`) };
  for (let k = 0; k < steps; k++) {
    g.step = k;
    const fDone = chunks.map(() => new Array<number>(M).fill(-1));
    const bDone = chunks.map(() => new Array<number>(M).fill(-1));
    const last = [...weightsReady];
    // ZeRO-3: each rank's weight gathers run ahead on its communication stream, one after another.
    const gatherChain = [...weightsReady];
    const lastBackward = chunks.map(() => -1);
    /** Rank p runs `op` after `deps` (its tensor collectives follow on the critical path); returns its end. */
    const runOp = (p: number, op: Op, deps: number[]): number => {
      const j = op.chunk * P + p;
      const c = chunks[j];
      if (gatherOf[j] > 0) {
        gatherChain[p] = g.delay(p, gatherOf[j], [gatherChain[p]], 'zero-3 gather');
        deps.push(gatherChain[p]);
      }
      if (op.backward) deps.push(fDone[j][op.micro]);
      const secs = op.backward ? c.backward : c.forward;
      const comm = op.backward ? c.backwardComm : c.forwardComm;
      const t = g.compute(p, secs, deps, op.backward ? labels.bwd[j] : labels.fwd[j], op.backward ? 'backward' : 'forward');
      const done = comm > 0 ? g.delay(p, comm, [t], 'tensor collectives') : t;
      last[p] = done;
      (op.backward ? bDone : fDone)[j][op.micro] = done;
      if (op.backward) lastBackward[j] = done;
      return done;
    };
    if (P > 1 && layout.schedule !== 'gpipe') lowerExchanges(g, layout, V, boundary, last, runOp, (j, m, backward) => (backward ? bDone : fDone)[j][m]);
    else {
      const ops = Array.from({ length: P }, (_, p) => scheduleOf(layout, p));
      const next = new Array<number>(P).fill(0);
      let left = ops.reduce((a, o) => a + o.length, 0);
      while (left > 0) {
        let progressed = false;
        for (let p = 0; p < P; p++) {
          while (next[p] < ops[p].length) {
            const op = ops[p][next[p]];
            const j = op.chunk * P + p;
            const m = op.micro;
            const from = op.backward ? (j === V - 1 ? -2 : bDone[j + 1][m]) : j === 0 ? -2 : fDone[j - 1][m];
            if (from === -1 || (op.backward && fDone[j][m] === -1)) break;
            const deps = [last[p]];
            // Gradients flow back over the same boundary the activations crossed; sends do not stop the sender.
            if (from >= 0) deps.push(g.delay(p, op.backward ? sendInto[j + 1] : sendInto[j], [from], op.backward ? 'send gradients' : 'send activations'));
            runOp(p, op, deps);
            next[p]++;
            left--;
            progressed = true;
          }
        }
        if (!progressed) throw new Error(`pipeline schedule ${layout.schedule} deadlocked (a bug in its op order)`);
      }
    }
    // Gradient synchronisation and the optimizer step, per pipeline rank.
    const embedding = tiedEmbeddingCopy(model, layout);
    const embeddingSync = tiedEmbeddingSync(layout, topo, embedding * state.gradients, traffic);
    for (let p = 0; p < P; p++) {
      const mine = chunks.map((c, j) => ({ c, j })).filter(({ j }) => j % P === p);
      const params = mine.reduce((a, { c }) => a + c.parameters, 0) + (p === P - 1 ? embedding : 0);
      let synced: number;
      if (layout.zero >= 2) {
        // Reduce-scatter each chunk's gradients once its last backward is done, on the communication stream.
        let chain = -1;
        for (const { c, j } of [...mine].reverse())
          chain = g.delay(p, gradientSync(layout, topo, c.parameters * state.gradients, sync, p, traffic), [lastBackward[j], chain], `reduce-scatter stage ${j}`);
        synced = g.join([last[p], chain], 'gradients synchronised');
      } else synced = g.delay(p, gradientSync(layout, topo, params * state.gradients, sync, p, traffic), [last[p]], `${layout.zero ? 'reduce-scatter' : sync} stage ${p}`);
      // The tied embedding's two copies agree before the step (first and last rank wait for it).
      if (embeddingSync > 0 && (p === 0 || p === P - 1)) synced = g.delay(p, embeddingSync, [synced], 'embedding all-reduce');
      const shard = layout.zero >= 1 ? layout.data : 1;
      const update = g.compute(p, kc.update(params / shard, updateBytesPerParameter(layout)), [synced], `update stage ${p}`, 'update');
      weightsReady[p] = layout.zero >= 1 && layout.zero < 3 ? g.delay(p, weightGather(layout, topo, params * state.weights, p, traffic), [update], `all-gather weights stage ${p}`) : update;
    }
  }
  for (let i = 0; i < g.size; i++) if (g.kinds[i] === DELAY && Number.isNaN(g.amount[i])) throw new Error(`no closed form for ${g.labels[i]} on ${hw.name}`);
  // Stragglers: every rank waits for the slowest of all W at the step's gradient-norm all-reduce
  // (and tensor ranks at every layer), so the step is taken at the slowest of W factors, exactly
  // as simulateRun takes it for the other plans (the order statistics of simulator/stragglers.ts).
  // Only the expected step wanted (samples 1, as the tuner scores): one run with every compute task
  // × E[slowest], whose breakdown is then the expected step's; with a band, the deterministic run
  // and one more per sampled quantile.
  const cv = hw.device.variability?.computeCv ?? 0;
  const sharedCv = sharedSpread(hw.device.variability);
  const quantiles = Math.max(1, o.samples ?? 1);
  const slowest = quantiles === 1 ? expectedSlowest(layout.workers, cv) : 1;
  scaleCompute(g, slowest);
  // Interference: a rank's compute slows while its own collectives are in flight (ZeRO-3 gathers,
  // gradient reduce-scatters under backprop), as for every other plan (engine/run.ts).
  const slowdown = hw.device.interference?.computeSlowdown ?? 0;
  const timeline = runGraph(g, topo, P, slowdown);
  const spans = stepSpans(g, timeline, steps);
  const from = steps > 1 ? spans.ends[steps - 2] : 0;
  const ran = spans.ends[steps - 1] - from;
  const window = { total: steps, from: steps - 2, last: steps - 1, measured: 1, factor: 1 };
  const straggle = quantiles > 1 && cv + sharedCv > 0 ? expectedStep(g, topo, P, slowdown, window, layout.workers, cv, quantiles, sharedCv) : {};
  const result: ComposedResult = {
    ...base, stepTimeSeconds: straggle.seconds ?? ran, traffic: { sentBytes: traffic.sent, receivedBytes: traffic.received }, breakdown: breakdown(g, timeline, P, from, spans.ends[steps - 1], 1), events: timeline.events,
    ...(straggle.band ? { band: { ...straggle.band, deterministicSeconds: ran } } : {}),
    ...(keepGraph ? { graph: g } : {}),
  };
  if (!keepGraph) g.dispose();
  return result;
}
