// Entry of the thread calibrateObjectStoreInThread starts: measures the store, posts the result.
import { parentPort, workerData } from 'node:worker_threads';
import { calibrateObjectStore, CalibrateThreadMessage, StoreCalibrateOptions } from './calibrate';
import type { S3Config } from './client';

const { config, options } = workerData as { config: S3Config; options: Partial<StoreCalibrateOptions> };
const post = (m: CalibrateThreadMessage) => parentPort!.postMessage(m);
calibrateObjectStore(config, { ...options, onProgress: (done, total) => post({ kind: 'progress', done, total }) }).then(
  (calibration) => post({ kind: 'result', calibration }),
  (e: Error) => post({ kind: 'error', message: e.message }),
);
