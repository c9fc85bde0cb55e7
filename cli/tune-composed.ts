// `trainplan tune` on a transformer (or with --tp/--pp/… fixing composed dimensions): searches
// tensor × pipeline × data degrees, schedule, micro-batch, ZeRO, recomputation and precision for
// the given workers and global batch; prints the best plan, each other family's best and why it
// loses; --out writes the plan.
import type { Hardware } from '../simulator/hardware/schema';
import type { AnalyzedModel } from '../simulator/model/analyze';
import { describePlan } from '../simulator/plan/describe';
import { writeAtomic } from '../simulator/trace';
import { ComposedTuneResult, explainComposed, tuneComposed } from '../tuner/composed';
import { workersFor } from '../tuner/space';
import { problem, UserError } from '../simulator/errors';
import { formatResult } from './format';
import { Infeasible, Output } from './io';
import type { ParallelArgs } from './parallel';
import { progressBar } from './progress';
import { fixed, table } from './table';

export interface ComposedTuneArgs extends ParallelArgs {
  workers?: number;
  maxWorkers?: number;
  batch?: number;
  globalBatch?: number;
  out?: string;
  json?: boolean;
}

export function tuneTransformer(model: AnalyzedModel, hardware: Hardware, o: ComposedTuneArgs): void {
  if (o.workers && o.maxWorkers) throw new UserError([problem('--workers', 'give --workers or --max-workers, not both')]);
  // As the plain tune says it: more workers than the hardware has is infeasible, not malformed.
  if ((o.workers ?? 0) > hardware.workers) throw new Infeasible(`plan needs ${o.workers} workers, hardware ${hardware.name} has ${hardware.workers}`);
  // The composed search fixes the number of workers; --max-workers runs it for each power of two
  // up to that (and that) and keeps the highest throughput, as the plain tune does.
  const counts = workersFor(hardware, { workers: o.workers ?? (o.maxWorkers ? undefined : hardware.workers), maxWorkers: o.maxWorkers });
  const bar = progressBar('tune');
  const started = Date.now();
  let best: { workers: number; globalBatch: number; r: ComposedTuneResult } | undefined;
  let last: { workers: number; globalBatch: number; r: ComposedTuneResult } | undefined;
  counts.forEach((workers, k) => {
    // Global batch: --global-batch, else workers × --batch, else one sequence per worker.
    const globalBatch = o.globalBatch ?? workers * (o.batch ?? 1);
    const r = tuneComposed(model, hardware, {
      workers, globalBatch, onProgress: (d, t) => bar.update(k * t + d, counts.length * t),
      fixed: { tensor: o.tp, pipeline: o.pp, zero: o.zero, recompute: o.recompute, schedule: o.schedule, microBatch: o.microBatch, precision: o.precision, optimizer: o.optimizer },
    });
    last = { workers, globalBatch, r };
    const rate = (x: { globalBatch: number; r: ComposedTuneResult }) => x.globalBatch / x.r.best!.result.stepTimeSeconds;
    if (r.best && (!best || rate({ globalBatch, r }) > rate(best))) best = { workers, globalBatch, r };
  });
  bar.stop();
  if (!best) {
    const r = last!.r;
    throw new Infeasible(`no plan fits: ${Object.values(r.infeasibleFamilies)[0] ?? 'the search space is empty (global batch must divide among the data-parallel replicas)'}`);
  }
  const { workers, globalBatch, r } = best;
  if (!r.best) throw new Error('unreachable: best has a plan');
  if (o.out) writeAtomic(o.out, `${JSON.stringify({ ...r.best.plan, name: r.best.family }, null, 2)}\n`);
  const why = explainComposed(r);
  const seconds = (Date.now() - started) / 1e3;
  const doc = {
    model: model.model.name, hardware: hardware.name, workers, globalBatch, plan: r.best.plan, family: r.best.family, best: r.best.result,
    families: why.map((w) => ({ family: w.family, plan: w.plan?.plan, stepTimeSeconds: w.plan?.result.stepTimeSeconds, slowdown: w.slowdown, why: w.reason })),
    candidates: r.candidates, simulated: r.simulated, pruned: r.pruned, outOfMemory: r.outOfMemory, seconds,
  };
  new Output(!!o.json).emit(doc, () => [
    `best plan (${r.best!.family}) for ${workers} workers, global batch ${globalBatch}:`,
    formatResult(model.model.name, hardware.name, r.best!.result),
    '',
    'best of each other family, and why it loses:',
    table(['family', 'plan', 'step', 'vs best', 'why'], why.map((w) => [w.family, w.plan ? describePlan(w.plan.plan) : '—', w.plan ? `${fixed(w.plan.result.stepTimeSeconds, 2)} s` : '—', w.slowdown ? `${fixed(w.slowdown, 2)}x slower` : '', w.reason])),
    '',
    ...(counts.length > 1 ? [`searched ${counts.join(', ')} workers; the most samples per second on ${workers}`] : []),
    `${r.candidates} candidate plans${counts.length > 1 ? ` on ${workers} workers` : ''}: ${r.outOfMemory} do not fit, ${r.pruned} skipped by lower bounds, ${r.simulated} simulated, in ${fixed(seconds, 1)} s${o.out ? `; plan written to ${o.out}` : ''}`,
  ].join('\n'));
}
