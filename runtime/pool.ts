// Runs one long task per worker thread on a piscina pool (K threads, K concurrent tasks) and turns
// the first failure into a RunError naming the worker and step; the pool is always shut down.
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import Piscina from 'piscina';
import { RunError, RunInterrupted, stopSignalOf } from './errors';
import type { FailedMessage, Message, Task } from './protocol';

/**
 * The compiled worker entry. Worker threads load JavaScript: from dist/runtime/pool.js it sits next
 * door; from these .ts sources (jest) it is the build tsc made in dist/ (npm test builds first).
 */
export function workerFile(): string {
  return __filename.endsWith('.ts') ? path.resolve(__dirname, '../dist/runtime/worker.js') : path.resolve(__dirname, 'worker.js');
}

/** How long to let a failing worker's last progress messages arrive before reporting (they carry the step). */
const FAILURE_SETTLE_MS = 100;

type WithoutPort<T> = T extends unknown ? Omit<T, 'progress'> : never;

/**
 * `signal`: aborted with reason "SIGINT" or "SIGTERM", the threads are terminated at once and
 * Interrupted is thrown (the caller deletes what the run stored).
 */
export async function runOnWorkers<R extends Message>(tasks: WithoutPort<Task>[], onMessage: (m: Message) => void = () => {}, signal?: AbortSignal): Promise<R[]> {
  const k = tasks.length;
  const pool = new Piscina({ filename: workerFile(), minThreads: k, maxThreads: k, concurrentTasksPerWorker: 1, idleTimeout: 60_000 });
  const stop = () => void pool.destroy();
  signal?.addEventListener('abort', stop, { once: true });
  const channels = tasks.map(() => new MessageChannel());
  const failed: FailedMessage[] = [];
  const lastStep = new Map<number, number>();
  const drained = channels.map((c) => new Promise<void>((resolve) =>
    c.port1.on('message', (m: Message) => {
      if (m.kind === 'done') return resolve();
      if (m.kind === 'failed') failed.push(m);
      if (m.kind === 'step') lastStep.set(m.rank, m.record.step);
      onMessage(m);
    })));
  let first: { index: number; error: Error } | null = null;
  try {
    const results = await Promise.all(tasks.map((task, i) => {
      const port = channels[i].port2;
      return (pool.run({ ...task, progress: port }, { transferList: [port] }) as Promise<R>).catch((e: Error) => {
        first ??= { index: i, error: e };
        throw e;
      });
    }));
    await Promise.all(drained);
    return results;
  } catch {
    const sig = stopSignalOf(signal);
    if (sig) throw new RunInterrupted(sig);
    await new Promise((r) => setTimeout(r, FAILURE_SETTLE_MS));
    const root = failed[0];
    if (root) throw new RunError(root.rank, root.step, root.message);
    // The thread died without a word (process.exit, a crash): blame it at the step after its last report.
    const f = first!;
    const rank = 'rank' in tasks[f.index] ? (tasks[f.index] as { rank: number }).rank : f.index;
    const done = lastStep.get(rank);
    throw new RunError(rank, done === undefined ? 0 : done + 1, `its thread ended (${f.error.message})`);
  } finally {
    signal?.removeEventListener('abort', stop);
    for (const c of channels) c.port1.close();
    await pool.destroy();
  }
}
