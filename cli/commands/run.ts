// `trainplan run`: executes a plan for real on worker threads and reports measured step times.
import { Command, Option } from 'commander';
import { problem, UserError } from '../../simulator/errors';
import { AnalyzedModel, loadModel } from '../../simulator/model/analyze';
import { loadPlan, ResolvedPlan } from '../../simulator/plan/resolve';
import { applyParallel, ParallelArgs, parallelOptions } from '../parallel';
import { strategyResolved } from '../../simulator/plan/shorthand';
import { batchSizes, describeBatch } from '../../simulator/plan/describe';
import { RUN_DEFAULTS, runPlan, RunResult } from '../../runtime/run';
import type { FaultSpec } from '../../runtime/protocol';
import { transportNames, TransportSpec } from '../../runtime/transports';
import { S3_TRANSPORT_DEFAULTS } from '../../runtime/transports/s3';
import { RUNTIME_SYNCS } from '../../runtime/collectives/sync';
import { checkFault, checkPlanFlags, count, fault, givenOn, int, nonNegative, planChoiceOptions, positive } from '../inputs';
import { need, Output } from '../io';
import { bucketProblem } from '../../simulator/names';
import { progressBar } from '../progress';
import { onStopSignals } from '../signals';
import { fixed, si, table } from '../table';
import { learningRateFor, trainingLines, writeLossPlot } from '../training-report';

export interface RunArgs {
  model: string;
  plan?: string;
  strategy?: string;
  workers?: number;
  batch?: number;
  exchange?: string;
  fcBatch?: number;
  microBatches?: number;
  steps: number;
  seed: number;
  backend?: string;
  transport: string;
  bandwidth?: number;
  latency?: number;
  s3Endpoint?: string;
  bucket?: string;
  poll?: number;
  sync?: string;
  processes?: boolean;
  warmup?: number;
  lr?: number;
  momentum: number;
  evaluateEvery?: number;
  untilTarget?: boolean;
  plot?: string;
  json?: boolean;
  injectFault?: string;
}

/** Options shared by `run` and `validate`: backend and transport. */
export function transportOptions(cmd: Command): Command {
  return cmd
    .option('--backend <name>', 'TensorFlow.js backend (default: the fastest present)')
    .addOption(new Option('--transport <kind>', 'how workers exchange data (s3: through an S3 endpoint, by default an embedded server)').choices(transportNames()).default('memory'))
    .option('--bandwidth <B/s>', 'with --transport shaped: bytes per second per worker port', positive('bandwidth'))
    .option('--latency <s>', 'with --transport shaped: seconds per message', nonNegative('latency'))
    .option('--s3-endpoint <url>', 'with --transport s3: the S3 API endpoint (default: AWS_ENDPOINT_URL, else an embedded server on loopback)')
    .option('--bucket <name>', 'with --transport s3: the bucket of the exchanged objects (default trainplan)')
    .option('--poll <s>', `with --transport s3: seconds between polls for an object (default ${S3_TRANSPORT_DEFAULTS.pollSeconds})`, nonNegative('poll'));
}

export function transportSpec(o: { transport: string; bandwidth?: number; latency?: number; s3Endpoint?: string; bucket?: string; poll?: number }): TransportSpec {
  if (o.transport === 's3') {
    if (o.bandwidth !== undefined) throw new UserError([problem('--bandwidth', 'only applies with --transport shaped')]);
    if (o.latency !== undefined) throw new UserError([problem('--latency', 'only applies with --transport shaped')]);
    const badBucket = o.bucket === undefined ? null : bucketProblem(o.bucket);
    if (badBucket) throw new UserError([problem('--bucket', badBucket)]);
    return { kind: 's3', ...(o.s3Endpoint ? { endpoint: o.s3Endpoint } : {}), ...(o.bucket ? { bucket: o.bucket } : {}), ...(o.poll !== undefined ? { pollSeconds: o.poll } : {}) };
  }
  const s3Only = ([['s3Endpoint', '--s3-endpoint'], ['bucket', '--bucket'], ['poll', '--poll']] as const).filter(([k]) => o[k] !== undefined);
  if (s3Only.length) throw new UserError(s3Only.map(([, flag]) => problem(flag, 'only applies with --transport s3')));
  if (o.transport === 'shaped') {
    if (o.bandwidth === undefined) throw new UserError([problem('--bandwidth', 'required with --transport shaped')]);
    return { kind: 'shaped', bandwidthBytesPerSecond: o.bandwidth, latencySeconds: o.latency ?? 0 };
  }
  if (o.bandwidth !== undefined) throw new UserError([problem('--bandwidth', 'only applies with --transport shaped')]);
  if (o.latency !== undefined) throw new UserError([problem('--latency', 'only applies with --transport shaped')]);
  return { kind: o.transport };
}

export function resolveRunPlan(o: RunArgs & ParallelArgs, model: AnalyzedModel): ResolvedPlan {
  return applyParallel(resolveBasePlan(o, model), model, o);
}

function resolveBasePlan(o: RunArgs, model: AnalyzedModel): ResolvedPlan {
  if (o.sync !== undefined && !(o.sync in RUNTIME_SYNCS)) throw new UserError([problem('--sync', `must be one of ${Object.keys(RUNTIME_SYNCS).join(', ')}, got "${o.sync}"`)]);
  if (o.plan) {
    if (o.sync !== undefined) throw new UserError([problem('--sync', 'applies with --strategy; a plan file says its own sync')]);
    return need(loadPlan(o.plan, model), o.plan);
  }
  if (!o.strategy) throw new UserError([problem('--plan', 'give a plan file (--plan F) or a strategy (--strategy S --workers N --batch B)')]);
  const workers = o.strategy === 'single' ? 1 : o.workers;
  if (!workers) throw new UserError([problem('--workers', `required with --strategy ${o.strategy}`)]);
  if (!o.batch) throw new UserError([problem('--batch', `required with --strategy ${o.strategy}`)]);
  return need(strategyResolved(o.strategy, model, {
    // What the runtime does: the sync asked for (ring all-reduce; through the store on s3) after the whole backward pass.
    workers, batchPerWorker: o.batch, exchange: o.exchange as never, fcBatch: o.fcBatch, microBatches: o.microBatches, topology: 'switch',
    sync: (o.sync ?? (o.transport === 's3' ? 's3-allreduce' : 'ring-allreduce')) as never, overlap: false,
  }));
}

