// The worker side of `trainplan calibrate`: times layers forward and backward on this thread's
// backend, a large matmul (the backend's practical peak) and an empty op (its fixed overhead),
// and round trips through a transport.
import * as tf from '@tensorflow/tfjs-core';
import { unwrap } from '../simulator/errors';
import { parseModel } from '../simulator/model/analyze';
import { activateBackend } from './backends';
import { now } from './clock';
import { barrier } from './collectives/direct';
import { headOf, Part } from './model/network';
import { BYTE_VOCABULARY } from './model/text';
import { isLanguageModel } from './executors/grid-plan';
import { MODEL_INPUT } from '../simulator/model/analyze';
import { record } from './model/tape';
import { Sgd } from './model/optimizer';
import { writeValues } from './executors/pack';
import { squaredNorm } from './noise-scale';
import { addInto } from './collectives/chunks';
import { PEAK_MATMUL_SIZE } from './protocol';
import type { BenchComputeResult, BenchComputeTask, BenchInterferenceResult, BenchInterferenceTask, BenchTransportResult, BenchTransportTask, LayerTiming } from './protocol';
import { transportKind } from './transports';
import { median } from 'simple-statistics';

/** Median seconds of `f` over `repeats` runs after one warm-up run. */
export function timeIt(f: () => void, repeats: number): number {
  f();
  const ts: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    f();
    ts.push((performance.now() - t0) / 1000);
  }
  return median(ts);
}

/** Seconds of one n×n matmul (read back to the host, so the time includes finishing it). */
function matmulSeconds(n = PEAK_MATMUL_SIZE): number {
  const [a, b] = [tf.randomUniform([n, n]), tf.randomUniform([n, n])];
  const t0 = performance.now();
  const c = tf.matMul(a, b);
  c.dataSync();
  const s = (performance.now() - t0) / 1000;
  tf.dispose([a, b, c]);
  return s;
}

/** FLOP/s of one n×n matmul (calibration rounds take the median over rounds). */
export function matmulFlopsPerSecond(n = PEAK_MATMUL_SIZE): number {
  return (2 * n ** 3) / matmulSeconds(n);
}

export function opOverheadSeconds(repeats: number): number {
  const a = tf.scalar(1);
  const OPS = 100;
  const s = timeIt(() => {
    for (let i = 0; i < OPS; i++) tf.add(a, a).dispose();
  }, repeats);
  a.dispose();
  return s / OPS;
}

/** Tensor sizes (floats) at which host copies and updates are timed: 64 K to 2 M values. */
const COPY_SIZES = [1 << 16, 1 << 19, 1 << 21];

/**
 * What a worker does around a collective, per byte, as the data-parallel step does it around its
 * all-reduce (executors/segmented.ts): the gradients' values copied out into one flat vector
 * (writeValues), the noise-scale norm over it, a peer's half summed into it (two workers'
 * reduce-scatter), the norm again, the sum copied back into a tensor. The simulator charges that as
 * two passes (pack and unpack) over the bytes, so the rate is 2 × bytes / time. A first version
 * timed model parallelism's layout change instead (dataSync, split the channels and join them): ~3×
 * slower per byte than this path, it charged mini-owt's two-worker step 14 ms for ~6 ms of work.
 * Model-parallel exchanges, whose activations are small beside the gradients here, are charged at
 * this rate too.
 */
export function hostCopyBytesPerSecond(repeats: number): number {
  const rates = COPY_SIZES.map((n) => {
    const work = hostWork(n);
    const s = timeIt(work.run, repeats);
    work.dispose();
    return (2 * 4 * n) / s;
  });
  return median(rates);
}

/** The data step's host work around its all-reduce on `n` floats, as one repeatable call (hostCopyBytesPerSecond says what it does). */
function hostWork(n: number): { run: () => void; dispose: () => void } {
  const x = tf.randomUniform([n]);
  const flat = new Float32Array(n);
  const peer = new Float32Array(n / 2).fill(1);
  return {
    run: () => {
      writeValues([x], flat);
      squaredNorm(flat);
      addInto(flat.subarray(0, n / 2), peer);
      squaredNorm(flat);
      tf.tensor(flat, [n]).dispose();
    },
    dispose: () => x.dispose(),
  };
}

/** The optimizer's update, timed on variables of several sizes: (parameters, seconds) points. */
export function updateTimings(repeats: number): { parameters: number; seconds: number }[] {
  return COPY_SIZES.map((n) => {
    const w = tf.variable(tf.randomUniform([n]));
    const g = tf.randomUniform([n]);
    const sgd = new Sgd();
    const seconds = timeIt(() => {
      sgd.apply([w], [g]);
      w.dataSync();
    }, repeats);
    sgd.dispose();
    tf.dispose([w, g]);
    return { parameters: n, seconds };
  });
}

