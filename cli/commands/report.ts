// `trainplan report`: one self-contained HTML file of charts from a model and hardware, and
// optionally a plan (file or --strategy shorthand), a tune result and a validate result (their --json).
import type { Command } from 'commander';
import { problem, UserError } from '../../simulator/errors';
import { parseWith, readJsonFile } from '../../simulator/validate';
import type { ResolvedPlan } from '../../simulator/plan/resolve';
import type { ValidateResult } from '../../runtime/validate';
import { TuneDocument, ValidateDocument, writeReport } from '../../report';
import { loadInputs, planChoiceOptions, PlanArgs } from '../inputs';
import { loadModel } from '../../simulator/model/analyze';
import { loadHardware } from '../../simulator/hardware/load';
import { need } from '../io';
import { commandLine, reportWritten } from '../report-option';

export function register(program: Command): void {
  planChoiceOptions(
    program
      .command('report')
      .description('write one self-contained HTML report: the plan, its timeline, breakdown, scaling, memory; a tune frontier; a validation')
      .requiredOption('--model <file>', 'model file')
      .option('--hardware <file>', 'hardware file (optional with --validate alone: a validation names its own)'),
  )
    .option('--tune <file>', 'a tune result (tune --json): its frontier, and its best plan unless --plan or --strategy is given')
    .option('--validate <file>', 'a validate result (validate --json): predicted against measured')
    .requiredOption('--out <file>', 'the HTML file to write')
    .action((o: Omit<PlanArgs, 'hardware'> & { hardware?: string; tune?: string; validate?: string; out: string }) => {
      if (!o.hardware && (o.plan || o.strategy || o.tune || !o.validate)) throw new UserError([problem('--hardware', 'required (only a report of a validation alone goes without it)')]);
      const model = need(loadModel(o.model), o.model);
      const hardware = o.hardware ? need(loadHardware(o.hardware), o.hardware) : undefined;
      let plan: ResolvedPlan | undefined;
      if (o.plan || o.strategy) plan = loadInputs(o as PlanArgs).plan;
      else if (o.workers || o.batch) throw new UserError([problem('--strategy', 'give a strategy with --workers and --batch (or a plan file with --plan)')]);
      const tune = o.tune ? need(parseWith(TuneDocument, need(readJsonFile(o.tune), o.tune)), o.tune) : undefined;
      if (tune && tune.model !== model.model.name) throw new UserError([problem('--tune', `is a result for model ${tune.model}, not ${model.model.name}`)]);
      const validate = o.validate ? (need(parseWith(ValidateDocument, need(readJsonFile(o.validate), o.validate)), o.validate) as unknown as ValidateResult) : undefined;
      const { bytes } = writeReport(o.out, { command: commandLine(), model, hardware, plan, tune, validate });
      process.stdout.write(reportWritten(o.out, bytes) + '\n');
    });
}