const syncOf = (r: RunResult): string | undefined => r.plan.segments.map((s) => (s.parallelism === 'data' ? s.sync : undefined)).find(Boolean);

export function formatRun(r: RunResult): string {
  const m = r.measured;
  const p = r.plan;
  const lines = [
    `${r.model}, ${r.family} plan: ${describeBatch(p)}, backend ${r.backend}, transport ${r.transport.kind}` +
      (r.transport.kind === 'shaped' ? ` (${si(r.transport.bandwidthBytesPerSecond as number, 'B/s')}, ${r.transport.latencySeconds} s)` : '') +
      (r.transport.kind === 's3' ? ` (${r.transport.embedded ? 'embedded server' : (r.transport.endpoint as string | undefined) ?? 'AWS'}${r.transport.processes ? ', one process per worker' : ''}${syncOf(r) ? `, ${syncOf(r)}` : ''})` : ''),
    `step time ${fixed(m.stepSeconds, 4)} s (mean of steps ${m.warmupSteps + 1}–${r.steps}, ${m.warmupSteps} warm-up), ${fixed(m.samplesPerSecond, 1)} samples/s`,
    `final loss ${fixed(r.finalLoss, 4)}, weights L2 ${fixed(r.weightsL2, 4)}`,
    ...trainingLines(r),
    ...r.notes.map((n) => `note: ${n}`),
    '',
    table(['worker', 'step s', 'compute s', 'communication s', 'waiting s', 'sent/step'],
      m.workers.map((w) => [w.rank, fixed(w.stepSeconds, 4), fixed(w.computeSeconds, 4), fixed(w.communicationSeconds, 4), fixed(w.waitingSeconds, 4), si(w.bytesSentPerStep, 'B')])),
  ];
  return lines.join('\n');
}

export function register(program: Command): void {
  const cmd = parallelOptions(planChoiceOptions(program
    .command('run')
    .description('run a plan for real on worker threads and measure it')
    .requiredOption('--model <file>', 'model file')))
    .option('--steps <n>', 'training steps', int('steps'), RUN_DEFAULTS.steps)
    .option('--seed <n>', 'seed of weights, data and dropout', count('seed'), RUN_DEFAULTS.seed)
    .option('--warmup <n>', 'steps left out of the steady state (default 1–2)', count('warmup'))
    .option('--lr <x>', `learning rate (default: the model's training.learningRate rule at the plan's batch, else ${RUN_DEFAULTS.learningRate})`, positive('lr'))
    .option('--evaluate-every <n>', 'validation loss and accuracy every n steps (models whose training.dataset has a loader)', int('evaluate-every'))
    .option('--until-target', "stop when validation reaches the model's training.target (with --evaluate-every; --steps is the most)")
    .option('--plot <file>', 'write an SVG of the loss curves')
    .option('--momentum <x>', 'SGD momentum', nonNegative('momentum'), RUN_DEFAULTS.momentum)
    .option('--sync <s>', `how data-parallel gradients are summed (with --strategy): ${Object.keys(RUNTIME_SYNCS).join(', ')} (default: ring-allreduce; s3-allreduce with --transport s3)`)
    .option('--processes', 'with --transport s3: every worker a process of its own, sharing only the store');
  transportOptions(cmd)
    .option('--json', 'one JSON document instead of a table')
    .addOption(new Option('--inject-fault <rank:step>', 'make a worker fail (tests)').argParser(fault).hideHelp())
    .action(async (o: RunArgs & ParallelArgs & { injectFault?: FaultSpec }, cmd: Command) => {
      checkPlanFlags(o, givenOn(cmd));
      const model = need(loadModel(o.model), o.model);
      const plan = resolveRunPlan(o, model);
      checkFault(o.injectFault, plan.plan.workers, o.steps);
      const transport = transportSpec(o);
      if (o.untilTarget && !(o.evaluateEvery && model.model.training?.target)) throw new UserError([problem('--until-target', 'needs --evaluate-every and a model with training.target')]);
      const { lr } = learningRateFor(model.model, plan.stepSamples, o.lr, RUN_DEFAULTS.learningRate);
      const bar = progressBar('steps');
      const stop = onStopSignals();
      try {
        const r = await runPlan(model, plan, {
          steps: o.steps, seed: o.seed, learningRate: lr, momentum: o.momentum, backend: o.backend, transport,
          evaluateEvery: o.evaluateEvery, stopAtTarget: o.untilTarget,
          warmupSteps: o.warmup, fault: o.injectFault as FaultSpec | undefined, processes: o.processes,
          onProgress: (e) => e.kind === 'step' && bar.update(e.stepsDone, e.steps), signal: stop.signal,
        });
        bar.stop();
        const { weights: _w, ...doc } = r;
        if (o.plot) writeLossPlot(o.plot, r);
        new Output(!!o.json).emit({ ...doc, batch: batchSizes(r.plan) }, () => formatRun(r));
      } finally {
        bar.stop();
        stop.dispose();
      }
    });
}
