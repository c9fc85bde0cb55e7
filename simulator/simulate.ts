// simulate(model, hardware, plan): lowers the plan to a task graph for several consecutive steps,
// runs it on the event engine and reports the steady-state step time, speedup, breakdown, memory
// and cost. The single-worker run of the same model and batch is the baseline of every speedup.
import './collectives';
import { DeviceCost, Precision, valueBytes } from './cost/compute';
import { memoryPerWorker, MemoryUse } from './cost/memory';
import { DELAY, TaskGraph, TRANSFER } from './engine/graph';
import { runGraph, Timeline } from './engine/run';
import type { Hardware } from './hardware/schema';
import { breakdown, Breakdown, stepReach, stepSpans } from './metrics';
import type { AnalyzedModel } from './model/analyze';
import type { ResolvedPlan } from './plan/resolve';
import type { DataSegment, ModelSegment, Plan } from './plan/schema';
import { strategyResolved } from './plan/shorthand';
import { Lowering } from './strategies/context';
import { dataBackward, dataForward } from './strategies/data';
import { modelSegments } from './strategies/model';
import { pipelineStep } from './strategies/pipeline';
import { buildTopology, withObjectStore } from './topology/build';
import { achievedNetwork } from './collectives/achieved';
import type { Topology } from './topology/topology';
import { costOf, Cost } from './cost/price';
import { nonFiniteFigures } from './finite';
import { simulatedComposed } from './parallel/layout';
import { FlopRates, simulateComposedPlan } from './parallel/result';
import { drawFactors, expectedSlowest, expectedStep, monteCarloBand, scaleCompute, sharedSpread } from './stragglers';

export interface SimulateOptions {
  /**
   * Steps measured after the transient (default 1). Asynchronous plans alternate between two
   * step lengths: theirs is rounded up to an even number, a whole number of periods.
   */
  measuredSteps?: number;
  /** Use the symmetric fast path when the plan allows it (default true). */
  fast?: boolean;
  /** Keep the task graph and timeline (for --trace). */
  keepTimeline?: boolean;
  /** Step time of the single-worker baseline, when the caller already knows it. */
  baselineStepSeconds?: number;
  /** Data set size for the per-epoch figures (default: the model's training.dataset; none without one). */
  datasetSamples?: number;
  /**
   * Straggler samples (docs/fidelity.md): where the device has `variability`, the step is
   * evaluated at this many quantiles of the slowest worker's compute factor, giving its mean and
   * a p10–p90 band (default SIMULATE_DEFAULTS.samples; 1: the mean only, no band).
   */
  samples?: number;
  /** Seed of the random draws where draws are made (the full per-worker Monte Carlo); default 1. */
  seed?: number;
  /**
   * How stragglers are simulated (docs/fidelity.md): 'order-statistics' (default) simulates the
   * step at quantiles of the slowest worker's factor; 'monte-carlo' draws every worker's factor
   * every step (seeded), simulates every worker over `samples` measured steps and reports their
   * spread — the check of the first, exact for the model, and a full simulation.
   */
  stragglers?: 'order-statistics' | 'monte-carlo';
}

// The first step starts from idle; the steady state is measured after it. A synchronous plan's
// second step already repeats forever: stress runs over thousands of generated plans find every
// later step equal to it to 1e-13 (a property test keeps checking), once plans whose steps
// overlap get unmeasured steps after the measured one (see `tail`). An asynchronous parameter
// server's stale weights settle geometrically, over a few steps or a few dozen, and then its
// steps alternate between two lengths: it is simulated until two pairs of steps agree.
export const SIMULATE_DEFAULTS = { measuredSteps: 1, fast: true, samples: 3, seed: 1 };
/**
 * Most steps one simulation averages. Every simulated step is a copy of the task graph (~230 KB
 * for AlexNet-OWT on 8 workers, more for bigger plans), and steps after the first repeat to 1e-13:
 * a thousand already averages far below any figure's precision, while a million hung for minutes.
 */
export const MAX_MEASURED_STEPS = 1000;
/** Steps before the steady state: synchronous plans; asynchronous ones' first guess (doubled as needed). */
const TRANSIENT = { sync: 1, async: 3 };

/** Spread of the step time over the workers' compute variability (docs/fidelity.md). */
export interface StepBand {
  meanSeconds: number;
  p10Seconds: number;
  p50Seconds: number;
  p90Seconds: number;
  /** Quantiles of the slowest worker's factor at which the step was simulated. */
  samples: number;
  /** The step with every worker at its mean speed (no variability). */
  deterministicSeconds: number;
}

