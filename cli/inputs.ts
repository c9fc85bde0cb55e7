// Loading the three inputs the simulating commands share: model, hardware, and a plan given
// either as a file or as a --strategy shorthand.
import { Command, Option } from 'commander';
import { problem, UserError } from '../simulator/errors';
import { loadHardware } from '../simulator/hardware/load';
import type { Hardware } from '../simulator/hardware/schema';
import { AnalyzedModel, loadModel } from '../simulator/model/analyze';
import { loadPlan, ResolvedPlan } from '../simulator/plan/resolve';
import { applyParallel, ParallelArgs, parallelOptions } from './parallel';
import { SYNCS, EXCHANGES } from '../simulator/plan/schema';
import { STRATEGIES, STRATEGY_PARAMETERS, strategyResolved, type Strategy, type StrategyParameter } from '../simulator/plan/shorthand';
import type { FaultSpec } from '../runtime/protocol';
import { need } from './io';

export interface PlanArgs {
  model: string;
  hardware: string;
  plan?: string;
  strategy?: string;
  workers?: number;
  batch?: number;
  sync?: string;
  exchange?: string;
  fcBatch?: number;
  overlap?: boolean;
  microBatches?: number;
}

/** --batch means one thing in every command: the plan's batchPerWorker (docs/concepts.md, "Batch"). */
export const BATCH_HELP = 'samples per worker per step (batchPerWorker): with data-parallel layers each worker\'s share, so the step has workers × n; in model and pipeline plans every worker sees all n';

// Option parsers: each names its option in the one-line error.
// Counts are decimal digits only: Number() would read "0x10" as 16, "1e3" as 1000 and " 7" as 7.
const DECIMAL = /^\d{1,15}$/;
export const int = (name: string, max = Number.MAX_SAFE_INTEGER) => (v: string) => {
  const n = DECIMAL.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n <= 0) throw new UserError([problem(`--${name}`, `must be a positive integer, got "${v}"`)]);
  if (n > max) throw new UserError([problem(`--${name}`, `must be at most ${max}, got ${v}`)]);
  return n;
};
export const count = (name: string) => (v: string) => {
  const n = DECIMAL.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0) throw new UserError([problem(`--${name}`, `must be a non-negative integer, got "${v}"`)]);
  return n;
};
export const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new UserError([problem(`--${name}`, `must be a positive number, got "${v}"`)]);
  return n;
};
export const nonNegative = (name: string) => (v: string) => {
  const n = Number(v);
  if (!(n >= 0) || !Number.isFinite(n)) throw new UserError([problem(`--${name}`, `must be a non-negative number, got "${v}"`)]);
  return n;
};

/** A comma-separated list, each item read by `parse`; an empty list names what it must hold. */
export function list<T>(name: string, parse: (s: string) => T, what = 'value') {
  return (v: string): T[] => {
    const items = v.split(',').map((s) => s.trim()).filter(Boolean);
    if (!items.length) throw new UserError([problem(`--${name}`, `must list at least one ${what}`)]);
    return items.map(parse);
  };
}

/** A comma-separated list of positive integers (e.g. `--batches 8,32,128`). */
export const intList = (name: string) => list(name, int(name), 'positive integer');

/** `--inject-fault rank:step[:throw|exit]` of run and worker (hidden; for tests of failure handling). */
export function fault(v: string): FaultSpec {
  const m = /^(\d+):(\d+)(?::(throw|exit))?$/.exec(v);
  if (!m) throw new UserError([problem('--inject-fault', `must be rank:step[:throw|exit], got "${v}"`)]);
  return { rank: Number(m[1]), step: Number(m[2]), kind: (m[3] as FaultSpec['kind']) ?? 'throw' };
}

/** A fault must name a worker and a step the run has, or it would be silently ignored. */
export function checkFault(f: FaultSpec | undefined, workers: number, steps: number): void {
  if (!f) return;
  const problems = [];
  if (f.rank >= workers) problems.push(problem('--inject-fault', `rank ${f.rank} is not a worker of this plan (0 to ${workers - 1})`));
  if (f.step >= steps) problems.push(problem('--inject-fault', `step ${f.step} is not a step of this run (0 to ${steps - 1})`));
  if (problems.length) throw new UserError(problems);
}

