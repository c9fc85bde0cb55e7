// `trainplan validate`, as a library call: runs plans for real and simulates the same plans on a
// hardware file describing this machine (calibrated, or given), side by side. Shaped transports
// stand in for slower networks, and the simulated network is given the same figures.
import type { Hardware } from '../simulator/hardware/schema';
import type { AnalyzedModel } from '../simulator/model/analyze';
import { strategyResolved } from '../simulator/plan/shorthand';
import { simulate } from '../simulator/simulate';
import { unwrap } from '../simulator/errors';
import { runPlan, RUN_DEFAULTS } from './run';
import type { TransportSpec } from './transports';

export interface ValidateOptions {
  strategies: string[];
  workers: number[];
  /** Shaped-transport bandwidths (bytes/s per worker port); null runs on the bare memory transport. */
  bandwidths: (number | null)[];
  latencySeconds: number;
  batch: number;
  steps: number;
  seed: number;
  backend?: string;
  onProgress?: (done: number, total: number) => void;
}

export const VALIDATE_DEFAULTS = {
  strategies: ['single', 'data', 'hybrid'],
  workers: [1, 2],
  bandwidths: [null, 1e8] as (number | null)[],
  /** A 2014-era data-centre network's per-message latency (10 GbE), applied with the shaped bandwidths. */
  latencySeconds: 1e-4,
  batch: 32,
  steps: 5,
};

export interface ValidateRow {
  strategy: string;
  workers: number;
  /** Shaped bandwidth in bytes/s, or null for the memory transport. */
  bandwidth: number | null;
  predictedStepSeconds: number | null;
  measuredStepSeconds: number;
  /** (predicted − measured) / measured; null when the simulator found the plan infeasible. */
  error: number | null;
  note?: string;
}

export interface ValidateResult {
  model: string;
  /** The hardware file(s) simulated, by name. */
  hardware: string;
  backend: string;
  rows: ValidateRow[];
  medianAbsError: number | null;
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
export async function validate(model: AnalyzedModel, hardware: Hardware | ((workers: number) => Hardware), o: ValidateOptions): Promise<ValidateResult> {
  const hwFor = typeof hardware === 'function' ? hardware : () => hardware;
  const cases: { strategy: string; workers: number; bandwidth: number | null }[] = [];
  const seen = new Set<string>();
  for (const strategy of o.strategies)
    for (const w of o.workers)
      for (const bandwidth of o.bandwidths) {
        const workers = strategy === 'single' ? 1 : w;
        if (strategy !== 'single' && workers === 1) continue; // the same run as `single`
        const bw = workers === 1 ? null : bandwidth; // nothing crosses the network
        const key = `${strategy}/${workers}/${bw}`;
        if (seen.has(key)) continue;
        seen.add(key);
        cases.push({ strategy, workers, bandwidth: bw });
      }
  const rows: ValidateRow[] = [];
  let backend = '';
  for (const [i, c] of cases.entries()) {
    o.onProgress?.(i, cases.length);
    // overlap: false — the runtime all-reduces after the whole backward pass, so simulate that.
    const plan = unwrap(strategyResolved(c.strategy, model, { workers: c.workers, batchPerWorker: o.batch, topology: 'switch', sync: 'ring-allreduce', overlap: false }));
    const transport: TransportSpec = c.bandwidth === null ? { kind: 'memory' } : { kind: 'shaped', bandwidthBytesPerSecond: c.bandwidth, latencySeconds: o.latencySeconds };
    const run = await runPlan(model, plan, { ...RUN_DEFAULTS, steps: o.steps, seed: o.seed, backend: o.backend, transport });
    backend = run.backend;
    const sim = simulate(model, networkFor(hwFor(c.workers), c.workers, c.bandwidth, o.latencySeconds), plan);
    const measured = run.measured.stepSeconds;
    const predicted = sim.feasible ? sim.stepTimeSeconds : null;
    rows.push({
      ...c, predictedStepSeconds: predicted, measuredStepSeconds: measured,
      error: predicted === null ? null : (predicted - measured) / measured,
      ...(sim.feasible ? {} : { note: sim.reason }),
    });
  }
  o.onProgress?.(cases.length, cases.length);
  const errs = rows.map((r) => r.error).filter((e): e is number => e !== null).map(Math.abs).sort((a, b) => a - b);
  const medianAbsError = errs.length ? (errs.length % 2 ? errs[(errs.length - 1) / 2] : (errs[errs.length / 2 - 1] + errs[errs.length / 2]) / 2) : null;
  const names = [...new Set(cases.map((c) => hwFor(c.workers).name))];
  return { model: model.model.name, hardware: names.join(', '), backend, rows, medianAbsError };
}
