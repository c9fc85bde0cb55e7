// `trainplan worker`: one rank of a plan as a process that shares nothing with the others but an S3
// endpoint — what `run --transport s3 --processes` spawns, and what a Lambda handler calls (README).
// Progress goes to stdout as one JSON message per line; the result goes to the store.
import { Command, Option } from 'commander';
import { problem, UserError } from '../../simulator/errors';
import { loadModel } from '../../simulator/model/analyze';
import { loadPlan } from '../../simulator/plan/resolve';
import type { FaultSpec, Message } from '../../runtime/protocol';
import { runWorker } from '../../runtime/processes/worker';
import { RUN_DEFAULTS } from '../../runtime/run';
import { S3_DEFAULTS } from '../../runtime/s3/object-store';
import { checkFault, fault, int, nonNegative } from '../inputs';
import { need } from '../io';
import { bucketProblem, runIdProblem } from '../../simulator/names';

interface WorkerArgs {
  model: string;
  plan: string;
  rank: number;
  runId: string;
  s3Endpoint?: string;
  bucket: string;
  createBucket?: boolean;
  retrySeconds?: number;
  steps: number;
  seed: number;
  backend?: string;
  lr: number;
  momentum: number;
  poll?: number;
  stall?: number;
  weights?: boolean;
  injectFault?: FaultSpec;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('run one rank of a plan, exchanging only through S3 (the body of a function worker)')
    .requiredOption('--model <file>', 'model file')
    .requiredOption('--plan <file>', 'plan file')
    .requiredOption('--rank <n>', 'this worker\'s rank (0 … workers−1)', nonNegative('rank'))
    .requiredOption('--run-id <id>', 'the run\'s id: every worker of a run gets the same one')
    .option('--s3-endpoint <url>', 'S3 API endpoint (default: AWS_ENDPOINT_URL, then Amazon S3)')
    .option('--bucket <name>', 'bucket of the run\'s objects', S3_DEFAULTS.bucket)
    .option('--create-bucket', 'create the bucket if it is missing')
    .option('--retry-seconds <s>', `how long to retry an unreachable store (default ${S3_DEFAULTS.retry.totalSeconds})`, nonNegative('retry-seconds'))
    .option('--steps <n>', 'training steps', int('steps'), RUN_DEFAULTS.steps)
    .option('--seed <n>', 'seed of weights, data and dropout', nonNegative('seed'), RUN_DEFAULTS.seed)
    .option('--backend <name>', 'TensorFlow.js backend (default: the fastest present)')
    .option('--lr <x>', 'learning rate', nonNegative('lr'), RUN_DEFAULTS.learningRate)
    .option('--momentum <x>', 'SGD momentum', nonNegative('momentum'), RUN_DEFAULTS.momentum)
    .option('--poll <s>', 'seconds between polls for an object', nonNegative('poll'))
    .option('--stall <s>', 'give up waiting for one object after this long', nonNegative('stall'))
    .option('--weights', 'store the trained weights too, not only their digest')
    .addOption(new Option('--inject-fault <rank:step>', 'make this worker fail (tests)').argParser(fault).hideHelp())
    .action(async (o: WorkerArgs) => {
      const model = need(loadModel(o.model), o.model);
      const plan = need(loadPlan(o.plan, model), o.plan);
      if (!Number.isInteger(o.rank) || o.rank >= plan.plan.workers) throw new UserError([problem('--rank', `must be an integer from 0 to ${plan.plan.workers - 1}, got ${o.rank}`)]);
      const badId = runIdProblem(o.runId);
      if (badId) throw new UserError([problem('--run-id', badId)]);
      const badBucket = bucketProblem(o.bucket);
      if (badBucket) throw new UserError([problem('--bucket', badBucket)]);
      checkFault(o.injectFault, plan.plan.workers, o.steps);
      // stdout carries the progress lines: anything a library prints goes to stderr instead.
      console.log = console.error;
      console.info = console.error;
      const line = (m: unknown) => process.stdout.write(JSON.stringify(m) + '\n');
      const r = await runWorker({
        model: model.model, plan: plan.plan, rank: o.rank, runId: o.runId,
        store: { endpoint: o.s3Endpoint, bucket: o.bucket, createBucket: o.createBucket, ...(o.retrySeconds !== undefined ? { retry: { totalSeconds: o.retrySeconds } } : {}) },
        steps: o.steps, seed: o.seed, learningRate: o.lr, momentum: o.momentum, backend: o.backend,
        pollSeconds: o.poll, stallSeconds: o.stall, collectWeights: o.weights, fault: o.injectFault,
      }, (m: Message) => line(m));
      const { records: _r, ...summary } = r;
      line(summary);
    });
}
