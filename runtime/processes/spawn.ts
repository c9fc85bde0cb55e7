// `run --transport s3 --processes`: each rank is a child process (`trainplan worker`) that shares
// nothing with the others but the S3 endpoint, as functions would. The parent reads their progress
// lines, and when all have exited cleanly reads their results from the store. A child that dies
// (killed, crashed, or reporting a failure) fails the run naming its rank and step; the others are
// stopped and the run's objects deleted.
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunError, RunInterrupted, stopSignalOf } from '../errors';
import { REPO_ROOT } from '../paths';
import type { FailedMessage, Message, TrainedMessage, TrainTask } from '../protocol';
import type { S3ObjectStore as S3ObjectStoreType } from '../s3/s3-objects';
import type { S3Setup } from '../transports/s3';
import { decodeWeights, deleteRunObjects, resultKey, WorkerResult } from './protocol';

/** The `trainplan` command (it runs the compiled CLI in dist/). */
export const CLI_ENTRY = join(REPO_ROOT, 'cli', 'trainplan.js');

export interface ProcessRunOptions {
  /** Test hook: SIGKILL worker `rank` once it has started step `step` (it reported step − 1, or ready). */
  kill?: { rank: number; step: number };
  /** Aborted (reason "SIGINT" or "SIGTERM"): the children are killed, the run's files and objects deleted, and Interrupted thrown. */
  signal?: AbortSignal;
}

/** How long the others may take to report after a worker failed, before they are killed too (they usually block on its objects). */
const FAILURE_SETTLE_MS = 200;

type Job = Omit<TrainTask, 'progress'>;

function argsFor(t: Job, files: { model: string; plan: string }): string[] {
  const s = t.transport.setup as S3Setup;
  const a = [
    CLI_ENTRY, 'worker', '--model', files.model, '--plan', files.plan, '--rank', String(t.rank), '--run-id', s.runId,
    '--bucket', s.store.bucket, '--steps', String(t.steps), '--seed', String(t.seed), '--backend', t.backend,
    '--lr', String(t.learningRate), '--momentum', String(t.momentum), '--poll', String(s.pollSeconds), '--stall', String(s.stallSeconds),
  ];
  if (s.store.endpoint) a.push('--s3-endpoint', s.store.endpoint);
  if (s.store.createBucket) a.push('--create-bucket');
  if (s.store.retry?.totalSeconds !== undefined) a.push('--retry-seconds', String(s.store.retry.totalSeconds));
  if (t.collectWeights) a.push('--weights');
  if (t.fault) a.push('--inject-fault', `${t.fault.rank}:${t.fault.step}:${t.fault.kind}`);
  return a;
}

/** Credentials a setup names explicitly travel in the child's environment, never on its command line. */
function envFor(s: S3Setup): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const c = s.store.credentials;
  if (c) {
    // Nothing of the user's own AWS identity may mix in (a session token would be sent with these keys).
    for (const k of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE']) delete env[k];
    Object.assign(env, { AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey, ...(c.sessionToken ? { AWS_SESSION_TOKEN: c.sessionToken } : {}) });
  }
  if (s.store.region) env.AWS_REGION = s.store.region;
  return env;
}

interface Child {
  rank: number;
  proc: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  ready: boolean;
  lastStep: number;
  failed?: FailedMessage;
  stderr: string;
}

