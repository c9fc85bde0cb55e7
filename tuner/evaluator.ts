// Evaluators score batches of plans: in this thread, or on a piscina pool of worker threads.
import Piscina from 'piscina';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Hardware } from '../simulator/hardware/schema';
import type { AnalyzedModel } from '../simulator/model/analyze';
import type { Plan } from '../simulator/plan/schema';
import { resolvePlan } from '../simulator/plan/resolve';
import { simulate, SimulationResult } from '../simulator/simulate';
import type { EvaluateRequest, EvaluatorData } from './worker';

export interface Evaluator {
  /** How many plans it is worth handing over at once. */
  readonly parallelism: number;
  evaluate(plans: Plan[]): Promise<SimulationResult[]>;
  close(): Promise<void>;
}

/** Drops what cannot cross a thread boundary or does not belong in a results file. */
export function slim(r: SimulationResult): SimulationResult {
  if (!r.feasible) return r;
  const { timeline: _t, ...rest } = r;
  return rest;
}

export function scorePlan(model: AnalyzedModel, hw: Hardware, plan: Plan): SimulationResult {
  const p = resolvePlan(plan, model);
  if (!p.ok) throw new Error(`candidate plan is invalid: ${p.problems.map((x) => x.message).join('; ')}`);
  // Scored at the expected slowest worker (samples 1: one more run of the lowered graph, no
  // band): what the bounds in tuner/bounds.ts assume; `simulate` gives the band of a chosen plan.
  return slim(simulate(model, hw, p.value, { samples: 1 }));
}

export class InlineEvaluator implements Evaluator {
  readonly parallelism = 1;
  constructor(private model: AnalyzedModel, private hw: Hardware) {}
  async evaluate(plans: Plan[]) {
    return plans.map((p) => scorePlan(this.model, this.hw, p));
  }
  async close() {}
}

/** Worker threads load compiled JavaScript: dist/tuner/worker.js, wherever this file runs from. */
export function workerFile(): string {
  const here = join(__dirname, 'worker.js');
  if (existsSync(here)) return here;
  return join(__dirname, '..', 'dist', 'tuner', 'worker.js');
}

export class PoolEvaluator implements Evaluator {
  private pool: Piscina;
  readonly parallelism: number;
  constructor(modelDoc: unknown, hwDoc: unknown, threads = availableParallelism()) {
    this.parallelism = threads;
    const workerData: EvaluatorData = { model: modelDoc, hardware: hwDoc };
    this.pool = new Piscina({ filename: workerFile(), minThreads: threads, maxThreads: threads, workerData });
  }
  async evaluate(plans: Plan[]) {
    // One task per thread, each with a share of the plans: fewer messages than one per plan.
    const n = Math.min(this.parallelism, plans.length);
    const shares = Array.from({ length: n }, (_, i) => plans.filter((_, j) => j % n === i));
    const out = await Promise.all(shares.map((share) => this.pool.run({ plans: share } satisfies EvaluateRequest) as Promise<SimulationResult[]>));
    const results: SimulationResult[] = new Array(plans.length);
    out.forEach((rs, i) => rs.forEach((r, k) => (results[i + k * n] = r)));
    return results;
  }
  async close() {
    await this.pool.destroy();
  }
}
