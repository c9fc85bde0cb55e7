// The s3 transport: workers that share nothing but an object store, as serverless functions do.
// send = PUT runs/<runId>/<tag>/<from>-<to>; recv = poll that key (GET, every pollSeconds) until the
// object is there and whole, then keep its bytes. It is also a Board (collectives/board.ts): publish
// = PUT runs/<runId>/<key>, read = poll and GET, which the store-native collectives (s3-allreduce,
// s3-scatter-reduce) use. Every run has its own id, so runs sharing a bucket never see each other's
// objects, and a run's objects are deleted when all its workers have closed their ends (a close
// marker per worker; worker 0 waits for all of them, then deletes the run's prefix).
import { randomBytes } from 'node:crypto';
import { problem, Problem, UserError } from '../../simulator/errors';
import { bucketProblem, runIdProblem } from '../../simulator/names';
import type { Board } from '../collectives/board';
import type { S3Config } from '../s3/client';
import { emptyCounts, ObjectStore, RequestCounts, S3_DEFAULTS, sleep } from '../s3/object-store';
import { awaitObject, publish } from '../s3/sealed';
import { S3Stalled } from '../s3/errors';
import { registerTransport } from './registry';
import { emptyStats, Transport, TransportKind, TransportSpec, TransportStats } from './transport';

export const S3_TRANSPORT_DEFAULTS = {
  /** How often a waiting reader asks for its object again: LambdaML polls S3 every 10 ms or so. */
  pollSeconds: 0.01,
  /** A reader that waits this long for one object gives up (its writer died or the plan deadlocked). */
  stallSeconds: 300,
};

/** What every worker of a run needs to open its end: plain data (crosses threads and processes). */
export interface S3Setup {
  store: S3Config;
  runId: string;
  pollSeconds: number;
  stallSeconds: number;
}

/** TransportStats plus the store's request counts (PUTs, GETs, polls that found nothing, …). */
export interface S3TransportStats extends TransportStats, RequestCounts {}