export async function runOnProcesses(tasks: Job[], onMessage: (m: Message) => void = () => {}, o: ProcessRunOptions = {}): Promise<TrainedMessage[]> {
  if (tasks.some((t) => t.transport.kind !== 's3')) throw new Error('worker processes exchange data through S3 only (--transport s3)');
  const setup = tasks[0].transport.setup as S3Setup;
  const dir = mkdtempSync(join(tmpdir(), 'trainplan-run-'));
  const files = { model: join(dir, 'model.json'), plan: join(dir, 'plan.json') };
  writeFileSync(files.model, JSON.stringify(tasks[0].model));
  writeFileSync(files.plan, JSON.stringify(tasks[0].plan));
  // The AWS SDK loads only in runs that use it (~90 ms).
  const { S3ObjectStore } = require('../s3/s3-objects') as { S3ObjectStore: typeof S3ObjectStoreType };
  const store = new S3ObjectStore({ ...setup.store, retry: { totalSeconds: 5, ...setup.store.retry } });
  const failed: { first: Child | null } = { first: null };
  let noteFailure: () => void = () => {};
  const failure = new Promise<void>((resolve) => (noteFailure = resolve));
  const stopped = new Promise<void>((resolve) => (o.signal?.aborted ? resolve() : o.signal?.addEventListener('abort', () => resolve(), { once: true })));

  const children: Child[] = tasks.map((t) => {
    const proc = spawn(process.execPath, argsFor(t, files), { stdio: ['ignore', 'pipe', 'pipe'], env: envFor(setup) });
    const c: Child = { rank: t.rank, proc, ready: false, lastStep: -1, stderr: '', exit: new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal }))) };
    let buffered = '';
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        let m: Message;
        try {
          m = JSON.parse(line) as Message;
        } catch {
          continue;
        }
        if (m.kind === 'failed') c.failed = m;
        if (m.kind === 'ready') c.ready = true;
        if (m.kind === 'step') c.lastStep = m.record.step;
        if (o.kill?.rank === c.rank && ((m.kind === 'ready' && o.kill.step === 0) || (m.kind === 'step' && m.record.step === o.kill.step - 1))) proc.kill('SIGKILL');
        if (m.kind === 'ready' || m.kind === 'step' || m.kind === 'failed') onMessage(m);
      }
    });
    // The last few kilobytes of stderr explain a crash that printed no failure message.
    proc.stderr!.setEncoding('utf8').on('data', (s: string) => (c.stderr = (c.stderr + s).slice(-4096)));
    void c.exit.then(({ code }) => {
      if (code !== 0 && !failed.first) {
        failed.first = c;
        noteFailure();
      }
    });
    return c;
  });

  try {
    await Promise.race([Promise.all(children.map((c) => c.exit)), failure, stopped]);
    const sig = stopSignalOf(o.signal);
    if (sig) {
      // Workers are stateless between steps: nothing of theirs is worth waiting for.
      for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
      await Promise.all(children.map((c) => c.exit));
      throw new RunInterrupted(sig);
    }
    const first = failed.first;
    if (first) {
      await new Promise((r) => setTimeout(r, FAILURE_SETTLE_MS));
      for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
      await Promise.all(children.map((c) => c.exit));
      throw failureOf(first, await first.exit);
    }
    return await Promise.all(tasks.map(async (t): Promise<TrainedMessage> => {
      const body = await store.get(resultKey(setup.runId, t.rank));
      if (!body) throw new RunError(t.rank, null, `its process exited without storing a result at ${store.where}/${resultKey(setup.runId, t.rank)}`);
      const r = JSON.parse(Buffer.from(body).toString('utf8')) as WorkerResult;
      const wb = r.weightsKey ? await store.get(r.weightsKey) : null;
      return { kind: 'trained', rank: r.rank, backend: r.backend, squares: r.squares, ...(wb ? { weights: decodeWeights(wb) } : {}) };
    }));
  } finally {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    // Whatever the run left: its exchange objects (a failed run never deleted them) and the results.
    try {
      await deleteRunObjects(store, setup.runId);
    } finally {
      store.destroy();
    }
  }
}

function failureOf(c: Child, exit: { code: number | null; signal: NodeJS.Signals | null }): RunError {
  if (c.failed) return new RunError(c.rank, c.failed.step, c.failed.message);
  const how = exit.signal ? `its process was killed (${exit.signal})` : `its process exited with code ${exit.code}`;
  const said = c.stderr.trim().split('\n').filter(Boolean).pop();
  return new RunError(c.rank, c.ready ? c.lastStep + 1 : null, said ? `${how}: ${said}` : how);
}
