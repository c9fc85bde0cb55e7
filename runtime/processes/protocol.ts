// What a worker process (or a function) gets and gives back. It shares nothing with the others but
// the S3 endpoint: the job says what to train and where the store is; progress goes to stdout as one
// JSON message per line (runtime/protocol.ts's ready/step/failed messages); the result goes to the
// store, under results/<runId>/, outside the run's exchange prefix; deleteRunObjects removes both when the run ends.
import type { Model } from '../../simulator/model/schema';
import type { Plan } from '../../simulator/plan/schema';
import type { S3Config } from '../s3/client';
import type { FaultSpec, ParamSlice, StepRecord } from '../protocol';
import type { ObjectStore } from '../s3/object-store';
import { deleteRun } from '../transports/s3';

export interface WorkerJob {
  /** The model file's content and the plan (a function's event carries both). */
  model: Model;
  plan: Plan;
  rank: number;
  runId: string;
  store: S3Config;
  steps: number;
  seed: number;
  learningRate: number;
  momentum: number;
  /** A backend name; the fastest present one when absent. */
  backend?: string;
  pollSeconds?: number;
  stallSeconds?: number;
  /** Store every trained weight too (results/<runId>/<rank>.weights), not only their digest. */
  collectWeights?: boolean;
  fault?: FaultSpec;
}

/** results/<runId>/<rank>.json */
export interface WorkerResult {
  kind: 'worker-result';
  rank: number;
  runId: string;
  backend: string;
  setupSeconds: number;
  records: StepRecord[];
  /** Sum of squares of the weights this worker owns (whole ones only on worker 0). */
  squares: number;
  /** sha256 of every weight this worker holds, in order (layer, param, range, values). */
  weightsDigest: string;
  /** Where the weights are, when the job asked for them. */
  weightsKey?: string;
}

export const resultsPrefix = (runId: string): string => `results/${runId}/`;
export const resultKey = (runId: string, rank: number): string => `${resultsPrefix(runId)}${rank}.json`;
export const weightsKey = (runId: string, rank: number): string => `${resultsPrefix(runId)}${rank}.weights`;

/**
 * Deletes the run's exchange objects and results. Twice: a child killed mid-PUT may have sent its
 * whole body, and the store can make that object appear after the first listing.
 */
export async function deleteRunObjects(store: ObjectStore, runId: string): Promise<void> {
  for (let pass = 0; pass < 2; pass++) {
    await Promise.all([deleteRun(store, runId), store.list(resultsPrefix(runId)).then((k) => store.delete(k))]);
    if (pass === 0) await new Promise((r) => setTimeout(r, 50));
  }
}

/** Weights in one object: a u32 header length, the JSON header (slices without data), padding to 8, then every slice's floats. */
export function encodeWeights(slices: ParamSlice[]): Uint8Array {
  const header = Buffer.from(JSON.stringify(slices.map(({ data, ...rest }) => ({ ...rest, length: data.length }))), 'utf8');
  const start = Math.ceil((4 + header.length) / 8) * 8;
  const out = new Uint8Array(start + slices.reduce((a, s) => a + s.data.byteLength, 0));
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  let off = start;
  for (const s of slices) {
    out.set(new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength), off);
    off += s.data.byteLength;
  }
  return out;
}

export function decodeWeights(bytes: Uint8Array): ParamSlice[] {
  const n = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  const header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 4, n).toString('utf8')) as (Omit<ParamSlice, 'data'> & { length: number })[];
  let off = Math.ceil((4 + n) / 8) * 8;
  return header.map(({ length, ...rest }) => {
    const data = new Float32Array(bytes.slice(off, off + length * 4).buffer);
    off += length * 4;
    return { ...rest, data };
  });
}
