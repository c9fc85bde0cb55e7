// `trainplan tune` on a transformer (or with --tp/--pp/… fixing composed dimensions): searches
// tensor × pipeline × data degrees, schedule, micro-batch, ZeRO, recomputation and precision for
// the given workers and global batch; prints the best plan, each other family's best and why it
// loses; --out writes the plan.
import type { Hardware } from '../simulator/hardware/schema';
import type { AnalyzedModel } from '../simulator/model/analyze';
import { describePlan } from '../simulator/plan/describe';
import { writeAtomic } from '../simulator/trace';
import { explainComposed, tuneComposed } from '../tuner/composed';
import { formatResult } from './format';
import { Infeasible, Output } from './io';
import type { ParallelArgs } from './parallel';
import { progressBar } from './progress';
import { fixed, table } from './table';

export interface ComposedTuneArgs extends ParallelArgs {
  workers?: number;
  batch?: number;
  globalBatch?: number;
  out?: string;
  json?: boolean;
}

export function tuneTransformer(model: AnalyzedModel, hardware: Hardware, o: ComposedTuneArgs): void {
  const workers = o.workers ?? hardware.workers;
  // As the plain tune says it: more workers than the hardware has is infeasible, not malformed.
  if (workers > hardware.workers) throw new Infeasible(`plan needs ${workers} workers, hardware ${hardware.name} has ${hardware.workers}`);
  // Global batch: --global-batch, else workers × --batch, else one sequence per worker.
  const globalBatch = o.globalBatch ?? workers * (o.batch ?? 1);
  const bar = progressBar('tune');
  const started = Date.now();
  const r = tuneComposed(model, hardware, {
    workers, globalBatch, onProgress: (d, t) => bar.update(d, t),
    fixed: { tensor: o.tp, pipeline: o.pp, zero: o.zero, recompute: o.recompute, schedule: o.schedule, microBatch: o.microBatch, precision: o.precision, optimizer: o.optimizer },
  });
  bar.stop();
  if (!r.best) throw new Infeasible(`no plan fits: ${Object.values(r.infeasibleFamilies)[0] ?? 'the search space is empty (global batch must divide among the data-parallel replicas)'}`);
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
    `${r.candidates} candidate plans: ${r.outOfMemory} do not fit, ${r.pruned} skipped by lower bounds, ${r.simulated} simulated, in ${fixed(seconds, 1)} s${o.out ? `; plan written to ${o.out}` : ''}`,
  ].join('\n'));
}