export interface Feasible {
  feasible: true;
  plan: ResolvedPlan['plan'];
  family: ResolvedPlan['family'];
  /**
   * Steady-state step time. Where the device has compute variability it is the EXPECTED step
   * (the mean over the slowest worker's draws, = band.meanSeconds when there is a band), as a
   * measured average would be; otherwise the deterministic step. Speedup, throughput and cost
   * follow it.
   */
  stepTimeSeconds: number;
  /** Present when the device has variability and samples > 1. */
  band?: StepBand;
  samplesPerStep: number;
  samplesPerSecond: number;
  speedup: number;
  efficiency: number;
  breakdown: Breakdown;
  memory: MemoryUse;
  cost?: Cost;
  bytesPerStep: number;
  /** Functions only: the share of cold starts and checkpoints every maxDurationSeconds, per step. */
  restartSecondsPerStep: number;
  simulatedWorkers: number;
  events: number;
  /** Composed plans: training FLOPs per step and the achieved FLOP/s and MFU. */
  flops?: FlopRates;
  /** Present when the simulation stopped before the steps repeated exactly: why. */
  unsettled?: string;
  timeline?: { graph: TaskGraph; timeline: Timeline; workers: number };
}
export interface Infeasible {
  feasible: false;
  plan: ResolvedPlan['plan'];
  family: ResolvedPlan['family'];
  reason: string;
  memory: MemoryUse;
}
export type SimulationResult = Feasible | Infeasible;

/** Above this many workers a plan must be symmetric: the full graph would need gigabytes. */
export const MAX_FULL_WORKERS = 2048;

// Not the tree: its leaves wait while inner nodes send, so one worker's breakdown is not every worker's.
const FAST_SYNCS = new Set(['ring-allreduce', 'hierarchical-allreduce']);
const FAST_TOPOLOGIES = new Set(['switch', 'ring', 'hierarchical']);

/** True when every worker does the same thing at the same time, so one worker stands for all. */
export function symmetric(plan: ResolvedPlan, hw: Hardware): boolean {
  // A grouped parameter server is symmetric when every group hosts as many servers as every other.
  const groups = hw.network.topology === 'hierarchical' ? Math.ceil(plan.plan.workers / hw.network.groupSize) : 1;
  const fastSync = (s: ResolvedPlan['segments'][number]['segment']) => s.parallelism === 'data' &&
    (FAST_SYNCS.has(s.sync ?? 'ring-allreduce') || (s.sync === 'grouped-parameter-server' && (s.parameterServers ?? groups) % groups === 0));
  return plan.segments.every((s) => fastSync(s.segment)) &&
    FAST_TOPOLOGIES.has(hw.network.topology) &&
    (hw.network.topology !== 'hierarchical' || plan.plan.workers % hw.network.groupSize === 0 || plan.plan.workers < hw.network.groupSize);
}

export function simulate(model: AnalyzedModel, hw: Hardware, plan: ResolvedPlan, options: SimulateOptions = {}): SimulationResult {
  // Transformers and plans with tensor, pipeline, ZeRO, recomputation or micro-batch fields: simulator/parallel.
  const r = simulatedComposed(model, plan.plan) ? simulateComposedPlan(model, hw, plan, options) : simulateRun(model, hw, plan, options, { tail: 0, asyncTransient: TRANSIENT.async });
  const bad = r.feasible ? nonFiniteFigures(r) : [];
  if (!bad.length) return r;
  return { feasible: false, plan: r.plan, family: r.family, memory: r.memory, reason: `the figures overflow a double (${bad.slice(0, 3).join(', ')}): hardware or plan values out of physical range` };
}

/** Longest run of following steps a step may overlap that is simulated for it (see `tail`). */
const MAX_TAIL = 4;

/** Longest transient simulated for an asynchronous plan before its step is taken as it is. */
const MAX_ASYNC_TRANSIENT = 48;

/**
 * `tail`: steps simulated after the last measured one and not measured. A step that still runs
 * when the next ones start shares links and streams with them; the last simulated step has no
 * successor and would finish early. So when steps overlap, the measured ones get as many
 * successors as they overlap (found from the run itself; most plans do not overlap at all).
 * `asyncTransient`: steps before an asynchronous plan is measured. Stale weights can take many
 * steps to settle (stress runs found up to a dozen), so the pair of steps before the measured
 * ones is checked against them, and the transient doubled until they agree.
 */
