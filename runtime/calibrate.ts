// `trainplan calibrate`, as a library call: microbenchmarks the local workers and describes them as
// a hardware file the simulator reads (simulator/hardware/schema.ts), so that predictions for this
// machine can be checked against runs on it.
import os from 'node:os';
import { parseHardware } from '../simulator/hardware/load';
import type { Hardware } from '../simulator/hardware/schema';
import { UserError, problem } from '../simulator/errors';
import type { Model } from '../simulator/model/schema';
import { chooseBackend } from './backends';
import { UPDATE_FLOPS_PER_PARAMETER } from '../simulator/cost/compute';
import { runOnWorkers } from './pool';
import type { BenchComputeResult, BenchTransportResult } from './protocol';
import { transportKind } from './transports';

export interface CalibrateOptions {
  backend?: string;
  /** Worker threads benchmarked together (they share the machine's cores, as in a run). */
  workers: number;
  /** Models whose layers are timed. */
  models: Model[];
  batch: number;
  repeats: number;
  transportSizesBytes: number[];
  onProgress?: (done: number, total: number) => void;
}

export const CALIBRATE_DEFAULTS = {
  workers: Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
  /** The batch per worker of the runs validate makes. */
  batch: 32,
  repeats: 3,
  /** From one float (latency) to 4 MiB (bandwidth; a mini-owt gradient is ~1 MB per ring step). */
  transportSizesBytes: [8, 1 << 16, 1 << 20, 4 << 20],
};

/** Layer types the zoo uses that mini-owt lacks, at small sizes, so every type gets an efficiency. */
export const MIX_MODELS: Model[] = [
  {
    name: 'calibration-mix-2d', source: 'trainplan calibrate: one layer of each 2D type at small sizes', input: [16, 16, 8],
    layers: [
      { name: 'c1', type: 'conv2d', filters: 16, kernel: 3, padding: 'same', activation: 'relu' },
      { name: 'dw', type: 'depthwiseConv2d', kernel: 3, padding: 'same', activation: 'relu' },
      { name: 'sep', type: 'separableConv2d', filters: 16, kernel: 3, padding: 'same' },
      { name: 'res', type: 'add', inputs: ['c1', 'sep'] },
      { name: 'bn', type: 'batchNorm', activation: 'relu' },
      { name: 'norm', type: 'lrn' },
      { name: 'ap', type: 'avgpool2d', size: 2 },
      { name: 'mp', type: 'maxpool2d', size: 2, inputs: ['norm'] },
      { name: 'cat', type: 'concat', inputs: ['ap', 'mp'] },
      { name: 'gap', type: 'globalAvgPool' },
      { name: 'drop', type: 'dropout', rate: 0.5 },
      { name: 'fc', type: 'dense', units: 10 },
      { name: 'prob', type: 'softmax' },
    ],
  },
  {
    name: 'calibration-mix-3d', source: 'trainplan calibrate: 3D layers at small sizes', input: [4, 8, 8, 3],
    layers: [
      { name: 'c3', type: 'conv3d', filters: 8, kernel: 3, padding: 'same', activation: 'relu' },
      { name: 'p3', type: 'maxpool3d', size: 2 },
      { name: 'flat', type: 'flatten' },
      { name: 'fc', type: 'dense', units: 10 },
    ],
  },
];

export interface Calibration {
  hardware: Hardware;
  /** Achieved FLOP/s per layer type (mean over workers), before division by the peak. */
  achievedFlopsPerSecond: Record<string, number>;
  backend: string;
}

