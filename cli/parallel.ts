// The composed plan dimensions on the command line (docs/plans.md): --tp, --pp, --zero,
// --recompute, --schedule, --micro-batch, --precision, --optimizer, --sequence-parallel,
// --virtual-stages. They set the plan's fields over a --strategy shorthand or a --plan file.
import { Command, Option } from 'commander';
import { problem, UserError } from '../simulator/errors';
import { OPTIMIZERS, PRECISIONS, RECOMPUTES, SCHEDULES, type Plan } from '../simulator/plan/schema';
import { int } from './inputs';
import { need } from './io';
import type { AnalyzedModel } from '../simulator/model/analyze';
import { resolvePlan, type ResolvedPlan } from '../simulator/plan/resolve';

export interface ParallelArgs {
  tp?: number;
  pp?: number;
  zero?: 0 | 1 | 2 | 3;
  recompute?: Plan['recompute'];
  schedule?: Plan['schedule'];
  microBatch?: number;
  precision?: Plan['precision'];
  optimizer?: Plan['optimizer'];
  sequenceParallel?: boolean;
  virtualStages?: number;
}

/** `--zero 0..3` or `fsdp` (= 3). */
function zeroStage(v: string): 0 | 1 | 2 | 3 {
  if (v === 'fsdp') return 3;
  const n = Number(v);
  if (![0, 1, 2, 3].includes(n)) throw new UserError([problem('--zero', `must be 0, 1, 2, 3 or fsdp, got "${v}"`)]);
  return n as 0 | 1 | 2 | 3;
}

export function parallelOptions(cmd: Command): Command {
  return cmd
    .option('--tp <n>', 'tensor-parallel degree', int('tp'))
    .option('--pp <n>', 'pipeline-parallel degree', int('pp'))
    .option('--zero <stage>', 'ZeRO stage 0–3 (fsdp = 3)', zeroStage)
    .addOption(new Option('--recompute <r>', 'activation recomputation').choices([...RECOMPUTES]))
    .addOption(new Option('--schedule <s>', 'pipeline schedule').choices([...SCHEDULES]))
    .option('--virtual-stages <n>', 'model chunks per pipeline rank (interleaved)', int('virtual-stages'))
    .option('--micro-batch <n>', 'samples per micro-batch (gradient accumulation over the rest)', int('micro-batch'))
    .addOption(new Option('--precision <p>', 'precision (mixed = fp16 mixed)').choices([...PRECISIONS]))
    .addOption(new Option('--optimizer <o>', 'optimizer').choices([...OPTIMIZERS]))
    .option('--sequence-parallel', 'with --tp: divide norms, dropouts and adds over the sequence');
}

/** The plan with the dimensions the command line gives set on it. */
export function withParallel(plan: Plan, o: ParallelArgs): Plan {
  const set: Partial<Plan> = {
    ...(o.tp !== undefined ? { tensor: o.tp } : {}), ...(o.pp !== undefined ? { pipeline: o.pp } : {}),
    ...(o.zero !== undefined ? { zero: o.zero } : {}), ...(o.recompute ? { recompute: o.recompute } : {}),
    ...(o.schedule ? { schedule: o.schedule } : {}), ...(o.virtualStages ? { virtualStages: o.virtualStages } : {}),
    ...(o.microBatch ? { microBatch: o.microBatch } : {}), ...(o.precision ? { precision: o.precision } : {}),
    ...(o.optimizer ? { optimizer: o.optimizer } : {}), ...(o.sequenceParallel ? { sequenceParallel: true } : {}),
  };
  return { ...plan, ...set };
}

export const hasParallelArgs = (o: ParallelArgs): boolean =>
  [o.tp, o.pp, o.zero, o.recompute, o.schedule, o.virtualStages, o.microBatch, o.precision, o.optimizer, o.sequenceParallel].some((v) => v !== undefined);

/** A resolved plan with the --tp, --pp, --zero … flags set (docs/plans.md); as it was when none is given. */
export function applyParallel(plan: ResolvedPlan, model: AnalyzedModel, o: ParallelArgs & { plan?: string }): ResolvedPlan {
  return hasParallelArgs(o) ? need(resolvePlan(withParallel(plan.plan, o), model), o.plan ?? '--strategy') : plan;
}
