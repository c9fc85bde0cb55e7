// `trainplan simulate`: one plan on one hardware file, as a table or JSON, optionally a trace.
import type { Command } from 'commander';
import { writeTrace } from '../../simulator/trace';
import { simulate, topologyOf } from '../../simulator/simulate';
import { loadInputs, planOptions, PlanArgs } from '../inputs';
import { Output } from '../io';
import { formatResult } from '../format';

export function register(program: Command): void {
  planOptions(
    program.command('simulate').description('simulate one plan: step time, speedup, breakdown, memory, cost'),
  )
    .option('--trace <file>', 'write the timeline in Chrome trace format (opens in Perfetto)')
    .option('--steps <n>', 'steps simulated back to back', (v) => parseInt(v, 10))
    .option('--json', 'one JSON document instead of a table')
    .action((o: PlanArgs & { trace?: string; steps?: number; json?: boolean }) => {
      const { model, hardware, plan } = loadInputs(o);
      const r = simulate(model, hardware, plan, { keepTimeline: !!o.trace, steps: o.steps, fast: !o.trace });
      if (o.trace && r.feasible && r.timeline) writeTrace(o.trace, r.timeline.graph, r.timeline.timeline, r.timeline.workers, topologyOf(hardware, plan.plan.workers));
      const { timeline: _t, ...doc } = r as typeof r & { timeline?: unknown };
      new Output(!!o.json).emit({ model: model.model.name, hardware: hardware.name, ...doc }, () => formatResult(model.model.name, hardware.name, r));
    });
}
