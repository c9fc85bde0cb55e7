// The tuner: branch and bound over the search space. Candidates are ordered by a lower bound
// from the cost model; the event simulation scores them in that order, and a candidate is skipped
// once its bound cannot beat the best plan of its family nor join the time/cost frontier. The
// answer is therefore the true optimum of the space (a test checks it against brute force).
import type { Hardware } from '../simulator/hardware/schema';
import type { AnalyzedModel } from '../simulator/model/analyze';
import type { Plan } from '../simulator/plan/schema';
import type { Feasible, SimulationResult } from '../simulator/simulate';
import { stepTimeLowerBound } from './bounds';
import type { Evaluator } from './evaluator';
import { InlineEvaluator } from './evaluator';
import { dominated, paretoFrontier } from './frontier';
import { Objective, score, Score, Statistics, targetSamples, toAccuracy, value, workerSecondPrice } from './objective';
import { MemoryResults, ResultsLog } from './results';

import { candidates, Family, SpaceOptions } from './space';
import type { ResolvedPlan } from '../simulator/plan/resolve';

/** How long the search may keep the event loop to itself: well under the 1 s a Ctrl-C may take. */
const YIELD_MS = 50;

export interface TuneOptions extends SpaceOptions {
  objective?: Objective;
  /** Noise scale (and E_min) for the accuracy objectives; scores carry samples to the target when given. */
  statistics?: Statistics;
  evaluator?: Evaluator;
  results?: ResultsLog;
  /** Distinguishes results of other inputs in a shared log (e.g. a digest of model and hardware). */
  inputsKey?: string;
  /** Score every candidate (no pruning): the brute-force reference. */
  exhaustive?: boolean;
  signal?: AbortSignal;
  /** Only plans the target can execute are candidates (tuning for the runtime: its runtimeSupport);
   *  the tuner itself knows nothing of any runtime. */
  admit?: (plan: ResolvedPlan) => boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface Scored {
  plan: Plan;
  family: Family;
  result: Feasible;
  score: Score;
}

export interface TuneResult {
  best?: Scored;
  /** Best plan of each family (the runners-up the explanation compares). */
  families: Partial<Record<Family, Scored>>;
  /** Families whose every candidate was infeasible, with one reason. */
  infeasibleFamilies: Partial<Record<Family, string>>;
  frontier: Scored[];
  /** The best plan (by the objective) at each global batch scored, by batch: what the explanation compares. */
  byGlobalBatch: Map<number, Scored>;
  candidates: number;
  evaluated: number;
  fromLog: number;
  pruned: number;
  infeasible: number;
  interrupted: boolean;
  objective: Objective;
}

export const planKey = (plan: Plan, inputsKey = ''): string => `${inputsKey}|${JSON.stringify(plan)}`;

export async function tune(model: AnalyzedModel, hw: Hardware, o: TuneOptions = {}): Promise<TuneResult> {
  const objective = o.objective ?? 'throughput';
  if (toAccuracy(objective) && !o.statistics) throw new Error(`the ${objective} objective needs a noise scale`);
  const stats = o.statistics;
  const evaluator = o.evaluator ?? new InlineEvaluator(model, hw);
  const results = o.results ?? new MemoryResults();
  const price = workerSecondPrice(hw);
  const all = [...candidates(model, hw, o)].filter((c) => !o.admit || o.admit(c.plan)).map((c, i) => {
    const lb = stepTimeLowerBound(model, hw, c.plan) / c.plan.stepSamples;
    const samples = targetSamples(stats, c.plan.stepSamples);
    return { ...c, i, bound: { secondsPerSample: lb, costPerSample: lb * c.plan.plan.workers * price, ...(samples !== undefined ? { samplesToTarget: samples } : {}) } as Score };
  });
  all.sort((a, b) => value(a.bound, objective) - value(b.bound, objective) || a.i - b.i);

  const families: TuneResult['families'] = {};
  const infeasibleFamilies: TuneResult['infeasibleFamilies'] = {};
  const scored: Scored[] = [];
  const byGlobalBatch = new Map<number, Scored>();
  let evaluated = 0;
  let fromLog = 0;
  let pruned = 0;
  let infeasible = 0;
  let interrupted = false;
  const record = (c: (typeof all)[number], r: SimulationResult) => {
    if (!r.feasible) {
      infeasible++;
      infeasibleFamilies[c.family] ??= r.reason;
      return;
    }
    const s: Scored = { plan: c.plan.plan, family: c.family, result: r, score: score(hw, r, stats) };
    scored.push(s);
    const atBatch = byGlobalBatch.get(r.samplesPerStep);
    if (!atBatch || value(s.score, objective) < value(atBatch.score, objective)) byGlobalBatch.set(r.samplesPerStep, s);
    const cur = families[c.family];
    if (!cur || value(s.score, objective) < value(cur.score, objective)) families[c.family] = s;
  };
  // A candidate can still matter if it might beat its family's best or join the frontier.
  const skip = (c: (typeof all)[number]) => {
    if (o.exhaustive) return false;
    const best = families[c.family];
    const beatsFamily = !best || value(c.bound, objective) < value(best.score, objective);
    return !beatsFamily && dominated(scored.map((s) => s.score), c.bound, objective);
  };

  let k = 0;
  let yielded = performance.now();
  while (k < all.length) {
    // An inline evaluator never gives the event loop a turn, so a signal's handler (Ctrl-C) would
    // wait for the whole search: let it run every YIELD_MS (a setImmediate costs microseconds).
    if (performance.now() - yielded > YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      yielded = performance.now();
    }
    if (o.signal?.aborted) {
      interrupted = true;
      break;
    }
    const chunk: typeof all = [];
    while (k < all.length && chunk.length < Math.max(1, evaluator.parallelism * 2)) {
      const c = all[k++];
      if (skip(c)) {
        pruned++;
        continue;
      }
      const logged = results.get(planKey(c.plan.plan, o.inputsKey));
      if (logged) {
        fromLog++;
        record(c, logged);
      } else chunk.push(c);
    }
    if (chunk.length) {
      const rs = await evaluator.evaluate(chunk.map((c) => c.plan.plan));
      rs.forEach((r, i) => {
        results.put(planKey(chunk[i].plan.plan, o.inputsKey), r);
        evaluated++;
        record(chunk[i], r);
      });
    }
    o.onProgress?.(k, all.length);
  }
  if (!o.evaluator) await evaluator.close();
  const ranked = Object.values(families).sort((a, b) => value(a!.score, objective) - value(b!.score, objective));
  return {
    best: ranked[0], families, infeasibleFamilies, frontier: paretoFrontier(scored, objective), byGlobalBatch, candidates: all.length,
    evaluated, fromLog, pruned, infeasible, interrupted, objective,
  };
}
