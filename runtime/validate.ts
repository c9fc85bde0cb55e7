// `trainplan validate`, as a library call: runs plans for real and simulates the same plans on a
// hardware file describing this machine (calibrated, or given), side by side. Shaped transports
// stand in for slower networks, and the simulated network is given the same figures. On the s3
// transport, data-parallel plans synchronise through the store (each of `syncs`), and the simulated
// hardware gets the store's measured objectStore block.
import type { S3Config } from './s3/client';
import type { Hardware } from '../simulator/hardware/schema';
import type { AnalyzedModel } from '../simulator/model/analyze';
import { ShorthandOptions, strategyResolved } from '../simulator/plan/shorthand';
import { resolvePlan, ResolvedPlan } from '../simulator/plan/resolve';
import type { Plan } from '../simulator/plan/schema';
import { isLanguageModel } from './executors/grid-plan';
import { simulate } from '../simulator/simulate';
import { unwrap } from '../simulator/errors';
import { runPlan, RUN_DEFAULTS } from './run';
import type { TransportSpec } from './transports';
import type { Sync } from './collectives/sync';
import type { StoreSession } from './s3/session';
import type { StoreCalibration } from './s3/calibrate';
import type { Model } from '../simulator/model/schema';
import { spreadOf } from './calibrate-fit';
import { Calibration } from './calibrate';
import { InterleavedCalibration } from './validate-calibration';
import { median } from 'simple-statistics';

export interface ValidateOptions {
  strategies: string[];
  workers: number[];
  /** Shaped-transport bandwidths (bytes/s per worker port); null runs on the bare memory transport. */
  bandwidths: (number | null)[];
  latencySeconds: number;
  /** Batches per worker, one row each. */
  batches: number[];
  steps: number;
  seed: number;
  backend?: string;
  /** 'memory' (with the shaped bandwidths) or 's3': workers exchange through an S3 endpoint. */
  transport?: 'memory' | 's3';
  /** With transport s3: the endpoint (default: an embedded server for the whole validation) and bucket. */
  s3Endpoint?: string;
  bucket?: string;
  /** With transport s3: how data-parallel gradients are summed, one row each (default: both store patterns). */
  syncs?: Sync[];
  /** With transport s3: every worker a process of its own. */
  processes?: boolean;
  /**
   * Calibrate this machine during the validation (when no hardware file is given): rounds of layer
   * timings taken between the runs, so that background load that comes and goes hits calibration
   * and runs alike; the hardware is fitted from all rounds once the runs are done.
   */
  /**
   * With an interleaved calibration: `probe` (default true) times the model's layers just before and
   * after each run and simulates the run at the speed they found (runtime/validate-calibration.ts
   * atRun); false simulates every run with the calibration's median.
   */
  calibration?: { models: Model[]; rounds: number; probe?: boolean };
  onProgress?: (done: number, total: number) => void;
}

/**
 * Plans of a language model (executors/grid.ts) by name, on `workers` workers: the composed
 * dimensions one at a time (docs/runtime-transformers.md). Adam, as the transformer agreement tests.
 */
export const LM_PLANS: Record<string, (workers: number, batch: number) => Partial<Plan>> = {
  single: () => ({}),
  data: () => ({}),
  tensor: (w) => ({ tensor: w }),
  pipeline: (w, b) => ({ pipeline: w, microBatch: Math.max(1, Math.floor(b / (2 * w))) }),
  zero: () => ({ zero: 3 }),
  recompute: () => ({ recompute: 'full' }),
};

/** The plan of a validation case: a strategy shorthand, and for a language model its composed fields. */
export function validationPlan(strategy: string, model: AnalyzedModel, o: ShorthandOptions): ResolvedPlan {
  const composed = isLanguageModel(model) ? LM_PLANS[strategy] : undefined;
  if (!composed) return unwrap(strategyResolved(strategy, model, o));
  const base = unwrap(strategyResolved(strategy === 'single' ? 'single' : 'data', model, o));
  return unwrap(resolvePlan({ ...base.plan, name: strategy, optimizer: 'adam', ...composed(o.workers, o.batchPerWorker) }, model));
}

export const VALIDATE_DEFAULTS = {
  // The runtime issue's grid: four strategies, 1 and 2 workers, the bare memory transport and two
  // shaped links (a fast and a slow network), about a minute here.
  strategies: ['single', 'data', 'model', 'hybrid'],
  workers: [1, 2],
  bandwidths: [null, 1e8, 1e7] as (number | null)[],
  /** A 2014-era data-centre network's per-message latency (10 GbE), applied with the shaped bandwidths. */
  latencySeconds: 1e-4,
  batches: [32],
  /** Calibration rounds interleaved with the runs. */
  calibrationRounds: 4,
  /** Ten steps: with five, a single slow step (GC, the other core busy) moved the mean by ~10%. */
  steps: 10,
  /** The serverless patterns (LambdaML): every run on the s3 transport tries both. */
  s3Syncs: ['s3-allreduce', 's3-scatter-reduce'] as Sync[],
  /** Steps per run on the s3 transport: its first steps settle slower (keys, connections, buffers), so more of them are measured. */
  s3Steps: 8,
  /** A language model: each composed dimension once, on 2 workers, on the memory transport. */
  lmStrategies: Object.keys(LM_PLANS),
  lmWorkers: [2],
  lmBandwidths: [null] as (number | null)[],
  lmBatch: 8,
};