export async function calibrate(o: CalibrateOptions): Promise<Calibration> {
  const chosen = await chooseBackend(o.backend);
  if (!chosen.ok) throw new UserError([problem('backend', chosen.reason)]);
  const backend = chosen.backend.name;
  const when = new Date().toISOString();

  o.onProgress?.(0, 2);
  const compute = await runOnWorkers<BenchComputeResult>(Array.from({ length: o.workers }, (_, rank) => ({
    kind: 'bench-compute' as const, rank, backend, models: o.models, batch: o.batch, smallBatch: smallBatchOf(o.batch), repeats: o.repeats,
  })));
  o.onProgress?.(1, 2);
  // The memory transport needs two threads even when one worker is calibrated.
  const tw = Math.max(2, o.workers);
  const kind = transportKind('memory')!;
  const setup = kind.setup(tw, { kind: 'memory' });
  const transport = await runOnWorkers<BenchTransportResult>(Array.from({ length: tw }, (_, rank) => ({
    kind: 'bench-transport' as const, rank, workers: tw, transport: { kind: 'memory', setup }, sizesBytes: o.transportSizesBytes, repeats: Math.max(5, o.repeats * 5),
  })));
  o.onProgress?.(2, 2);

  // Per type, time is affine in FLOPs: t = 2 calls × overhead + FLOPs / rate (one forward and one
  // backward call per timing). Least squares over every layer of the type at both batch sizes,
  // on each worker, averaged over workers.
  const types = new Set(compute.flatMap((c) => c.layers.filter((l) => l.flops > 0).map((l) => l.type)));
  const achieved: Record<string, number> = {};
  const callOverhead: Record<string, number> = {};
  for (const type of types) {
    const fits = compute.map((c) => fitAffine(c.layers.filter((l) => l.type === type && l.flops > 0)));
    achieved[type] = mean(fits.map((f) => f.rate));
    callOverhead[type] = mean(fits.map((f) => f.overhead)) / 2;
  }
  const all = compute.map((c) => fitAffine(c.layers.filter((l) => l.flops > 0)));
  const overall = mean(all.map((f) => f.rate));
  callOverhead.default = mean(all.map((f) => f.overhead)) / 2;
  const matmul = mean(compute.map((c) => c.matmulFlopsPerSecond));
  const peak = Math.max(matmul, ...Object.values(achieved));
  const efficiency: Record<string, number> = { default: round(overall / peak) };
  for (const [t, v] of Object.entries(achieved)) efficiency[t] = round(v / peak);
  // The weight update, as the simulator costs it: a call overhead plus 4 FLOPs per parameter.
  const upd = compute.map((c) => fitAffine(c.updates.map((u) => ({ flops: u.parameters * UPDATE_FLOPS_PER_PARAMETER, seconds: u.seconds }))));
  efficiency.update = round(mean(upd.map((f) => f.rate)) / peak);
  callOverhead.update = mean(upd.map((f) => f.overhead));
  const hostCopy = mean(compute.map((c) => c.hostCopyBytesPerSecond));

  const pts = transport[0].oneWaySeconds;
  const small = pts[0];
  const large = pts[pts.length - 1];
  const latencySeconds = small.seconds;
  const bandwidthBytesPerSecond = (large.bytes - small.bytes) / Math.max(1e-9, large.seconds - small.seconds);

  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const cores = os.cpus().length;
  const modelNames = o.models.map((m) => m.name).join(', ');
  const doc = {
    name: `local-${backend}-${o.workers}w`,
    source: `measured by trainplan calibrate on ${when} with backend ${backend}: ${o.workers} worker thread(s) on ${cpu} (${cores} cores), Node ${process.version}`,
    device: {
      name: `${backend} worker thread on ${cpu}`,
      source: `trainplan calibrate ${when}, backend ${backend}: peakFlops = a 768x768 matmul (or the fastest layer type if faster); efficiency and callOverheadSeconds = a least-squares fit of time = 2 × overhead + FLOPs / (peakFlops × efficiency) per layer type, each layer timed forward and backward at batches ${o.batch} and ${smallBatchOf(o.batch)} over the layers of ${modelNames}; opOverheadSeconds = one scalar add; update = the SGD-with-momentum update fitted the same way on 64 K to 2 M parameters; hostCopyBytesPerSecond = 2 × bytes / time to copy a tensor out, split and join its channels and copy it back in; memoryBytes = system memory / workers`,
      peakFlops: peak,
      memoryBytes: Math.floor(os.totalmem() / o.workers),
      efficiency,
      opOverheadSeconds: mean(compute.map((c) => c.opOverheadSeconds)),
      hostCopyBytesPerSecond: Number(hostCopy.toPrecision(4)),
      callOverheadSeconds: Object.fromEntries(Object.entries(callOverhead).map(([t, v]) => [t, Number(v.toPrecision(4))])),
    },
    workers: o.workers,
    network: {
      topology: 'switch' as const,
      bandwidthBytesPerSecond,
      latencySeconds,
      source: `trainplan calibrate ${when}: memory transport (SharedArrayBuffer rings) between two worker threads; latency = one-way time of an ${small.bytes}-byte message, bandwidth from ${small.bytes} to ${large.bytes} bytes; median of round trips / 2`,
    },
    runtime: { backend },
  };
  const parsed = parseHardware(doc);
  if (!parsed.ok) throw new Error(`calibrate produced an invalid hardware file: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return { hardware: parsed.value, achievedFlopsPerSecond: achieved, backend };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / Math.max(1, xs.length);
/** Efficiencies to 4 significant digits, clamped into the schema's (0, 1]. */
const round = (x: number) => Math.min(1, Math.max(1e-4, Number(x.toPrecision(4))));

/** The second calibration batch: small, as pipeline micro-batches are. */
export const smallBatchOf = (batch: number): number => Math.max(1, Math.floor(batch / 8));

/**
 * Least-squares line t = overhead + flops / rate through (flops, seconds) points, with the
 * overhead kept ≥ 0 (a negative one is noise: the line is then refitted through the origin).
 */
export function fitAffine(points: { flops: number; seconds: number }[]): { overhead: number; rate: number } {
  const n = points.length;
  const through0 = () => ({ overhead: 0, rate: sum(points.map((p) => p.flops)) / Math.max(1e-12, sum(points.map((p) => p.seconds))) });
  if (n < 2) return through0();
  const mx = mean(points.map((p) => p.flops));
  const my = mean(points.map((p) => p.seconds));
  const sxx = sum(points.map((p) => (p.flops - mx) ** 2));
  if (sxx === 0) return through0();
  const slope = sum(points.map((p) => (p.flops - mx) * (p.seconds - my))) / sxx;
  const intercept = my - slope * mx;
  if (!(slope > 0) || intercept < 0) return through0();
  return { overhead: intercept, rate: 1 / slope };
}