/** How a command is given its plan: a plan file, or a --strategy shorthand and its parameters. */
export function planChoiceOptions(cmd: Command): Command {
  return cmd
    .option('--plan <file>', 'plan file (as written by tune --out)')
    .addOption(new Option('--strategy <s>', 'plan shorthand').choices([...STRATEGIES]))
    .option('--workers <n>', 'workers (with --strategy)', int('workers'))
    .option('--batch <n>', `${BATCH_HELP} (with --strategy)`, int('batch'))
    .addOption(new Option('--exchange <e>', 'exchange of model segments (with --strategy)').choices([...EXCHANGES]))
    .option('--fc-batch <n>', 'samples per weight update of model segments (with --strategy)', int('fc-batch'))
    .option('--micro-batches <n>', 'pipeline micro-batches (with --strategy pipeline)', int('micro-batches'));
}

export function planOptions(cmd: Command): Command {
  return parallelOptions(planChoiceOptions(cmd.requiredOption('--model <file>', 'model file').requiredOption('--hardware <file>', 'hardware file')))
    .addOption(new Option('--sync <s>', 'gradient synchronisation of data segments').choices([...SYNCS]))
    .option('--no-overlap', 'synchronise gradients only after the whole backward pass');
}

/** The flag of each strategy parameter, as the user typed it. */
const PARAMETER_FLAGS: Readonly<Record<StrategyParameter | 'batch', string>> = {
  workers: '--workers', batch: '--batch', sync: '--sync', overlap: '--no-overlap', exchange: '--exchange', fcBatch: '--fc-batch', microBatches: '--micro-batches',
};

/** Whether the user gave an option on the command line (commander fills in defaults, e.g. overlap). */
export const givenOn = (cmd: Command) => (key: string): boolean => {
  const source = cmd.getOptionValueSource(key);
  return source === 'cli' || source === 'env';
};

/**
 * A flag that the chosen plan would ignore is an error naming it: a plan file says everything
 * itself, and each strategy takes only the parameters of the segments it has (STRATEGY_PARAMETERS).
 */
export function checkPlanFlags(o: { plan?: string; strategy?: string }, given: (key: string) => boolean): void {
  const keys = Object.keys(PARAMETER_FLAGS) as (StrategyParameter | 'batch')[];
  if (o.plan) {
    if (o.strategy) throw new UserError([problem('--strategy', 'give a plan file (--plan) or a strategy (--strategy), not both')]);
    const extra = keys.filter(given);
    if (extra.length) throw new UserError(extra.map((k) => problem(PARAMETER_FLAGS[k], 'applies only with --strategy; a plan file (--plan) says its own')));
    return;
  }
  if (!o.strategy) return;
  const uses = new Set<string>([...STRATEGY_PARAMETERS[o.strategy as Strategy], 'batch']);
  const extra = keys.filter((k) => given(k) && !uses.has(k));
  if (extra.length) throw new UserError(extra.map((k) => problem(PARAMETER_FLAGS[k], `does not apply to --strategy ${o.strategy}${uses.size > 1 ? ` (it takes ${[...uses].map((u) => PARAMETER_FLAGS[u as StrategyParameter]).join(', ')})` : ' (it takes --batch)'}`)));
}

export function loadModelHardware(o: { model: string; hardware: string }): { model: AnalyzedModel; hardware: Hardware } {
  return { model: need(loadModel(o.model), o.model), hardware: need(loadHardware(o.hardware), o.hardware) };
}

export function resolveStrategyArgs(o: PlanArgs, model: AnalyzedModel, hardware: Hardware, strategy: string, workers: number, batch: number): ResolvedPlan {
  return need(strategyResolved(strategy, model, {
    workers, batchPerWorker: batch, topology: hardware.network.topology, sync: o.sync as never, exchange: o.exchange as never, fcBatch: o.fcBatch, overlap: o.overlap, microBatches: o.microBatches,
  }));
}

export function loadInputs(o: PlanArgs & ParallelArgs): { model: AnalyzedModel; hardware: Hardware; plan: ResolvedPlan } {
  const r = loadPlanInputs(o);
  return { ...r, plan: applyParallel(r.plan, r.model, o) };
}

function loadPlanInputs(o: PlanArgs): { model: AnalyzedModel; hardware: Hardware; plan: ResolvedPlan } {
  const { model, hardware } = loadModelHardware(o);
  if (o.plan) return { model, hardware, plan: need(loadPlan(o.plan, model), o.plan) };
  if (!o.strategy) throw new UserError([problem('--plan', 'give a plan file (--plan F) or a strategy (--strategy S --workers N --batch B)')]);
  const workers = o.strategy === 'single' ? 1 : o.workers;
  if (!workers) throw new UserError([problem('--workers', `required with --strategy ${o.strategy}`)]);
  if (!o.batch) throw new UserError([problem('--batch', `required with --strategy ${o.strategy}`)]);
  return { model, hardware, plan: resolveStrategyArgs(o, model, hardware, o.strategy, workers, o.batch) };
}