export interface ValidateRow {
  strategy: string;
  workers: number;
  batch: number;
  /** Shaped bandwidth in bytes/s, or null for the memory or s3 transport. */
  bandwidth: number | null;
  /** 'memory', 'shaped' or 's3'. */
  transport: string;
  /** How gradients were summed (plans with more than one worker). */
  sync?: Sync;
  /** The simulator's step time (the band's median where it gives a band); null when infeasible. */
  predictedStepSeconds: number | null;
  /** The simulator's p10–p90 band of the step time, where the hardware has variability. */
  predictedBand?: { p10Seconds: number; p90Seconds: number };
  /** Median of the steady-state steps. */
  measuredStepSeconds: number;
  /** p10–p90 of the steady-state steps. */
  measuredSpread: { p10Seconds: number; p90Seconds: number; cv: number; steps: number };
  /** (predicted − measured) / measured; null when the simulator found the plan infeasible. */
  error: number | null;
  /** Whether the measured median lies inside the predicted band (absent without a band). */
  inBand?: boolean;
  /**
   * With an interleaved calibration: the machine's compute time during the run relative to the
   * calibration's median (the validated model's layers timed just before and just after the run;
   * 1.1 = 10% slower), by which the simulated compute was scaled.
   */
  computeScale?: number;
  note?: string;
}

export interface ValidateResult {
  model: string;
  /** The hardware file(s) simulated, by name. */
  hardware: string;
  backend: string;
  rows: ValidateRow[];
  medianAbsError: number | null;
  /** Fraction of the rows with a band whose measured median lies inside it. */
  inBandFraction: number | null;
  /** The same, over the rows of each synchronisation (plans with more than one worker). */
  medianAbsErrorBySync: Partial<Record<Sync, number>>;
  /** With transport s3: the store measured for the simulation (absent when the hardware file had one). */
  objectStore?: StoreCalibration['measured'];
  /** The hardware fitted by the interleaved calibration, per worker count (absent when a file was given). */
  calibrated?: Record<number, Calibration>;
}

/** The hardware file with the network the run will see. */
export function networkFor(hw: Hardware, workers: number, bandwidth: number | null, latency: number): Hardware {
  const network = bandwidth === null ? hw.network : { topology: 'switch' as const, bandwidthBytesPerSecond: bandwidth, latencySeconds: latency, source: 'trainplan validate: the shaped transport\'s figures' };
  return { ...hw, workers: Math.max(hw.workers, workers), network };
}

/**
 * `hardware` describes this machine: one file, or one per worker count (worker threads share the
 * cores, so a device's speed depends on how many run at once: calibrate measures it that way).
 */
