// The runtime: executes plans for real on worker threads (one TensorFlow.js backend each) and
// measures them; calibrates this machine into a hardware file; validates the simulator against it.
export { runPlan, RUN_DEFAULTS, assembleWeights } from './run';
export type { RunOptions, RunResult } from './run';
export { calibrate, CALIBRATE_DEFAULTS, MIX_MODELS } from './calibrate';
export type { CalibrateOptions, Calibration } from './calibrate';
export { validate, VALIDATE_DEFAULTS, networkFor } from './validate';
export type { ValidateOptions, ValidateResult, ValidateRow } from './validate';
export { runtimeSupport } from './support';
export { RunError } from './errors';
export { measure, defaultWarmup } from './measure';
export type { Measured, MeasuredStep, WorkerTimes } from './measure';
export { chooseBackend, probeAll, allBackends } from './backends';
export { transportKind, transportNames } from './transports';
export type { Transport, TransportKind, TransportSpec } from './transports';
export type { Message } from './protocol';
export { openStoreSession } from './s3/session';
export { calibrateObjectStore, calibrateObjectStoreInThread, STORE_CALIBRATE_DEFAULTS } from './s3/calibrate';
export type { StoreCalibration } from './s3/calibrate';
export { runWorker } from './processes/worker';
export type { WorkerJob, WorkerResult } from './processes/protocol';
export { openStore } from './store';
export type { Store } from './store';
