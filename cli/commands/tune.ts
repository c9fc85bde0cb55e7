// `trainplan tune`: search workers, batch and layer splits; print the best plan, each family's
// best and why it loses, and the time/cost frontier; --out writes the plan (and a results log
// beside it, from which an interrupted tune resumes); --store keeps the results in a directory or
// an S3 prefix instead, one document per scored plan, plus the best plan.
import { Command, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { batchSizes, describePlan } from '../../simulator/plan/describe';
import { problem, UserError } from '../../simulator/errors';
import { SYNCS } from '../../simulator/plan/schema';
import { DEFAULT_EXCLUDED_SYNCS } from '../../tuner/space';
import { writeAtomic } from '../../simulator/trace';
import { OBJECTIVES, toAccuracy, type Objective } from '../../tuner/objective';
import { accuracyInputs, accuracyOptions, accuracyReport } from '../accuracy';
import { costUnit, explain, FileResults, inputsDigest, InlineEvaluator, MemoryResults, PoolEvaluator, StoreResults, tune, TUNER_DEFAULTS } from '../../tuner';
import { openStore, Store } from '../../runtime/store';
import type { Family } from '../../tuner';
import type { ResultsLog } from '../../tuner/results';
import { BATCH_HELP, loadModelHardware, int } from '../inputs';
import { hasParallelArgs, parallelOptions } from '../parallel';
import { ComposedTuneArgs, tuneTransformer } from '../tune-composed';
import { isTransformer } from '../../simulator/parallel/layout';
import { EXIT_SIGNAL, Infeasible, Interrupted, Output } from '../io';
import { progressBar } from '../progress';
import { table, fixed } from '../table';
import { formatResult } from '../format';
import { writeReportOption } from '../report-option';
import { resolvePlan } from '../../simulator/plan/resolve';
import { simulate, type StepBand } from '../../simulator/simulate';
import type { AnalyzedModel } from '../../simulator/model/analyze';
import type { Hardware } from '../../simulator/hardware/schema';
import type { Plan } from '../../simulator/plan/schema';

/** The p10–p90 band of a plan's step (simulate's default samples), where the device has variability. */
function withBand(model: AnalyzedModel, hw: Hardware, plan: Plan): StepBand | undefined {
  const p = resolvePlan(plan, model);
  if (!p.ok) return undefined;
  const r = simulate(model, hw, p.value);
  return r.feasible ? r.band : undefined;
}

interface TuneArgs {
  model: string;
  hardware: string;
  workers?: number;
  maxWorkers?: number;
  batch?: number;
  maxGlobalBatch?: number;
  objective: Objective;
  noiseScale?: number;
  target?: string;
  out?: string;
  threads?: number;
  syncs?: string;
  families?: string;
  store?: string;
  s3Endpoint?: string;
  json?: boolean;
  runnable?: boolean;
  report?: string;
}

const list = (s?: string) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);

