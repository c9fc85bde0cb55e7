// The hardware file format (DESIGN.md "Hardware"): one device type, how many, how they are
// connected, and optionally an object store, function workers and prices. Every figure has its
// unit in its name; every block carries a `source` saying where its figures come from.
import { z } from 'zod';
import { posInt } from '../model/schema';
import { segmentProblem } from '../names';
import { duration, PHYSICAL, within } from './ranges';

const positive = z.number({ error: 'must be a positive number' }).positive({ error: 'must be a positive number' });
const nonNegative = z.number({ error: 'must be a non-negative number' }).nonnegative({ error: 'must be a non-negative number' });
const efficiencyValue = z.number({ error: 'must be a number in (0, 1]' }).gt(0, { error: 'must be a number in (0, 1]' }).max(1, { error: 'must be a number in (0, 1]' });
const bandwidth = within(PHYSICAL.bandwidthBytesPerSecond, 'B/s');
const flops = within(PHYSICAL.flops, 'FLOP/s');
/** A name that becomes part of a key or path (tune --store writes plans/<model>--<hardware>--….json). */
export const safeName = z.string().min(1, { error: 'must be a non-empty string', abort: true }).superRefine((s, ctx) => {
  const p = segmentProblem(s);
  if (p) ctx.addIssue({ code: 'custom', message: p });
});
const source = z.string({ error: 'must say where the figures come from' }).min(3, { error: 'must say where the figures come from' });

