// One rank of a plan as a process of its own, or as a function: the body of `trainplan worker` and of
// a Lambda handler (README: "Workers as functions"). It trains exactly as a worker thread does
// (runtime/train.ts) over the s3 transport, then writes its result — measured step times, the
// weights' digest, and the weights when asked — to the store.
import { createHash } from 'node:crypto';
import type { MessagePort } from 'node:worker_threads';
import { chooseBackend } from '../backends';
import type { Message, ParamSlice } from '../protocol';
import { train } from '../train';
import { s3Setup } from '../transports/s3';
import { encodeWeights, resultKey, WorkerJob, WorkerResult, weightsKey } from './protocol';

export function weightsDigest(slices: ParamSlice[]): string {
  const h = createHash('sha256');
  for (const s of slices) {
    h.update(JSON.stringify([s.layer, s.param, s.shape, s.splitAxis, s.range]));
    h.update(new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength));
  }
  return h.digest('hex');
}

/**
 * Runs the job; `onMessage` sees the ready, step and failed messages as a worker thread posts them
 * (`trainplan worker` prints them, one JSON line each). Resolves with what it stored.
 */
export async function runWorker(job: WorkerJob, onMessage: (m: Message) => void = () => {}): Promise<WorkerResult> {
  const chosen = await chooseBackend(job.backend);
  if (!chosen.ok) throw new Error(chosen.reason);
  const records: WorkerResult['records'] = [];
  let setupSeconds = 0;
  // train() reports through a MessagePort; a process reports through this stand-in instead.
  const progress = {
    postMessage(m: Message) {
      if (m.kind === 'step') records[m.record.step] = m.record;
      if (m.kind === 'ready') setupSeconds = m.setupSeconds;
      onMessage(m);
    },
  } as unknown as MessagePort;
  const setup = s3Setup({ kind: 's3', ...job.store, runId: job.runId, pollSeconds: job.pollSeconds, stallSeconds: job.stallSeconds });
  const trained = await train({
    kind: 'train', rank: job.rank, workers: job.plan.workers, model: job.model, plan: job.plan, steps: job.steps, seed: job.seed,
    learningRate: job.learningRate, momentum: job.momentum, backend: chosen.backend.name, transport: { kind: 's3', setup },
    progress, fault: job.fault, collectWeights: true,
  });
  const slices = trained.weights ?? [];
  const { S3ObjectStore } = require('../s3/s3-objects') as typeof import('../s3/s3-objects');
  const store = new S3ObjectStore(job.store);
  try {
    const result: WorkerResult = {
      kind: 'worker-result', rank: job.rank, runId: job.runId, backend: trained.backend, setupSeconds, records,
      squares: trained.squares, weightsDigest: weightsDigest(slices),
      ...(job.collectWeights ? { weightsKey: weightsKey(job.runId, job.rank) } : {}),
    };
    if (job.collectWeights) await store.put(weightsKey(job.runId, job.rank), encodeWeights(slices));
    // The result last: once it is there, everything it points to is too.
    await store.put(resultKey(job.runId, job.rank), Buffer.from(JSON.stringify(result), 'utf8'));
    return result;
  } finally {
    store.destroy();
  }
}