export function register(program: Command): void {
  const cmd = program
    .command('tune')
    .description('search workers, batch per worker and layer splits for the best plan')
    .requiredOption('--model <file>', 'model file')
    .requiredOption('--hardware <file>', 'hardware file')
    .option('--workers <n>', 'exactly this many workers', int('workers'))
    .option('--max-workers <n>', 'try 1, 2, 4, … up to n workers (default: all the hardware has)', int('max-workers'))
    .option('--batch <n>', `exactly this batch: ${BATCH_HELP}`, int('batch'))
    .option('--max-global-batch <n>', `largest workers × batch to try (default ${TUNER_DEFAULTS.maxGlobalBatch}, after Goyal et al. 2017)`, int('max-global-batch'))
    .addOption(new Option('--objective <o>', 'what to minimise: per sample, or to the target accuracy (with a noise scale; docs/time-to-accuracy.md)').choices([...OBJECTIVES]).default('throughput'))
    .option('--out <file>', 'write the best plan here (and keep scored plans in <file>.results.jsonl to resume)')
    .option('--threads <n>', 'worker threads scoring plans (default: the cores but one, at most 4; 1 scores in this thread)', int('threads'))
    .option('--syncs <list>', `gradient synchronisations to try (default: ${SYNCS.filter((s) => !DEFAULT_EXCLUDED_SYNCS.includes(s)).join(', ')})`)
    .option('--families <list>', 'plan families to try (single, data, model, hybrid, pipeline)')
    .option('--store <dir|s3://bucket/prefix>', 'keep scored plans (to resume) and the best plan here instead of beside --out')
    .option('--s3-endpoint <url>', 'S3 API endpoint of an s3:// store (default: AWS_ENDPOINT_URL, then Amazon S3)')
    .option('--runnable', 'only plans `trainplan run` executes (implied by a hardware file from calibrate)')
    .option('--json', 'one JSON document instead of tables')
    .option('--report <file>', 'also write a self-contained HTML report: the frontier, the best plan\'s timeline, each family\'s best (see docs/report.md)')
    .option('--global-batch <n>', 'transformers: samples per step over all replicas (default workers × --batch)', int('global-batch'));
  accuracyOptions(parallelOptions(cmd))
    .action(async (o: TuneArgs & ComposedTuneArgs) => {
      const { model, hardware } = loadModelHardware(o);
      // Transformers, or composed dimensions given: search tensor × pipeline × data, ZeRO, recomputation (tuner/composed.ts).
      if (isTransformer(model) || hasParallelArgs(o)) return tuneTransformer(model, hardware, o);
      const accuracy = toAccuracy(o.objective) || o.noiseScale !== undefined ? accuracyInputs(model.model, o, toAccuracy(o.objective)) : undefined;
      if (o.workers && o.maxWorkers) throw new UserError([problem('--workers', 'give --workers or --max-workers, not both')]);
      // As simulate says it: a plan with more workers than the hardware is infeasible, not malformed.
      if ((o.workers ?? 0) > hardware.workers) throw new Infeasible(`plan needs ${o.workers} workers, hardware ${hardware.name} has ${hardware.workers}`);
      const syncs = list(o.syncs);
      syncs?.forEach((s) => { if (!(SYNCS as readonly string[]).includes(s)) throw new UserError([problem('--syncs', `unknown synchronisation "${s}"`)]); });
      const families = list(o.families) as Family[] | undefined;
      families?.forEach((f) => { if (!TUNER_DEFAULTS.families.includes(f)) throw new UserError([problem('--families', `unknown family "${f}"`)]); });
      if (o.objective === 'cost' && !hardware.price) process.stderr.write(`note: ${hardware.name} has no prices; cost is counted in worker-seconds\n`);

      const inputsKey = inputsDigest(model.model, hardware);
      const store: Store | undefined = o.store ? openStore(o.store, { endpoint: o.s3Endpoint }) : undefined;
      if (o.s3Endpoint && !o.store?.startsWith('s3://')) throw new UserError([problem('--s3-endpoint', 'only applies with --store s3://bucket/prefix')]);
      const log: ResultsLog = store ? await StoreResults.open(store, `results/${inputsKey}/`) : o.out ? new FileResults(`${o.out}.results.jsonl`) : new MemoryResults();
      // One core stays with the search itself (bounds, ordering, the log). Measured on a 2-core
      // machine: a simulation takes ~1 ms, and a pool of 2 threads made tuning slower (AlexNet-OWT
      // on the K20s 0.8–1.0 s inline against 1.2–1.4 s; ResNet-50 up to 1,024 workers 2.5 s against 3.1 s).
      const threads = o.threads ?? Math.max(1, Math.min(4, availableParallelism() - 1));
      const evaluator = threads > 1 ? new PoolEvaluator(model.model, hardware, threads) : new InlineEvaluator(model, hardware);
      // Ctrl-C (or a SIGTERM) stops the search between batches of plans; what was scored is in the log.
      const abort = new AbortController();
      let stoppedBy: keyof typeof EXIT_SIGNAL = 'SIGINT';
      const onSigint = () => { stoppedBy = 'SIGINT'; abort.abort(); };
      const onSigterm = () => { stoppedBy = 'SIGTERM'; abort.abort(); };
      process.once('SIGINT', onSigint);
      process.once('SIGTERM', onSigterm);
      // A hardware file from calibrate describes the runtime itself: its best plan must be one `run` executes.
      const admit = o.runnable || hardware.runtime ? (await import('../../runtime/support')).runnableBy(model) : undefined;
      const bar = progressBar('tune');
      let r;
      let fastest;
      try {
        const space = {
          // Under the accuracy objectives the statistics limit the batch, not a fixed cap.
          workers: o.workers, maxWorkers: o.maxWorkers, batch: o.batch, maxGlobalBatch: o.maxGlobalBatch ?? (toAccuracy(o.objective) ? Infinity : undefined), syncs: syncs as never, families,
          evaluator, results: log, inputsKey, signal: abort.signal, admit,
        };
        r = await tune(model, hardware, { ...space, objective: o.objective, statistics: accuracy?.statistics, onProgress: (d, t) => bar.update(d, t) });
        // What the throughput objective picks in the same space, for the explanation (its plans mostly come from the log).
        if (toAccuracy(o.objective) && !r.interrupted) fastest = (await tune(model, hardware, { ...space, objective: 'throughput' })).best;
      } finally {
        bar.stop();
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigterm);
        await evaluator.close();
        await log.flush?.();
      }
      if (r.interrupted) {
        store?.close?.();
        throw new Interrupted(stoppedBy, `${log.size} scored plans kept${log.where ? ` in ${log.where}; run the same command again to resume` : ''}`);
      }
      if (!r.best) throw new Infeasible(`no feasible plan: ${Object.values(r.infeasibleFamilies)[0] ?? 'the search space is empty'}`);
      const planText = JSON.stringify({ ...r.best.plan, name: r.best.family }, null, 2) + '\n';
      if (o.out) writeAtomic(o.out, planText);
      if (store) {
        await store.write(`plans/${model.model.name}--${hardware.name}--${r.objective}.json`, planText);
        store.close?.();
      }
      const unit = costUnit(hardware);
      const why = explain(r);
      const acc = accuracy?.statistics ? accuracyReport(model.model, accuracy, r, fastest, unit) : undefined;
      // Candidates are scored at the expected slowest worker only; the chosen plan gets its band.
      const { timeline: _t, ...scored } = r.best.result as typeof r.best.result & { timeline?: unknown };
      const banded = r.best.result.feasible ? withBand(model, hardware, r.best.plan) : undefined;
      const best = banded && scored.feasible ? { ...scored, band: banded } : scored;
      const doc = {
        model: model.model.name, hardware: hardware.name, objective: r.objective,
        best, plan: r.best.plan, batch: batchSizes(r.best.plan), ...(acc ? { accuracy: acc.doc } : {}),
        evaluated: r.evaluated, fromLog: r.fromLog, pruned: r.pruned, candidates: r.candidates, infeasible: r.infeasible,
        families: Object.fromEntries(Object.entries(r.families).map(([f, s]) => [f, { plan: s!.plan, batch: batchSizes(s!.plan), stepTimeSeconds: s!.result.stepTimeSeconds, samplesPerSecond: s!.result.samplesPerSecond, speedup: s!.result.speedup, breakdown: s!.result.breakdown, why: why.find((w) => w.family === f)?.reason }])),
        costUnit: unit,
        infeasibleFamilies: r.infeasibleFamilies,
        frontier: r.frontier.map((s) => ({ plan: s.plan, batch: batchSizes(s.plan), family: s.family, secondsPerSample: s.score.secondsPerSample, costPerSample: s.score.costPerSample, samplesPerSecond: s.result.samplesPerSecond, ...(s.result.cost ? { dollarsPerEpoch: s.result.cost.dollarsPerEpoch, secondsPerEpoch: s.result.cost.secondsPerEpoch } : {}) })),
      };
      writeReportOption(o.report, { model, hardware, tune: doc });
      new Output(!!o.json).emit(doc, () => {
        const famRows = why.map((w) => [w.family, w.plan ? describePlan(w.plan.plan) : '—', w.plan ? fixed(w.plan.result.samplesPerSecond, 0) : '—', w.slowdown ? `${fixed(w.slowdown, 2)}x slower` : '', w.reason]);
        const frontRows = r.frontier.slice(0, 12).map((s) => [describePlan(s.plan), fixed(s.result.samplesPerSecond, 0), (s.score.costPerSample * (unit === 'dollars' ? 1e6 : 1e3)).toPrecision(3)]);
        return [
          `best plan (${r.objective}):`,
          formatResult(model.model.name, hardware.name, best, model.model.training?.dataset?.name),
          ...(acc ? ['', ...acc.lines] : []),
          '',
          'best of each other family, and why it loses:',
          table(['family', 'plan', 'samples/s', 'vs best', 'why'], famRows),
          '',
          `time/cost frontier (${unit === 'dollars' ? 'µ$' : 'milli-worker-seconds'} per sample):`,
          table(['plan', 'samples/s', unit === 'dollars' ? 'µ$/sample' : 'mws/sample'], frontRows),
          '',
          `${r.candidates} candidate plans: ${r.evaluated} simulated, ${r.fromLog} from the results log, ${r.pruned} skipped by lower bounds, ${r.infeasible} infeasible${o.out ? `; plan written to ${o.out}` : ''}${store ? `; results and plan kept in ${store.where}` : ''}`,
        ].join('\n');
      });
    });
}
