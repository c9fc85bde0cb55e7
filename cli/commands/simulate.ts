// `trainplan simulate`: one plan on one hardware file, as a table or JSON, optionally a trace (kept
// in a --store, under traces/, when one is given).
import type { Command } from 'commander';
import { basename } from 'node:path';
import { traceDocument, writeTrace } from '../../simulator/trace';
import { simulatedComposed } from '../../simulator/parallel/layout';
import { openStore } from '../../runtime/store';
import { MAX_MEASURED_STEPS, simulate, topologyOf } from '../../simulator/simulate';
import { checkPlanFlags, count, givenOn, int, loadInputs, planOptions, PlanArgs } from '../inputs';
import { Infeasible, Output } from '../io';
import { formatResult } from '../format';
import { batchSizes } from '../../simulator/plan/describe';
import { REPORT_HELP, writeReportOption } from '../report-option';
import { problem, UserError } from '../../simulator/errors';

function stragglersOption(v: string): 'order-statistics' | 'monte-carlo' {
  if (v === 'order-statistics' || v === 'monte-carlo') return v;
  throw new UserError([problem('--stragglers', `must be order-statistics or monte-carlo, got "${v}"`)]);
}

export function register(program: Command): void {
  planOptions(
    program.command('simulate').description('simulate one plan: step time, speedup, breakdown, memory, cost'),
  )
    .option('--trace <file>', 'write the timeline in Chrome trace format (opens in Perfetto)')
    .option('--measured-steps <n>', `steps averaged once the steps repeat (default 1, at most ${MAX_MEASURED_STEPS}; asynchronous plans: rounded up to a pair)`, int('measured-steps', MAX_MEASURED_STEPS))
    .option('--store <dir|s3://bucket/prefix>', 'with --trace: keep the trace there (traces/<name>) instead of a local file')
    .option('--s3-endpoint <url>', 'S3 API endpoint of an s3:// store (default: AWS_ENDPOINT_URL, then Amazon S3)')
    .option('--samples <k>', 'where the device has variability: quantiles of the slowest worker simulated for the mean and p10–p90 band (default 3; 1: the mean only)', int('samples'))
    .option('--seed <n>', 'seed of the random draws (the full simulation with every worker drawn: --stragglers monte-carlo)', count('seed'))
    .option('--stragglers <method>', 'order-statistics (default) or monte-carlo (every worker\'s compute drawn every step, --samples steps)', stragglersOption)
    .option('--json', 'one JSON document instead of a table')
    .option('--report <file>', REPORT_HELP)
    .action(async (o: PlanArgs & { trace?: string; measuredSteps?: number; store?: string; s3Endpoint?: string; json?: boolean; report?: string; samples?: number; seed?: number; stragglers?: 'order-statistics' | 'monte-carlo' }, cmd: Command) => {
      checkPlanFlags(o, givenOn(cmd));
      const { model, hardware, plan } = loadInputs(o);
      // Composed plans (transformers; tensor, pipeline, ZeRO…) are lowered symmetrically, one
      // pipeline rank per stage: there is no per-worker timeline to trace or draw factors into.
      if (simulatedComposed(model, plan.plan)) {
        if (o.trace) process.stderr.write(`note: --trace is not available for composed plans (tensor, pipeline, ZeRO, transformers): no trace written\n`);
        if (o.stragglers === 'monte-carlo') process.stderr.write(`note: --stragglers monte-carlo is not available for composed plans: the band is from order statistics\n`);
      }
      const r = simulate(model, hardware, plan, { keepTimeline: !!o.trace, measuredSteps: o.measuredSteps, fast: !o.trace, samples: o.samples, seed: o.seed, stragglers: o.stragglers });
      if (o.trace && r.feasible && r.timeline) {
        const topo = topologyOf(hardware, plan.plan.workers);
        if (o.store) {
          const store = openStore(o.store, { endpoint: o.s3Endpoint });
          await store.write(`traces/${basename(o.trace)}`, traceDocument(r.timeline.graph, r.timeline.timeline, topo));
          store.close?.();
        } else writeTrace(o.trace, r.timeline.graph, r.timeline.timeline, r.timeline.workers, topo);
      }
      const { timeline: _t, ...doc } = r as typeof r & { timeline?: unknown };
      writeReportOption(o.report, { model, hardware, plan });
      new Output(!!o.json).emit({ model: model.model.name, hardware: hardware.name, batch: batchSizes(plan.plan), ...doc }, () => formatResult(model.model.name, hardware.name, r, model.model.training?.dataset?.name));
      if (!r.feasible) throw new Infeasible(r.reason);
    });
}