/** `xs` rotated left by `k`: round k of an interleaved calibration visits them in this order. */
export function rotate<T>(xs: T[], k: number): T[] {
  const n = xs.length;
  if (n === 0) return [];
  const s = ((k % n) + n) % n;
  return [...xs.slice(s), ...xs.slice(0, s)];
}

/**
 * Gives every variable its own values as a new tensor, as an optimiser step does (Sgd and Adam
 * assign new tensors). A training step runs each layer on weights written since its last call, and
 * a backend may do per-weight work again for new weights: tfjs-backend-wasm caches its XNNPACK
 * matrix-product and convolution operators by the weight tensor's id, packing the weights when
 * the operator is made. Timed on the same weights call after call, mini-owt's layers missed
 * ~9 ms of that per step at every batch (fc7's 1 M weights alone ~5 ms), 12% of a step at batch 8:
 * measured forward passes of the whole model, 12.6 ms on unchanged weights and 22.0 ms after an
 * optimiser step, batch 8, one wasm thread here.
 */
export function rewriteWeights(vars: tf.Variable[]): void {
  tf.tidy(() => {
    for (const v of vars) v.assign(tf.mul(v, 1));
  });
}

/** Repetitions of the small fixed-cost figures (op overhead, host copies, updates): their medians. */
const SMALL_REPEATS = 3;

export async function benchCompute(task: BenchComputeTask): Promise<BenchComputeResult> {
  const backend = await activateBackend(task.backend);
  // Every layer of every model, each a Part of its own holding its weights (made once, reused at every batch).
  const cases = task.models.flatMap((raw) => {
    const model = unwrap(parseModel(raw));
    const head = headOf(model);
    const ids = isLanguageModel(model);
    return model.order.filter((li) => !head.excluded.has(li)).map((li) => ({ model, li, ids, info: model.layers[li], part: new Part(model, [li], { seed: 1, head }) }));
  });
  const timeOnce = (c: (typeof cases)[number], batch: number): number => {
    const ctx = { training: true, seed: 1, step: 0, samples: Array.from({ length: batch }, (_, i) => i) };
    // A language model's input is token ids: random bytes (the runtime's vocabulary), not floats.
    const inputs = c.info.inputShapes.map((s, k) => (c.ids && c.info.inputs[k] === MODEL_INPUT ? tf.randomUniform([batch, ...s], 0, BYTE_VOCABULARY, 'int32') : tf.randomUniform([batch, ...s], -1, 1)));
    const dy = tf.randomUniform([batch, ...c.info.outputShape], -1, 1);
    const xs = [...(c.info.needsInputGradient ? inputs : []), ...c.part.variables];
    rewriteWeights(c.part.variables);
    const t0 = performance.now();
    const rec = record(() => c.part.forwardLayer(c.li, inputs, ctx));
    const grads = xs.length ? rec.backward(dy, xs) : (rec.dispose(), []);
    // A synchronous backend has finished its kernels when they return. Reading the gradients
    // back would time a copy to the host that a training step does not make (the simulator costs
    // the copies collectives make as host copies, hostCopyBytesPerSecond): only an asynchronous
    // backend needs them read to know the kernels finished.
    if (!backend.synchronous) for (const g of grads) g?.dataSync();
    const seconds = (performance.now() - t0) / 1000;
    tf.dispose([rec.y, ...grads.filter((g): g is tf.Tensor => g !== null), ...inputs, dy]);
    return seconds;
  };
  // Warm-up: the first call of a kernel compiles it, and the first call at a batch larger than any
  // before grows the backend's memory (a WebAssembly heap grows and its new pages are touched for
  // the first time). A training run pays both in its warm-up steps, which it does not measure; so
  // every layer is called once at the largest batch, which grows the memory to what every timed call needs.
  const largest = Math.max(...task.batches);
  for (let w = 0; w < (task.warmups ?? 1); w++) for (const c of cases) timeOnce(c, largest);
  matmulSeconds();

  const times = new Map<string, number[]>();
  const matmulRounds: number[] = [];
  const first = task.firstRound ?? 0;
  for (let r = first; r < first + task.rounds; r++) {
    matmulRounds.push(matmulFlopsPerSecond());
    for (const batch of rotate(task.batches, r))
      for (const c of rotate(cases, r)) {
        const key = `${c.info.name}@${c.model.model.name}@${batch}`;
        times.set(key, [...(times.get(key) ?? []), timeOnce(c, batch)]);
      }
  }
  const layers: LayerTiming[] = [];
  for (const batch of task.batches)
    for (const c of cases) {
      const rounds = times.get(`${c.info.name}@${c.model.model.name}@${batch}`)!;
      const flops = batch * (c.info.forwardFlops + c.info.backwardWeightFlops + (c.info.needsInputGradient ? c.info.backwardInputFlops : 0));
      layers.push({ type: c.info.type, layer: c.info.name, model: c.model.model.name, batch, flops, seconds: median(rounds), rounds });
    }
  for (const c of cases) c.part.dispose();
  return {
    kind: 'bench-compute-result', rank: task.rank, backend: backend.name, layers,
    matmulFlopsPerSecond: median(matmulRounds), matmulRounds,
    opOverheadSeconds: opOverheadSeconds(SMALL_REPEATS), hostCopyBytesPerSecond: hostCopyBytesPerSecond(SMALL_REPEATS), updates: updateTimings(SMALL_REPEATS),
  };
}