function simulateRun(
  model: AnalyzedModel, hw: Hardware, plan: ResolvedPlan, options: SimulateOptions, run: { tail: number; asyncTransient: number },
): SimulationResult {
  const { tail } = run;
  const o = {
    ...options,
    measuredSteps: Math.min(MAX_MEASURED_STEPS, Math.max(1, Math.round(options.measuredSteps ?? SIMULATE_DEFAULTS.measuredSteps))),
    fast: options.fast ?? SIMULATE_DEFAULTS.fast,
    datasetSamples: options.datasetSamples ?? model.model.training?.dataset?.trainSamples,
    samples: Math.max(1, Math.round(options.samples ?? SIMULATE_DEFAULTS.samples)),
    seed: options.seed ?? SIMULATE_DEFAULTS.seed,
  };
  const cv = hw.device.variability?.computeCv ?? 0;
  const sharedCv = sharedSpread(hw.device.variability);
  const asyncPlan = plan.segments.some((s) => s.segment.parallelism === 'data' && s.segment.sync === 'async-parameter-server');
  // The Monte Carlo check simulates every worker over `samples` measured steps (not for
  // asynchronous plans, whose settling check needs steps that repeat).
  const monteCarlo = cv + sharedCv > 0 && options.stragglers === 'monte-carlo' && !asyncPlan;
  if (monteCarlo) {
    o.fast = false;
    o.measuredSteps = Math.max(o.measuredSteps, o.samples);
  }
  const p = plan.plan;
  const memory = memoryPerWorker(model, plan, hw.device.memoryBytes);
  if (!memory.fits)
    return { feasible: false, plan: p, family: plan.family, memory, reason: `needs ${(memory.totalBytes / 1e9).toFixed(2)} GB per worker, device has ${(memory.capacityBytes / 1e9).toFixed(2)} GB` };
  if (p.workers > hw.workers) return { feasible: false, plan: p, family: plan.family, memory, reason: `plan needs ${p.workers} workers, hardware has ${hw.workers}` };

  const K = p.workers;
  const s3 = plan.segments.some((s) => s.segment.parallelism === 'data' && s.segment.sync?.startsWith('s3-'));
  if (s3 && !hw.objectStore) return { feasible: false, plan: p, family: plan.family, memory, reason: `the s3 synchronisations need an objectStore in hardware ${hw.name}` };
  if (hw.functions && K > 1 && (!s3 || plan.segments.some((s) => s.segment.parallelism !== 'data')))
    return { feasible: false, plan: p, family: plan.family, memory, reason: `${hw.name} runs functions, which cannot connect to each other: only data parallelism through the object store (s3-allreduce, s3-scatter-reduce) works` };
  const fast = o.fast && symmetric(plan, hw);
  if (!fast && K > MAX_FULL_WORKERS)
    return { feasible: false, plan: p, family: plan.family, memory, reason: `${K} workers is beyond the full event simulation (${MAX_FULL_WORKERS}); only symmetric data-parallel plans (ring or hierarchical all-reduce on switch, ring or hierarchical networks) are simulated at that scale` };
  const simulated = fast ? 1 : K;
  const precision = p.precision ?? 'fp32';
  const g = new TaskGraph();
  const c: Lowering = {
    g, model, hw, plan, topo: topologyOf(hw, K), cost: new DeviceCost(hw, precision), K, simulated, B: p.batchPerWorker,
    valueBytes: valueBytes(precision),
    // Per simulated worker: on the fast path one stands for all K (a million rows of layers took gigabytes).
    weightsReady: Array.from({ length: simulated }, () => new Array(model.layers.length).fill(-1)),
    stale: Array.from({ length: simulated }, () => new Array(model.layers.length).fill(-1)),
    closedFormBytes: new Map(),
  };
  const async = asyncPlan;
  // Steps before the measured ones. Asynchronous plans: the transient, then a pair of steps that
  // must agree with the measured pair.
  const unmeasured = async ? run.asyncTransient + 2 : TRANSIENT.sync;
  const measured = async ? 2 * Math.ceil(o.measuredSteps / 2) : o.measuredSteps;
  const steps = unmeasured + measured;
  const total = steps + tail;
  const dataSegs = plan.segments.filter((s) => s.segment.parallelism === 'data') as { segment: DataSegment; layers: number[] }[];
  const modelSegs = plan.segments.filter((s) => s.segment.parallelism === 'model') as { segment: ModelSegment; layers: number[] }[];
  for (let k = 0; k < total; k++) {
    g.step = k;
    const pipe = plan.segments.find((s) => s.segment.parallelism === 'pipeline');
    if (pipe && pipe.segment.parallelism === 'pipeline') {
      pipelineStep(c, pipe.segment, pipe.layers);
      continue;
    }
    const dataLayers = dataSegs.flatMap((s) => s.layers);
    const fwd = dataForward(c, dataLayers);
    let gradOut = new Array<number>(simulated).fill(-1);
    if (modelSegs.length) {
      const last = dataLayers[dataLayers.length - 1];
      gradOut = modelSegments(c, modelSegs, Array.from({ length: K }, (_, w) => (dataLayers.length ? fwd[w][last] : -1)), dataLayers.length > 0);
    }
    if (dataSegs.length) dataBackward(c, dataSegs, fwd, gradOut);
  }

  let unequal = false;
  for (let i = 0; fast && i < g.size; i++) if (g.kinds[i] === DELAY && Number.isNaN(g.amount[i])) unequal = true;
  if (unequal) {
    // A collective's flows did not all get the same rate on this topology: its closed form would
    // be approximate, so simulate every worker instead.
    g.dispose();
    return simulate(model, hw, plan, { ...options, fast: false });
  }
  const slowdown = hw.device.interference?.computeSlowdown ?? 0;
  if (monteCarlo) drawFactors(g, cv, o.seed, simulated, total, sharedCv);
  // The mean alone (no band): every compute task at the expected slowest worker's factor in the
  // one run — the same step as a second run at that factor, without the deterministic run before it.
  const meanOnly = cv > 0 && !monteCarlo && o.samples <= 1;
  if (meanOnly) scaleCompute(g, expectedSlowest(asyncPlan ? 1 : K, cv));
  const timeline = runGraph(g, c.topo, simulated, slowdown);
  const spans = stepSpans(g, timeline, total);
  const reach = stepReach(spans);
  if (reach > tail && tail < MAX_TAIL) {
    g.dispose();
    return simulateRun(model, hw, plan, options, { ...run, tail: Math.min(reach, MAX_TAIL) });
  }
  const ends = spans.ends;
  let unsettled = reach > tail ? `steps overlap more than the ${MAX_TAIL} steps simulated after the measured one: the step time may be optimistic` : undefined;
  if (async) {
    const before = ends[unmeasured - 1] - ends[unmeasured - 3];
    const after = ends[unmeasured + 1] - ends[unmeasured - 1];
    if (Math.abs(after - before) > 1e-9 * after) {
      if (run.asyncTransient < MAX_ASYNC_TRANSIENT) {
        g.dispose();
        return simulateRun(model, hw, plan, options, { ...run, asyncTransient: 2 * run.asyncTransient });
      }
      unsettled = `asynchronous steps still changed after ${run.asyncTransient} steps (pairs of steps differ by ${((100 * Math.abs(after - before)) / after).toPrecision(2)}%)`;
    }
  }
  const last = steps - 1; // the last measured step
  const from = ends[unmeasured - 1];
  const runningStep = (ends[last] - from) / measured;
  // Functions live at most maxDurationSeconds: each life ends with a checkpoint and the next
  // starts cold. Averaged over steps, that adds (cold start + checkpoint) per life's useful work.
  const f = hw.functions;
  const restart = f ? f.coldStartSeconds + (f.checkpointSeconds ?? 0) : 0;
  const restartShare = f && K > 0 ? restart / Math.max(f.maxDurationSeconds - restart, 1e-9) : 0;
  const restartPerStep = runningStep * restartShare;
  let stepTime = runningStep + restartPerStep;
  // Stragglers: the expected step and its band over the workers' compute variability.
  let band: StepBand | undefined;
  const window = { total, from: unmeasured - 1, last, measured, factor: 1 + restartShare };
  if (monteCarlo) band = monteCarloBand(ends, window);
  else if (cv + sharedCv > 0 && !meanOnly) {
    // An asynchronous worker waits for no other: its own factor, not the slowest of N.
    const s = expectedStep(g, c.topo, simulated, slowdown, window, asyncPlan ? 1 : K, cv, o.samples, sharedCv);
    if (s.band) band = { ...s.band, deterministicSeconds: stepTime };
    stepTime = s.seconds ?? stepTime;
  }
  const samples = plan.stepSamples;
  const baseline = o.baselineStepSeconds ?? (K === 1 && plan.family === 'single' ? stepTime : baselineStep(model, hw, p.batchPerWorker, precision));
  const speedup = (samples / stepTime) / (p.batchPerWorker / baseline);
  let bytesPerStep = c.closedFormBytes.get(last) ?? 0;
  for (let i = 0; i < g.size; i++) if (g.kinds[i] === TRANSFER && g.steps[i] === last) bytesPerStep += g.amount[i];
  const result: Feasible = {
    feasible: true, plan: p, family: plan.family,
    stepTimeSeconds: stepTime,
    samplesPerStep: samples,
    samplesPerSecond: samples / stepTime,
    speedup,
    efficiency: speedup / K,
    breakdown: breakdown(g, timeline, simulated, from, ends[last], measured),
    memory,
    cost: costOf(hw, plan, stepTime, g, last, o.datasetSamples),
    bytesPerStep,
    restartSecondsPerStep: stepTime * restartShare / (1 + restartShare),
    ...(band ? { band } : {}),
    simulatedWorkers: simulated,
    events: timeline.events,
    ...(unsettled ? { unsettled } : {}),
    ...(o.keepTimeline ? { timeline: { graph: g, timeline, workers: simulated } } : {}),
  };
  if (!o.keepTimeline) g.dispose(); // its arrays serve the next simulation
  return result;
}

