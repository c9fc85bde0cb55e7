// Every message between the main thread and the worker threads, as one discriminated union.
// Tasks go in through piscina (one long task per worker), progress comes back on a MessagePort,
// and the task's return value is the last message.
import type { MessagePort } from 'node:worker_threads';
import type { Model } from '../simulator/model/schema';
import type { Plan } from '../simulator/plan/schema';

/** Test hook: worker `rank` throws (or its thread exits) when it reaches `step`. */
export interface FaultSpec {
  rank: number;
  step: number;
  kind: 'throw' | 'exit';
}

/** What a run's transport needs in every worker: the kind's name and its setup (see transports/). */
export interface TransportHandle {
  kind: string;
  setup: unknown;
}

export interface TrainTask {
  kind: 'train';
  rank: number;
  workers: number;
  /** The model file's content; each worker analyses it with the simulator, as the main thread did. */
  model: Model;
  plan: Plan;
  steps: number;
  seed: number;
  learningRate: number;
  momentum: number;
  backend: string;
  transport: TransportHandle;
  progress: MessagePort;
  fault?: FaultSpec;
  collectWeights: boolean;
  /** Validation loss and accuracy every this many steps and after the last (models with a real data set). */
  evaluateEvery?: number;
  /** End the run at the first validation that reaches the model's training.target. */
  stopAtTarget?: boolean;
}

export interface StepRecord {
  step: number;
  /** Shared-clock seconds (clock.ts) when this worker started and finished the step. */
  startSeconds: number;
  endSeconds: number;
  computeSeconds: number;
  communicationSeconds: number;
  waitingSeconds: number;
  /** This worker's share of the step's summed loss (the step's mean loss is Σ over workers / samples). */
  lossSum: number;
  bytesSent: number;
  /** Live tensors on this worker after the step (constant from step to step unless something leaks). */
  tensors: number;
  /** Tensor bytes held between the forward and backward passes (what recomputation saves; grid executor). */
  heldBytes?: number;
  /** Squared gradient norms of the data-parallel part before and after the all-reduce (noise scale). */
  gradients?: { smallSquares: number; largeSquares: number };
  /** Held-out loss and accuracy after this step, where it was evaluated. */
  validation?: { loss: number; accuracy: number };
}

export interface ReadyMessage {
  kind: 'ready';
  rank: number;
  backend: string;
  setupSeconds: number;
}
export interface StepMessage {
  kind: 'step';
  rank: number;
  record: StepRecord;
}
export interface FailedMessage {
  kind: 'failed';
  rank: number;
  /** The step being run, or null when the worker failed while setting up. */
  step: number | null;
  message: string;
  stack?: string;
}

/** The last message on a task's progress port: everything the worker reported has arrived. */
export interface DoneMessage {
  kind: 'done';
}

/** One parameter as a worker holds it: whole, or split units `range` along `splitAxis`. */
export interface ParamSlice {
  layer: string;
  param: string;
  shape: number[];
  splitAxis: number | null;
  range: [number, number] | null;
  data: Float32Array;
}

export interface TrainedMessage {
  kind: 'trained';
  rank: number;
  backend: string;
  /** Sum of squares of the weights this worker owns (whole ones only on worker 0). */
  squares: number;
  weights?: ParamSlice[];
}

/** Calibration: achieved FLOP/s of layer types, op overhead, peak matmul rate (runtime/calibrate.ts). */
export interface BenchComputeTask {
  kind: 'bench-compute';
  rank: number;
  backend: string;
  /** Models whose layers to time, forward and backward, at each of `batches` samples. */
  models: Model[];
  /** Several batch sizes: they separate per-call overhead, per-row cost and FLOP rate. */
  batches: number[];
  /**
   * Timed passes over every (layer, batch), interleaved: round r visits the batches in an order
   * rotated by r, so background load that comes and goes hits every batch and layer type alike.
   */
  rounds: number;
  /** First round index (rotation offset), so that successive tasks continue the rotation. */
  firstRound?: number;
  /** Untimed passes over every layer at the largest batch before the first round (default 1). */
  warmups?: number;
  progress: MessagePort;
}
export interface LayerTiming {
  type: string;
  layer: string;
  model: string;
  batch: number;
  flops: number;
  /** Median over rounds. */
  seconds: number;
  /** Each round's time, in round order. */
  rounds: number[];
}
export interface BenchComputeResult {
  kind: 'bench-compute-result';
  rank: number;
  backend: string;
  layers: LayerTiming[];
  /** Median over rounds, and each round's (a matmul is timed once per round, beside the layers). */
  matmulFlopsPerSecond: number;
  matmulRounds: number[];
  opOverheadSeconds: number;
  /** Packing and unpacking tensors for a transport (see calibrate-worker.ts). */
  hostCopyBytesPerSecond: number;
  /** The optimizer's update at several sizes. */
  updates: { parameters: number; seconds: number }[];
}

/** Calibration: point-to-point bandwidth and latency of a transport between workers 0 and 1. */
export interface BenchTransportTask {
  kind: 'bench-transport';
  rank: number;
  workers: number;
  transport: TransportHandle;
  sizesBytes: number[];
  repeats: number;
  progress: MessagePort;
}
export interface BenchTransportResult {
  kind: 'bench-transport-result';
  rank: number;
  /** One-way seconds per message size (worker 0's view), half of a measured round trip. */
  oneWaySeconds: { bytes: number; seconds: number }[];
}

/** Side of the square matmul taken as the backend's peak: the size DESIGN.md quotes (768², ~24 GFLOP/s here). */
export const PEAK_MATMUL_SIZE = 768;

/**
 * Calibration: how much slower worker 0 computes while the other workers do a collective's host
 * work than while they compute (device.interference). `flag` (an Int32Array over it) is how worker
 * 0 drives them: [0] = what they do (0 idle, 1 compute, 2 host work, 3 done); [1] = how many do it now.
 */
export interface BenchInterferenceTask {
  kind: 'bench-interference';
  rank: number;
  workers: number;
  backend: string;
  flag: SharedArrayBuffer;
  /** Interleaved pairs (one matmul beside the others' compute, one beside their host work), which goes first alternating. */
  pairs: number;
  progress: MessagePort;
}
export interface BenchInterferenceResult {
  kind: 'bench-interference-result';
  rank: number;
  /** Worker 0's matmul seconds beside the others' compute and beside their host work, pair by pair (empty on the others). */
  besideComputeSeconds: number[];
  besideCopySeconds: number[];
}

export type Message =
  | TrainTask
  | ReadyMessage
  | StepMessage
  | FailedMessage
  | DoneMessage
  | TrainedMessage
  | BenchComputeTask
  | BenchComputeResult
  | BenchTransportTask
  | BenchTransportResult
  | BenchInterferenceTask
  | BenchInterferenceResult;

export type Task = TrainTask | BenchComputeTask | BenchTransportTask | BenchInterferenceTask;