/** Worker 0 bounces messages of each size off worker 1; the others only join the barriers. */
export async function benchTransport(task: BenchTransportTask): Promise<BenchTransportResult> {
  const kind = transportKind(task.transport.kind);
  if (!kind) throw new Error(`unknown transport ${task.transport.kind}`);
  const t = kind.open(task.transport.setup, task.rank, task.workers);
  await barrier(t, 'start');
  const oneWaySeconds: { bytes: number; seconds: number }[] = [];
  for (const bytes of task.sizesBytes) {
    const data = new Uint8Array(bytes);
    const times: number[] = [];
    for (let i = -2; i < task.repeats; i++) {
      const tag = `${bytes}/${i}`;
      if (task.rank === 0) {
        const t0 = now();
        await t.send(1, tag, data);
        t.release?.(await t.recv(1, tag));
        if (i >= 0) times.push((now() - t0) / 2);
      } else if (task.rank === 1) {
        const got = await t.recv(0, tag);
        await t.send(0, tag, got);
        t.release?.(got);
      }
    }
    if (task.rank === 0) oneWaySeconds.push({ bytes, seconds: median(times) });
  }
  await barrier(t, 'end');
  await t.close();
  return { kind: 'bench-transport-result', rank: task.rank, oneWaySeconds };
}

/** Floats of the host work the other workers repeat while worker 0 computes: mini-owt's gradients at two workers are ~1 M. */
const INTERFERENCE_FLOATS = 1 << 20;
/** How long worker 0 waits for the others to start or stop (a matmul or a host-work pass is ~0.1 s). */
const PEERS_ANSWER_MS = 60_000;
/** The others' states ([0] of the shared flag). */
const IDLE = 0;
const COMPUTING = 1;
const COPYING = 2;
const DONE = 3;

/**
 * Interference on a CPU: a worker's collective is host work (copies, norms, sums) on the cores
 * and memory its peers compute with. The layer rates were timed with every worker computing at
 * once, so the baseline is worker 0's peak matmul while the others compute too (the same matmul
 * in a loop); the other arm is the same matmul while they repeat the data step's host work.
 * Interleaved pairs; between samples the others wait on the shared flag without spinning.
 */
export async function benchInterference(task: BenchInterferenceTask): Promise<BenchInterferenceResult> {
  const flag = new Int32Array(task.flag);
  const peers = task.workers - 1;
  await activateBackend(task.backend);
  const besideComputeSeconds: number[] = [];
  const besideCopySeconds: number[] = [];
  if (task.rank !== 0) {
    const work = hostWork(INTERFERENCE_FLOATS);
    work.run();
    matmulSeconds();
    for (;;) {
      Atomics.wait(flag, 0, IDLE);
      const state = Atomics.load(flag, 0);
      if (state === DONE) break;
      if (state === IDLE) continue;
      Atomics.add(flag, 1, 1);
      while (Atomics.load(flag, 0) === state) state === COPYING ? work.run() : matmulSeconds();
      Atomics.sub(flag, 1, 1);
    }
    work.dispose();
    return { kind: 'bench-interference-result', rank: task.rank, besideComputeSeconds, besideCopySeconds };
  }
  /** Sets the others' state and waits until they all run it (or, for IDLE, all stopped). */
  const setPeers = (state: number) => {
    Atomics.store(flag, 0, state);
    Atomics.notify(flag, 0);
    const want = state === IDLE ? 0 : peers;
    const deadline = performance.now() + PEERS_ANSWER_MS;
    while (Atomics.load(flag, 1) !== want) {
      if (performance.now() > deadline) throw new Error(`calibrate: the other ${peers} worker(s) did not answer the interference benchmark within ${PEERS_ANSWER_MS / 1000} s`);
      Atomics.wait(flag, 1, Atomics.load(flag, 1), 1);
    }
  };
  try {
    matmulSeconds();
    for (let i = 0; i < task.pairs; i++)
      for (const copying of i % 2 ? [true, false] : [false, true]) {
        setPeers(copying ? COPYING : COMPUTING);
        (copying ? besideCopySeconds : besideComputeSeconds).push(matmulSeconds());
        setPeers(IDLE);
      }
  } finally {
    Atomics.store(flag, 0, DONE);
    Atomics.notify(flag, 0);
  }
  return { kind: 'bench-interference-result', rank: 0, besideComputeSeconds, besideCopySeconds };
}
