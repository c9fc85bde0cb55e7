// `calibrate --transport s3`: measures an S3 endpoint the way the simulator models it
// (simulator/topology/build.ts withObjectStore): a request costs requestLatencySeconds plus its bytes
// over the worker's own bandwidth to the store, and all workers together share an aggregate
// bandwidth. Small objects give the latency, large ones the bandwidth, several clients at once the
// aggregate. The result is the `objectStore` block of a hardware file.
import type { ObjectStore as ObjectStoreBlock } from '../../simulator/hardware/schema';
import type { S3Config } from './client';
import type { ObjectStore } from './object-store';
import { publish, unseal } from './sealed';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { median } from 'simple-statistics';

export const STORE_CALIBRATE_DEFAULTS = {
  /** Small enough that the bytes cost nothing next to the request (1 KiB at 100 MB/s is 10 µs). */
  smallBytes: 1024,
  /** Large enough that the request costs little next to the bytes (16 MiB at 100 MB/s is 0.17 s); a mini-owt gradient is ~4 MB. */
  largeBytes: 16 << 20,
  smallRepeats: 20,
  largeRepeats: 3,
  /** Clients that PUT and GET large objects at once, for the aggregate bandwidth (a run's workers). */
  clients: 2,
  /** The s3 transport's sleep between polls (LambdaML polls about every 10 ms); the block's pollIntervalSeconds adds a poll's own request time. */
  pollSeconds: 0.01,
};

export type StoreCalibrateOptions = typeof STORE_CALIBRATE_DEFAULTS & {
  /** Says where the figures came from, e.g. "embedded s3rver on loopback". */
  describe?: string;
  onProgress?: (done: number, total: number) => void;
};

export interface StoreMeasurements {
  endpoint: string;
  putLatencySeconds: number;
  getLatencySeconds: number;
  putBytesPerSecond: number;
  getBytesPerSecond: number;
  /** A GET of a key that is not there (what each poll of a waiting reader costs). */
  missSeconds: number;
  /** Bytes per second through the store with `clients` clients PUTting, then GETting, at once. */
  aggregateBytesPerSecond: number;
  clients: number;
}

export interface StoreCalibration {
  objectStore: ObjectStoreBlock;
  measured: StoreMeasurements;
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
}

/**
 * Seconds of each of `repeats` sequential PUTs and GETs of `bytes` bytes under `prefix`, made as the
 * s3 transport makes them (sealed objects: a copy and a check each way), so that they cost what a
 * run's transfers cost.
 */
async function sequential(store: ObjectStore, prefix: string, bytes: number, repeats: number, tick: () => void): Promise<{ put: number[]; get: number[] }> {
  const body = randomBytes(bytes);
  const put: number[] = [];
  const get: number[] = [];
  const fetch = async (key: string) => {
    const b = await store.get(key);
    if (!b || !unseal(b)) throw new Error(`calibration: ${key} did not read back whole from ${store.where}`);
  };
  // One untimed round first: connections and the bucket are set up.
  await publish(store, `${prefix}warm`, body);
  await fetch(`${prefix}warm`);
  for (let i = 0; i < repeats; i++) {
    put.push(await timed(() => publish(store, `${prefix}${i}`, body)));
    get.push(await timed(() => fetch(`${prefix}${i}`)));
    tick();
  }
  return { put, get };
}