/** A fresh run id: time first (keys of a bucket list in run order), then randomness (never two alike). */
export const newRunId = (): string => `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

export const runPrefix = (runId: string): string => `runs/${runId}/`;

/** Keys take the tag's path segments as they are, with anything unusual escaped. */
const safe = (tag: string): string => tag.split('/').map(encodeURIComponent).join('/');

export const messageKey = (runId: string, tag: string, from: number, to: number): string => `${runPrefix(runId)}${safe(tag)}/${from}-${to}`;
export const boardKey = (runId: string, key: string): string => `${runPrefix(runId)}${safe(key)}`;
const closedPrefix = (runId: string): string => `${runPrefix(runId)}_closed/`;

/** Deletes every object of one run (and nothing else). */
export async function deleteRun(store: ObjectStore, runId: string): Promise<number> {
  const keys = await store.list(runPrefix(runId));
  await store.delete(keys);
  return keys.length;
}

export class S3Transport implements Transport, Board {
  readonly store: ObjectStore;
  private readonly ownStore: boolean;
  private readonly counters = emptyStats();
  /** PUTs in flight: close() lets them finish. */
  private readonly sending = new Set<Promise<unknown>>();
  private readonly stop = new AbortController();
  private closed = false;

  constructor(readonly setup: S3Setup, readonly rank: number, readonly size: number, store?: ObjectStore) {
    this.ownStore = !store;
    this.store = store ?? openS3ObjectStore(setup.store);
  }

  get runId(): string {
    return this.setup.runId;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.sending.add(p);
    const done = () => this.sending.delete(p);
    p.then(done, done);
    return p;
  }

  send(to: number, tag: string, data: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`worker ${this.rank}: transport closed`));
    this.counters.bytesSent += data.byteLength;
    this.counters.messagesSent++;
    // publish() copies `data` before its first await: the caller may reuse it as soon as send returns.
    return this.track(publish(this.store, messageKey(this.runId, tag, this.rank, to), data));
  }

  recv(from: number, tag: string): Promise<Uint8Array> {
    return this.take(messageKey(this.runId, tag, from, this.rank));
  }

  publish(key: string, data: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`worker ${this.rank}: transport closed`));
    this.counters.bytesSent += data.byteLength;
    this.counters.messagesSent++;
    return this.track(publish(this.store, boardKey(this.runId, key), data));
  }

  read(key: string): Promise<Uint8Array> {
    return this.take(boardKey(this.runId, key));
  }

  private async take(key: string): Promise<Uint8Array> {
    if (this.closed) throw new Error(`worker ${this.rank}: transport closed`);
    const a = await awaitObject(this.store, key, { pollSeconds: this.setup.pollSeconds, stallSeconds: this.setup.stallSeconds, signal: this.stop.signal });
    this.counters.waitSeconds += a.waitedSeconds;
    this.counters.bytesReceived += a.data.byteLength;
    return a.data;
  }

  stats(): S3TransportStats {
    return { ...emptyCounts(), ...this.store.counts(), ...this.counters };
  }

  /**
   * Finishes this worker's sends, then marks it closed in the store. Worker 0 waits until every
   * worker's marker is there — nobody will read again — and deletes the run's objects.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stop.abort('transport closed');
    await Promise.allSettled([...this.sending]);
    try {
      const prefix = closedPrefix(this.runId);
      await this.store.put(`${prefix}${this.rank}`, new Uint8Array(0));
      if (this.rank !== 0) return;
      const t0 = performance.now();
      while ((await this.store.list(prefix)).length < this.size) {
        if ((performance.now() - t0) / 1000 > this.setup.stallSeconds) throw new S3Stalled(this.store.endpoint, `${prefix}*`, this.setup.stallSeconds);
        await sleep(this.setup.pollSeconds);
      }
      await deleteRun(this.store, this.runId);
    } finally {
      if (this.ownStore) this.store.destroy?.();
    }
  }
}

/** The SDK takes ~90 ms to load: only threads that open an s3 transport pay for it. */
function openS3ObjectStore(config: S3Config): ObjectStore {
  const { S3ObjectStore } = require('../s3/s3-objects') as typeof import('../s3/s3-objects');
  return new S3ObjectStore(config);
}

const num = (spec: TransportSpec, name: string): number | undefined => {
  const v = spec[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new Error(`s3 transport: ${name} must be a non-negative number, got ${JSON.stringify(v)}`);
  return v;
};

/**
 * Options: endpoint, bucket, region, forcePathStyle, credentials, createBucket, retry (an
 * S3Config's fields); runId (default: a fresh one); pollSeconds; stallSeconds.
 */
export function s3SpecProblems(spec: TransportSpec): Problem[] {
  const bucket = bucketProblem((spec.bucket as string | undefined) ?? S3_DEFAULTS.bucket);
  const runId = spec.runId === undefined ? null : runIdProblem(spec.runId as string);
  return [...(bucket ? [problem('bucket', bucket)] : []), ...(runId ? [problem('runId', runId)] : [])];
}

export function s3Setup(spec: TransportSpec): S3Setup {
  const bucket = (spec.bucket as string | undefined) ?? S3_DEFAULTS.bucket;
  const problems = s3SpecProblems(spec);
  if (problems.length) throw new UserError(problems);
  const store: S3Config = {
    endpoint: spec.endpoint as string | undefined, bucket, region: spec.region as string | undefined,
    forcePathStyle: spec.forcePathStyle as boolean | undefined, credentials: spec.credentials as S3Config['credentials'],
    createBucket: spec.createBucket as boolean | undefined, retry: spec.retry as S3Config['retry'],
  };
  for (const k of Object.keys(store) as (keyof S3Config)[]) if (store[k] === undefined) delete store[k];
  return {
    store,
    runId: (spec.runId as string | undefined) ?? newRunId(),
    pollSeconds: num(spec, 'pollSeconds') ?? S3_TRANSPORT_DEFAULTS.pollSeconds,
    stallSeconds: num(spec, 'stallSeconds') ?? S3_TRANSPORT_DEFAULTS.stallSeconds,
  };
}

export const s3Transport: TransportKind<S3Setup> = {
  name: 's3',
  setup: (_workers, spec) => s3Setup(spec),
  open: (setup, rank, workers) => new S3Transport(setup, rank, workers),
};
registerTransport(s3Transport);