export async function validate(model: AnalyzedModel, hardware: Hardware | ((workers: number) => Hardware) | null, o: ValidateOptions): Promise<ValidateResult> {
  const s3 = o.transport === 's3';
  const syncs: Sync[] = s3 ? o.syncs ?? VALIDATE_DEFAULTS.s3Syncs : ['ring-allreduce'];
  const cases: { strategy: string; workers: number; batch: number; bandwidth: number | null; sync?: Sync }[] = [];
  const seen = new Set<string>();
  // Batches innermost: every stretch of the validation runs every batch, as every calibration round times it.
  for (const strategy of o.strategies)
    for (const w of o.workers)
      for (const bandwidth of s3 ? [null] : o.bandwidths)
        for (const sync of syncs)
          for (const batch of o.batches) {
            const workers = strategy === 'single' ? 1 : w;
            if (strategy !== 'single' && workers === 1) continue; // the same run as `single`
            const bw = workers === 1 ? null : bandwidth; // nothing crosses the network
            const key = `${strategy}/${workers}/${batch}/${bw}/${workers === 1 ? '' : sync}`;
            if (seen.has(key)) continue;
            seen.add(key);
            cases.push({ strategy, workers, batch, bandwidth: bw, ...(workers > 1 ? { sync } : {}) });
          }
  const counts = [...new Set(cases.map((c) => c.workers))];
  const calibration = hardware === null ? new InterleavedCalibration(model, counts, o) : undefined;
  const givenHw = (w: number): Hardware => (hardware === null ? calibration!.hardware(w) : typeof hardware === 'function' ? hardware(w) : hardware);

  // One store for the whole validation: the endpoint given, or an embedded server.
  let session: StoreSession | undefined;
  let storeCal: StoreCalibration | undefined;
  const rows: ValidateRow[] = [];
  let backend = '';
  try {
    if (s3) {
      const { openStoreSession } = require('./s3/session') as typeof import('./s3/session');
      session = await openStoreSession({ kind: 's3', ...(o.s3Endpoint ? { endpoint: o.s3Endpoint } : {}), ...(o.bucket ? { bucket: o.bucket } : {}) });
      // The store as the simulator needs it, measured unless the hardware file says it already.
      if (cases.some((c) => c.workers > 1) && (calibration || cases.some((c) => !givenHw(c.workers).objectStore))) {
        const { calibrateObjectStoreInThread } = require('./s3/calibrate') as typeof import('./s3/calibrate');
        const spec = session.spec;
        // From a worker thread, as the runs' workers reach the store.
        storeCal = await calibrateObjectStoreInThread(
          { endpoint: spec.endpoint as string | undefined, bucket: (spec.bucket as string | undefined) ?? 'trainplan', createBucket: spec.createBucket as boolean | undefined, credentials: spec.credentials as S3Config['credentials'] },
          { clients: Math.max(...cases.map((c) => c.workers)), describe: session.embedded ? 'the embedded s3rver on loopback' : undefined },
        );
      }
    }
    await calibration?.start();
    // The machine's speed just before and just after each run (a calibration of this validation only).
    const prober = o.calibration?.probe !== false ? calibration : undefined;
    const runs: { c: (typeof cases)[number]; plan: ResolvedPlan; transport: TransportSpec; steps: number[]; probes?: { before: number[]; after: number[] } }[] = [];
    for (const [i, c] of cases.entries()) {
      o.onProgress?.(i, cases.length);
      await calibration?.roundBefore(i, cases.length);
      // overlap: false — the runtime all-reduces after the whole backward pass, so simulate that.
      const plan = validationPlan(c.strategy, model, { workers: c.workers, batchPerWorker: c.batch, topology: 'switch', sync: c.sync ?? 'ring-allreduce', overlap: false });
      const transport: TransportSpec = s3 && c.workers > 1 ? session!.spec : c.bandwidth === null ? { kind: 'memory' } : { kind: 'shaped', bandwidthBytesPerSecond: c.bandwidth, latencySeconds: o.latencySeconds };
      const before = await prober?.probe(c.workers, c.batch);
      const run = await runPlan(model, plan, { ...RUN_DEFAULTS, steps: o.steps, seed: o.seed, backend: o.backend, transport, processes: transport.kind === 's3' && o.processes });
      const after = await prober?.probe(c.workers, c.batch);
      backend = run.backend;
      runs.push({ c, plan, transport, steps: run.measured.steps.filter((st) => !st.warmup).map((st) => st.stepSeconds), ...(before && after ? { probes: { before, after } } : {}) });
    }
    await calibration?.finish();
    const withStore = (h: Hardware): Hardware => (storeCal && !h.objectStore ? { ...h, objectStore: storeCal.objectStore } : h);
    // Simulated once every run is measured: an interleaved calibration is only complete then.
    for (const { c, plan, transport, steps, probes } of runs) {
      const at = probes && calibration ? calibration.atRun(c.workers, c.batch, probes.before, probes.after) : undefined;
      const hw = withStore(at?.hardware ?? givenHw(c.workers));
      const sim = simulate(model, networkFor(hw, c.workers, c.bandwidth, o.latencySeconds), plan);
      const m = spreadOf(steps);
      const measured = m.median;
      // Median against median: a step's time is skewed (a busy core, a collection), and the band's p50 is the simulator's.
      const band = sim.feasible ? sim.band : undefined;
      const predicted = sim.feasible ? band?.p50Seconds ?? sim.stepTimeSeconds : null;
      rows.push({
        ...c, transport: transport.kind, predictedStepSeconds: predicted, measuredStepSeconds: measured,
        ...(band ? { predictedBand: { p10Seconds: band.p10Seconds, p90Seconds: band.p90Seconds }, inBand: measured >= band.p10Seconds && measured <= band.p90Seconds } : {}),
        measuredSpread: { p10Seconds: m.p10, p90Seconds: m.p90, cv: m.cv, steps: m.n },
        error: predicted === null ? null : (predicted - measured) / measured,
        ...(at ? { computeScale: at.scale } : {}),
        ...(sim.feasible ? {} : { note: sim.reason }),
      });
    }
  } finally {
    await session?.close();
  }
  o.onProgress?.(cases.length, cases.length);
  const medianAbs = (rs: ValidateRow[]): number | null => {
    const errs = rs.map((r) => r.error).filter((e): e is number => e !== null).map(Math.abs);
    return errs.length ? median(errs) : null;
  };
  const medianAbsError = medianAbs(rows);
  const medianAbsErrorBySync: ValidateResult['medianAbsErrorBySync'] = {};
  for (const sync of new Set(rows.map((r) => r.sync))) {
    const m = sync ? medianAbs(rows.filter((r) => r.sync === sync)) : null;
    if (sync && m !== null) medianAbsErrorBySync[sync] = m;
  }
  const names = [...new Set(cases.map((c) => givenHw(c.workers).name))];
  const banded = rows.filter((r) => r.inBand !== undefined);
  const inBandFraction = banded.length ? banded.filter((r) => r.inBand).length / banded.length : null;
  return {
    model: model.model.name, hardware: names.join(', '), backend, rows, medianAbsError, inBandFraction, medianAbsErrorBySync,
    ...(storeCal ? { objectStore: storeCal.measured } : {}), ...(calibration ? { calibrated: calibration.results() } : {}),
  };
}