export async function calibrateObjectStore(config: S3Config, options: Partial<StoreCalibrateOptions> = {}): Promise<StoreCalibration> {
  const o = { ...STORE_CALIBRATE_DEFAULTS, ...options };
  // The AWS SDK loads only when a store is measured (~90 ms): the CLI imports this file.
  const { S3ObjectStore } = require('./s3-objects') as typeof import('./s3-objects');
  const prefix = `calibrate/${Date.now().toString(36)}-${randomBytes(4).toString('hex')}/`;
  const total = o.smallRepeats + o.largeRepeats + 2;
  let done = 0;
  const tick = () => o.onProgress?.(++done, total);
  const clients = Array.from({ length: Math.max(1, o.clients) }, () => new S3ObjectStore(config));
  const store = clients[0];
  const endpoint = store.endpoint;
  try {
    const small = await sequential(store, `${prefix}small/`, o.smallBytes, o.smallRepeats, tick);
    const large = await sequential(store, `${prefix}large/`, o.largeBytes, o.largeRepeats, tick);
    // time = latency + bytes / bandwidth, from the two sizes (the small one fixes the latency).
    const fit = (tSmall: number, tLarge: number) => {
      const bw = (o.largeBytes - o.smallBytes) / Math.max(1e-9, tLarge - tSmall);
      return { latency: Math.max(0, tSmall - o.smallBytes / bw), bw };
    };
    const misses: number[] = [];
    for (let i = 0; i < o.smallRepeats; i++) misses.push(await timed(() => store.get(`${prefix}missing/${i}`)));
    tick();
    const missSeconds = median(misses);
    const put = fit(median(small.put), median(large.put));
    const get = fit(median(small.get), median(large.get));

    // Every client PUTs a large object at once, then every client GETs one back.
    const body = randomBytes(o.largeBytes);
    const tPut = await timed(() => Promise.all(clients.map((c, i) => c.put(`${prefix}agg/${i}`, body))));
    const tGet = await timed(() => Promise.all(clients.map((c, i) => c.get(`${prefix}agg/${i}`))));
    tick();
    const aggregate = (2 * clients.length * o.largeBytes) / (tPut + tGet);

    // A PUT and a GET of every byte is what an exchange through the store costs: one bandwidth that
    // gets both right is their harmonic mean, one latency is their mean.
    const perWorker = 2 / (1 / put.bw + 1 / get.bw);
    const latency = (put.latency + get.latency) / 2;
    const measured: StoreMeasurements = {
      endpoint, putLatencySeconds: put.latency, getLatencySeconds: get.latency, putBytesPerSecond: put.bw, getBytesPerSecond: get.bw, missSeconds,
      aggregateBytesPerSecond: aggregate, clients: clients.length,
    };
    const mb = (x: number) => `${(x / 1e6).toFixed(0)} MB/s`;
    const ms = (x: number) => `${(x * 1e3).toFixed(1)} ms`;
    const objectStore: ObjectStoreBlock = {
      source: `measured by trainplan calibrate --transport s3 against ${o.describe ?? endpoint} on ${new Date().toISOString().slice(0, 10)}: ` +
        `${o.smallBytes} B requests PUT ${ms(put.latency)}, GET ${ms(get.latency)} (medians of ${o.smallRepeats}); ${o.largeBytes >> 20} MiB objects PUT ${mb(put.bw)}, GET ${mb(get.bw)}; ` +
        `${clients.length} clients at once ${mb(aggregate)} in all; a poll is ${ms(o.pollSeconds)} of sleep and a ${ms(missSeconds)} GET that finds nothing. Prices 0: ${o.describe ? 'a local server charges nothing' : 'set them from the provider\'s price list'}`,
      bandwidthBytesPerSecondPerWorker: perWorker,
      requestLatencySeconds: latency,
      putDollarsPerRequest: 0,
      getDollarsPerRequest: 0,
      // Only a real limit: several clients got less than each alone.
      ...(aggregate < clients.length * perWorker * 0.9 ? { aggregateBandwidthBytesPerSecond: aggregate } : {}),
      // A waiting reader sleeps, then asks again: its polls are that far apart.
      pollIntervalSeconds: o.pollSeconds + missSeconds,
    };
    return { objectStore, measured };
  } finally {
    await store.delete(await store.list(prefix)).catch(() => undefined);
    for (const c of clients) c.destroy();
  }
}

/** The compiled thread entry (workers load JavaScript: from the .ts sources under jest, the build in dist/). */
function threadFile(): string {
  return __filename.endsWith('.ts') ? join(__dirname, '../../dist/runtime/s3/calibrate-thread.js') : join(__dirname, 'calibrate-thread.js');
}

/** Message from the calibration thread (runtime/s3/calibrate-thread.ts). */
export type CalibrateThreadMessage = { kind: 'progress'; done: number; total: number } | { kind: 'result'; calibration: StoreCalibration } | { kind: 'error'; message: string };

/** calibrateObjectStore, from a worker thread: the requests cost what they cost a run's workers. */
export function calibrateObjectStoreInThread(config: S3Config, options: Partial<StoreCalibrateOptions> = {}): Promise<StoreCalibration> {
  const { onProgress, ...rest } = options;
  const w = new Worker(threadFile(), { workerData: { config, options: rest } });
  return new Promise<StoreCalibration>((resolve, reject) => {
    w.on('message', (m: CalibrateThreadMessage) => {
      if (m.kind === 'progress') onProgress?.(m.done, m.total);
      else if (m.kind === 'result') resolve(m.calibration);
      else reject(new Error(m.message));
    });
    w.on('error', reject);
    w.on('exit', (code) => reject(new Error(`the store calibration thread exited (code ${code})`)));
  }).finally(() => void w.terminate());
}