const storeTopologies = new WeakMap<Hardware, Map<number, Topology>>();

/** The hardware's network at the rates its collectives achieve, with its object store attached when it has one. */
export function topologyOf(hw: Hardware, K: number): Topology {
  const base = buildTopology(achievedNetwork(hw), K);
  if (!hw.objectStore) return base;
  let m = storeTopologies.get(hw);
  if (!m) storeTopologies.set(hw, (m = new Map()));
  let t = m.get(K);
  // Summing a fetched gradient reads it and the running sum and writes the sum: 3 × 4 bytes per value.
  if (!t) m.set(K, (t = withObjectStore(base, hw.objectStore, hw.device.memoryBandwidthBytesPerSecond ? 3 / hw.device.memoryBandwidthBytesPerSecond : 1 / hw.device.peakFlops)));
  return t;
}

const baselineCache = new WeakMap<AnalyzedModel, Map<string, number>>();
const deviceKeys = new WeakMap<Hardware['device'], string>();

/** Devices with the same figures share a baseline, whichever object holds them. */
function deviceKey(device: Hardware['device']): string {
  let k = deviceKeys.get(device);
  if (k === undefined) deviceKeys.set(device, (k = JSON.stringify(device)));
  return k;
}

/**
 * Step time of the same model and batch on one worker of this hardware; `settings`: the composed
 * plan's micro-batch, recomputation and optimizer, which one worker keeps (composed plans' speedups).
 */