export const Device = z.strictObject({
  name: z.string().min(1),
  source,
  peakFlops: flops,
  /** Peaks at other precisions, e.g. { "fp16": 1.25e14 } for `precision: "mixed"` plans. */
  peakFlopsByPrecision: z.record(z.string(), flops).optional(),
  /**
   * Measured best matrix-multiply FLOP/s per data type (e.g. the maximum achievable matmul FLOPS
   * of a GEMM sweep); transformer layers' products run at this, bounded by memory bandwidth.
   */
  matmulFlopsByPrecision: z.record(z.string(), flops).optional(),
  /**
   * The product (M×N×K, 16-bit operands) on which `matmulFlopsByPrecision` was measured. Given it,
   * a product's time is its tensor-core time plus its memory time, not the larger of the two
   * (simulator/cost/kernels.ts), and the tensor-core rate is what that measurement leaves once
   * its own memory time is taken out. Absent: products on the roofline of the measured rate.
   */
  matmulMeasuredShape: z.strictObject({ m: z.number().int().positive(), n: z.number().int().positive(), k: z.number().int().positive() }).optional(),
  memoryBytes: within(PHYSICAL.memoryBytes, 'B'),
  memoryBandwidthBytesPerSecond: bandwidth.optional(),
  /**
   * Memory bandwidth a streaming kernel measurably reaches (below the datasheet's); memory-bound
   * kernels of transformer layers run at it (simulator/cost/kernels.ts). Absent: the datasheet's.
   */
  achievedMemoryBandwidthBytesPerSecond: bandwidth.optional(),
  /**
   * Rate at which attention's score path moves its [heads, s, s] score tensors — the batched
   * QKᵀ and P·V products' operands and outputs, softmax and dropout on the scores — derived from
   * a published timing of that path on this device (simulator/cost/standard-attention.ts).
   * Absent: the achieved (else the datasheet's) memory bandwidth.
   */
  scoreBandwidthBytesPerSecond: bandwidth.optional(),
  /**
   * Streaming multiprocessors (GPU), the width of one wave of matrix-multiply tiles: products
   * whose tiles do not fill whole waves run below the best rate (simulator/cost/gemm-shape.ts).
   * Absent: every product at the best rate.
   */
  multiprocessors: z.number().int().positive().optional(),
  /** Fraction of peak reached per layer type; `default` for the rest. */
  efficiency: z.record(z.string(), efficiencyValue).refine((e) => 'default' in e, { error: 'must have a "default" entry' }),
  /** Fixed cost of launching one kernel/op, added to every compute task (seconds). */
  opOverheadSeconds: duration().optional(),
  /**
   * Fixed cost of one forward or one backward call of a layer, by layer type (`default` for the
   * rest), replacing opOverheadSeconds for layers. A framework's per-call work (dispatch, im2col
   * set-up, small-matrix inefficiency) makes time affine in FLOPs: t = overhead + FLOPs / (peak ×
   * efficiency). `trainplan calibrate` fits both from two batch sizes.
   */
  callOverheadSeconds: z.record(z.string(), duration()).optional(),
  /**
   * Rate at which a worker copies tensors between its compute memory and the buffers a transport
   * sends from and receives into (packing, reshaping, summing what arrives), charged on the
   * worker's own stream for the bytes each collective makes it send and receive. Absent: the
   * collectives work in place, as NCCL does in GPU memory.
   */
  hostCopyBytesPerSecond: bandwidth.optional(),
  /**
   * Small batches run less efficiently (fixed work per call and per row that a batch amortises).
   * With this block, `efficiency[type]` is the large-batch efficiency and a call over b samples
   * reaches efficiency[type] × b / (b + halfBatch[type]) (types missing use `default`'s entry;
   * absent: efficiency is the same at every batch). `trainplan calibrate` fits it per type.
   */
  batchEfficiency: z.strictObject({ halfBatch: z.record(z.string(), nonNegative), source }).optional(),
  /**
   * Layers this device timed one by one (`trainplan calibrate` writes the layers of the models it
   * was asked to time), keyed by the layer's signature (simulator/cost/compute.ts layerSignature:
   * type, input and output shapes, FLOPs): a call of such a layer costs `overheadSeconds` (per
   * call) + its FLOPs / `rate`, instead of its type's curve. A type's one curve cannot hold the
   * spread of its layers' shapes (a 5×5 stride-2 convolution over 3 channels ran at 40% of the
   * rate of the 3×3 ones on the wasm backend).
   */
  measuredLayers: z.strictObject({
    layers: z.record(z.string(), z.strictObject({ overheadSeconds: duration(), rate: flops })),
    source,
  }).optional(),
  /**
   * Run-to-run spread of one worker's compute time in a step (docs/fidelity.md): `computeCv` is
   * its coefficient of variation. A synchronous step waits for the slowest of N workers, so the
   * expected step grows with N; `simulate --samples` reports the mean and a p10–p90 band.
   * `trainplan calibrate` writes it from the spread it measures. `sharedCv`: spread every
   * worker of a step shares (a shared machine's load slows them all alike): it widens the band
   * but makes no straggler (calibrate with 2 or more workers separates the two). `estimateCv`:
   * the uncertainty of the compute figures themselves (their relative standard error, from the
   * rounds they were measured in), which every prediction from this file carries on top of the
   * run's own spread: it widens the band like `sharedCv`.
   */
  variability: z.strictObject({ computeCv: nonNegative, sharedCv: nonNegative.optional(), estimateCv: nonNegative.optional(), source }).optional(),
  /**
   * Compute slowed while this worker's communication runs: collective kernels take SMs and
   * memory bandwidth on a GPU, copies take cores on a CPU. A compute task progresses at
   * 1 / (1 + computeSlowdown) of its rate for as long as a collective of its worker is in flight.
   */
  interference: z.strictObject({ computeSlowdown: nonNegative, source }).optional(),
  /**
   * 3×3 stride-1 convolutions (forward and both backward products) run `speedup` times faster
   * than their FLOP count at the conv2d efficiency: the library computes them with Winograd's
   * minimal filtering (Lavin & Gray 2016: F(2×2, 3×3) needs 2.25× fewer multiplications,
   * F(4×4, 3×3) 4×), less its transforms. Absent: 1 (direct or GEMM convolution, e.g.
   * cuda-convnet2, the wasm backend). At fp32 only: the figure comes from fp32 runs, and at
   * reduced precision libraries choose other algorithms. docs/fidelity.md says how the files'
   * figure was found.
   */
  winograd: z.strictObject({ speedup: z.number({ error: 'must be a number ≥ 1' }).min(1, { error: 'must be a number ≥ 1' }), source }).optional(),
});
export type Device = z.infer<typeof Device>;

/**
 * What carries a network level's collectives (docs/fidelity.md): sets the fraction of the link
 * rate and the launch cost a collective library achieves on it when the file has no
 * `collectives` block saying so itself (simulator/collectives/transports.ts, each with its source).
 */
export const Transport = z.enum(['nvlink', 'pcie', 'infiniband', 'roce', 'ethernet-tcp'], { error: 'must be one of nvlink, pcie, infiniband, roce, ethernet-tcp' });
export type Transport = z.infer<typeof Transport>;

const link = { bandwidthBytesPerSecond: bandwidth, latencySeconds: duration(), transport: Transport.optional() };
export const Level = z.strictObject({ ...link, name: z.string().optional() });