export function baselineStep(model: AnalyzedModel, hw: Hardware, batch: number, precision: Precision = 'fp32', settings: Pick<Plan, 'microBatch' | 'recompute' | 'optimizer'> = {}): number {
  let m = baselineCache.get(model);
  if (!m) baselineCache.set(model, (m = new Map()));
  const key = `${deviceKey(hw.device)}|${batch}|${precision}|${settings.microBatch}|${settings.recompute}|${settings.optimizer}`;
  const hit = m.get(key);
  if (hit !== undefined) return hit;
  const single = strategyResolved('single', model, { workers: 1, batchPerWorker: batch });
  if (!single.ok) throw new Error('single plan failed to resolve');
  single.value.plan.precision = precision;
  for (const [k, v] of Object.entries(settings)) if (v !== undefined) Object.assign(single.value.plan, { [k]: v });
  // Memory is not checked for the baseline: a speedup is defined even when one device cannot hold the batch.
  // One worker waits for no other: its expected step is the deterministic one (samples 1).
  const r = simulate(model, { ...hw, device: { ...hw.device, memoryBytes: Infinity }, workers: Math.max(1, hw.workers) }, single.value, { samples: 1 });
  // Memory is unbounded here, so only figures that overflow make the baseline infeasible: then the
  // plan's speedup is NaN, and simulate() reports the plan infeasible for it (finite.ts), not a crash.
  const step = r.feasible ? r.stepTimeSeconds : NaN;
  m.set(key, step);
  return step;
}