export const Network = z.discriminatedUnion(
  'topology',
  [
    z.strictObject({ topology: z.literal('switch'), ...link, source }),
    z.strictObject({ topology: z.literal('ring'), ...link, source }),
    /** Leaves in groups of `fanout` under a switch whose uplink to the root has `uplinkBandwidthBytesPerSecond`. */
    /** `rootBandwidthBytesPerSecond`: a shared root all traffic between groups crosses (absent: non-blocking root). */
    z.strictObject({ topology: z.literal('tree'), ...link, fanout: posInt.optional(), uplinkBandwidthBytesPerSecond: bandwidth.optional(), rootBandwidthBytesPerSecond: bandwidth.optional(), source }),
    /** Pairs of devices behind one PCIe switch share one uplink to the root complex. */
    z.strictObject({ topology: z.literal('pcie-pairs'), ...link, uplinkBandwidthBytesPerSecond: bandwidth.optional(), rootBandwidthBytesPerSecond: bandwidth.optional(), source }),
    z.strictObject({
      topology: z.literal('hierarchical'), groupSize: posInt,
      /**
       * Ports into the level-1 fabric per group, shared by its workers (a node's NICs): level 1's
       * bandwidth is per port. Absent: one port per worker (a NIC per GPU, as DGX H100). A node of
       * 8 GPUs behind one 100 Gb/s NIC is `portsPerGroup: 1` with the NIC's rate.
       */
      portsPerGroup: posInt.optional(),
      levels: z.array(Level).length(2, { error: 'must have exactly two levels (inside a group, between groups)' }), source,
    }),
  ],
  { error: (iss) => (iss.code === 'invalid_union' ? 'must be one of switch, ring, tree, pcie-pairs, hierarchical' : undefined) },
);
export type Network = z.infer<typeof Network>;

export const ObjectStore = z.strictObject({
  source,
  bandwidthBytesPerSecondPerWorker: bandwidth,
  requestLatencySeconds: duration(),
  putDollarsPerRequest: nonNegative,
  getDollarsPerRequest: nonNegative,
  aggregateBandwidthBytesPerSecond: bandwidth.optional(),
  /** How often a worker polls for an object it waits on (seconds). */
  pollIntervalSeconds: duration().optional(),
});
export type ObjectStore = z.infer<typeof ObjectStore>;

export const Functions = z.strictObject({
  source,
  memoryMB: positive,
  vcpus: positive,
  coldStartSeconds: duration(),
  maxDurationSeconds: positive,
  /** Time to checkpoint and re-invoke when a function reaches maxDurationSeconds. */
  checkpointSeconds: duration().optional(),
});

export const Price = z
  .strictObject({
    source,
    dollarsPerWorkerHour: positive.optional(),
    dollarsPerGBSecond: positive.optional(),
    dollarsPerRequest: nonNegative.optional(),
  })
  .refine((p) => p.dollarsPerWorkerHour !== undefined || p.dollarsPerGBSecond !== undefined, {
    error: 'needs dollarsPerWorkerHour or dollarsPerGBSecond',
  });

/**
 * Collectives as the libraries achieve them (docs/fidelity.md): NCCL, Gloo or MPI reach a
 * fraction of the link rate, and every call pays a fixed cost before the first byte moves.
 */
export const Collectives = z.strictObject({
  source,
  /**
   * Achieved bus bandwidth of a large collective as a fraction of each network level's link
   * bandwidth, one entry per level (flat networks: one; hierarchical: inside a group, between
   * groups). Applied to every transfer on that level (the transport, not only all-reduce).
   */
  bandwidthFraction: z.array(efficiencyValue).min(1).max(2).optional(),
  /**
   * Fixed time of one collective call before its first transfer (kernel launch, the library's
   * set-up, a framework's negotiation of which tensors are ready, e.g. Horovod's cycle).
   * With the per-transfer latency of the network this is the α of α–β: the message size at
   * which half the bandwidth is reached follows from it.
   */
  launchSeconds: nonNegative.optional(),
});
export type Collectives = z.infer<typeof Collectives>;

export const Hardware = z.strictObject({
  $schema: z.string().optional(),
  name: safeName,
  source,
  description: z.string().optional(),
  device: Device,
  workers: posInt,
  network: Network,
  objectStore: ObjectStore.optional(),
  functions: Functions.optional(),
  price: Price.optional(),
  /** Written by `trainplan calibrate`: these figures were measured on trainplan's own runtime (the
   *  backend named), so `tune` returns only plans `trainplan run` can execute. */
  runtime: z.strictObject({ backend: z.string().min(1) }).optional(),
  collectives: Collectives.optional(),
});
export type Hardware = z.infer<typeof Hardware>;
