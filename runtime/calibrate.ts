// `trainplan calibrate`, as a library call: microbenchmarks the local workers and describes them as
// a hardware file the simulator reads (simulator/hardware/schema.ts), so that predictions for this
// machine can be checked against runs on it.
import os from 'node:os';
import { parseHardware } from '../simulator/hardware/load';
import type { Hardware } from '../simulator/hardware/schema';
import { UserError, problem } from '../simulator/errors';
import type { Model } from '../simulator/model/schema';
import { chooseBackend } from './backends';
import { layerSignature, UPDATE_FLOPS_PER_PARAMETER } from '../simulator/cost/compute';
import { analyzeModel } from '../simulator/model/analyze';
import { runOnWorkers } from './pool';
import { PEAK_MATMUL_SIZE } from './protocol';
import type { BenchComputeResult, BenchInterferenceResult, BenchTransportResult, LayerTiming } from './protocol';
import { transportKind } from './transports';
import { BatchCurve, fitBatchCurve, mean, medianError, pooledCv, Spread, spreadOf } from './calibrate-fit';
import { median } from 'simple-statistics';

export interface CalibrateOptions {
  backend?: string;
  /** Worker threads benchmarked together (they share the machine's cores, as in a run). */
  workers: number;
  /** Models whose layers are timed. */
  models: Model[];
  /** Batch sizes every layer is timed at (the batch curve is fitted over them). */
  batches: number[];
  /** Interleaved timed rounds over every (layer, batch). */
  rounds: number;
  transportSizesBytes: number[];
  onProgress?: (done: number, total: number) => void;
}

export const CALIBRATE_DEFAULTS = {
  workers: Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
  /**
   * From the small batches of pipeline micro-batches to the large ones a tuner picks, four to the
   * decade-and-a-half: the curve is fitted over them (runtime/calibrate-fit.ts).
   */
  batches: [8, 32, 128, 512],
  /** Five rounds: a median and a p10–p90 that one busy round cannot move far. */
  rounds: 5,
  /** From one float (latency) to 4 MiB (bandwidth; a mini-owt gradient is ~1 MB per ring step). */
  transportSizesBytes: [8, 1 << 16, 1 << 20, 4 << 20],
};

/**
 * Above this coefficient of variation over rounds, calibrate warns: the figures then depend on
 * when they were taken, and the band drawn from them is wider than the 10% error validate aims at.
 */
export const SPREAD_WARN_CV = 0.1;

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

export interface TypeCalibration {
  /** The fitted batch curve (runtime/calibrate-fit.ts). */
  curve: BatchCurve;
  /** This type's achieved FLOP/s in each round (all its layers and batches together), over rounds and workers. */
  rate: Spread;
}

export interface Calibration {
  hardware: Hardware;
  /** Achieved FLOP/s per layer type at large batches (the curve's saturated rate), before division by the peak. */
  achievedFlopsPerSecond: Record<string, number>;
  types: Record<string, TypeCalibration>;
  /** Pooled coefficient of variation of a step's compute (the timed models' layers summed) over rounds. */
  computeCv: number;
  /** One line per figure whose spread exceeds SPREAD_WARN_CV. */
  warnings: string[];
  backend: string;
}

/** Every layer timed at every batch on each of `workers` threads together, over `rounds` interleaved rounds. */
export async function benchComputeRounds(o: { backend: string; workers: number; models: Model[]; batches: number[]; rounds: number; firstRound?: number; warmups?: number }): Promise<BenchComputeResult[]> {
  return runOnWorkers<BenchComputeResult>(Array.from({ length: o.workers }, (_, rank) => ({
    kind: 'bench-compute' as const, rank, backend: o.backend, models: o.models, batches: o.batches, rounds: o.rounds, firstRound: o.firstRound, warmups: o.warmups,
  })));
}

/** Point-to-point times of the memory transport (two threads even when one worker is calibrated). */
export async function benchMemoryTransport(workers: number, sizesBytes: number[], repeats: number): Promise<BenchTransportResult> {
  const tw = Math.max(2, workers);
  const kind = transportKind('memory')!;
  const setup = kind.setup(tw, { kind: 'memory' });
  const r = await runOnWorkers<BenchTransportResult>(Array.from({ length: tw }, (_, rank) => ({
    kind: 'bench-transport' as const, rank, workers: tw, transport: { kind: 'memory', setup }, sizesBytes, repeats,
  })));
  return r[0];
}

/** Pairs of matmuls (the others computing, the others copying) behind device.interference: ~0.1 s each. */
export const INTERFERENCE_PAIRS = 20;

/**
 * Worker 0's compute while the other `workers − 1` threads compute too and while they do a
 * collective's host work (calibrate-worker.ts benchInterference); undefined for one worker, which
 * has no collective.
 */
export async function benchInterference(backend: string, workers: number, pairs = INTERFERENCE_PAIRS): Promise<BenchInterferenceResult | undefined> {
  if (workers < 2) return undefined;
  const flag = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const r = await runOnWorkers<BenchInterferenceResult>(Array.from({ length: workers }, (_, rank) => ({
    kind: 'bench-interference' as const, rank, workers, backend, flag, pairs,
  })));
  return r[0];
}

/**
 * device.interference from a measurement: the median over pairs of (matmul beside the others'
 * host work) / (matmul beside their compute) − 1, at least 0 (the rates were timed beside their
 * compute, so that is what a collective changes); the ratios' p10–p90 say how sure it is.
 */
export function interferenceOf(r: BenchInterferenceResult | undefined, when: string): { computeSlowdown: number; source: string } {
  if (!r || !r.besideComputeSeconds.length) {
    return { computeSlowdown: 0, source: `trainplan calibrate ${when}: one worker makes no collective, so nothing runs beside its compute (calibrate two or more workers to measure it)` };
  }
  const ratios = r.besideComputeSeconds.map((q, i) => r.besideCopySeconds[i] / q);
  const s = spreadOf(ratios);
  const pct = (x: number) => `${(100 * (x - 1)).toFixed(1)}%`;
  return {
    computeSlowdown: Number(Math.max(0, s.median - 1).toPrecision(2)),
    source: `trainplan calibrate ${when}: a worker's collectives are host work (copies, norms, sums) on the cores and memory its peers compute with. Worker 0's ${PEAK_MATMUL_SIZE}×${PEAK_MATMUL_SIZE} matmul timed while the other worker thread(s) repeated the data step's host work around an all-reduce (4 MB), against the same matmul while they computed (as when the layers were timed): ${ratios.length} interleaved pairs, median slowdown ${pct(s.median)} (p10–p90 ${pct(s.p10)} to ${pct(s.p90)}), taken as at least 0`,
  };
}

/** The rounds of `more` appended to those of `base`, worker by worker (medians recomputed). */
export function mergeRounds(base: BenchComputeResult[], more: BenchComputeResult[]): BenchComputeResult[] {
  return base.map((b, w) => {
    const m = more[w];
    const layers = b.layers.map((l, i) => {
      const rounds = [...l.rounds, ...m.layers[i].rounds];
      return { ...l, rounds, seconds: median(rounds) };
    });
    const matmulRounds = [...b.matmulRounds, ...m.matmulRounds];
    return { ...m, layers, matmulRounds, matmulFlopsPerSecond: median(matmulRounds) };
  });
}

export async function calibrate(o: CalibrateOptions): Promise<Calibration> {
  const chosen = await chooseBackend(o.backend);
  if (!chosen.ok) throw new UserError([problem('backend', chosen.reason)]);
  const backend = chosen.backend.name;
  const when = new Date().toISOString();
  o.onProgress?.(0, 2);
  const compute = await benchComputeRounds({ backend, workers: o.workers, models: o.models, batches: o.batches, rounds: o.rounds });
  o.onProgress?.(1, 2);
  const transport = await benchMemoryTransport(o.workers, o.transportSizesBytes, Math.max(5, o.rounds * 3));
  const interference = await benchInterference(backend, o.workers);
  o.onProgress?.(2, 2);
  return describeCalibration(compute, transport, { backend, workers: o.workers, models: o.models, batches: o.batches, when, interference });
}

/** The hardware file, curves and spreads that the benchmarks' timings make (no measuring here). */
export function describeCalibration(
  compute: BenchComputeResult[], transport: BenchTransportResult,
  meta: { backend: string; workers: number; models: Model[]; batches: number[]; when: string; interference?: BenchInterferenceResult },
): Calibration {
  const { backend, when } = meta;
  const rounds = compute[0].layers[0]?.rounds.length ?? 0;
  const layers = compute.flatMap((c) => c.layers.filter((l) => l.flops > 0));
  const types = [...new Set(layers.map((l) => l.type))];
  // Each layer weighs its share of its model's step at its batch on its worker (CurvePoint.weight).
  const stepSeconds = new Map<string, number>();
  const stepKey = (rank: number, l: LayerTiming) => `${rank}/${l.model}/${l.batch}`;
  compute.forEach((c) => c.layers.forEach((l) => stepSeconds.set(stepKey(c.rank, l), (stepSeconds.get(stepKey(c.rank, l)) ?? 0) + l.seconds)));
  const points = compute.flatMap((c) => c.layers.filter((l) => l.flops > 0).map((l) => ({ ...l, weight: l.seconds / stepSeconds.get(stepKey(c.rank, l))! })));
  // A type is fitted to the layers of the models asked for where they have it: the calibration
  // mixes (small layers of every type, which run less efficiently) only stand in for types those
  // models lack. Pooled with them, mini-owt's convolutions were predicted 12% slower than timed.
  const mixes = new Set(MIX_MODELS.map((m) => m.name));
  const ofType = (type: string) => {
    const all = points.filter((l) => l.type === type);
    const asked = all.filter((l) => !mixes.has(l.model));
    return asked.length ? asked : all;
  };
  const fitted: Record<string, BatchCurve> = {};
  for (const type of types) fitted[type] = fitBatchCurve(ofType(type));
  const asked = meta.models.filter((m) => !mixes.has(m.name));
  const measuredLayers = layerCurves(points.filter((l) => !mixes.has(l.model)), asked);
  fitted.default = fitBatchCurve(points);

  const matmul = median(compute.flatMap((c) => c.matmulRounds));
  const peak = Math.max(matmul, ...types.map((t) => fitted[t].rate));
  const efficiency: Record<string, number> = {};
  const halfBatch: Record<string, number> = {};
  const callOverhead: Record<string, number> = {};
  for (const [t, c] of Object.entries(fitted)) {
    efficiency[t] = round(c.rate / peak);
    halfBatch[t] = Number(c.halfBatch.toPrecision(4));
    // The fitted overhead is per timed pair of calls (forward and backward); the simulator charges it per call.
    callOverhead[t] = Number((c.overheadSeconds / 2).toPrecision(4));
  }
  // The weight update, as the simulator costs it: a call overhead plus 4 FLOPs per parameter.
  const upd = compute.map((c) => fitAffine(c.updates.map((u) => ({ flops: u.parameters * UPDATE_FLOPS_PER_PARAMETER, seconds: u.seconds }))));
  efficiency.update = round(mean(upd.map((f) => f.rate)) / peak);
  callOverhead.update = Number(mean(upd.map((f) => f.overhead)).toPrecision(4));
  const hostCopy = mean(compute.map((c) => c.hostCopyBytesPerSecond));

  // Spread: each type's rate in each round on each worker; a step's compute (the timed models'
  // layers, calibration mixes left out) per worker and batch over rounds.
  const typeCal: Record<string, TypeCalibration> = {};
  for (const type of types) {
    const perRound = compute.flatMap((c) => {
      const ls = c.layers.filter((l) => l.type === type && l.flops > 0);
      const f = sum(ls.map((l) => l.flops));
      return Array.from({ length: rounds }, (_, k) => f / sum(ls.map((l) => l.rounds[k])));
    });
    typeCal[type] = { curve: fitted[type], rate: spreadOf(perRound) };
  }
  const stepModels = meta.models.some((m) => !mixes.has(m.name)) ? new Set(meta.models.filter((m) => !mixes.has(m.name)).map((m) => m.name)) : new Set(meta.models.map((m) => m.name));
  const series = compute.flatMap((c) => meta.batches.map((b) => {
    const ls = c.layers.filter((l) => l.batch === b && stepModels.has(l.model));
    return Array.from({ length: rounds }, (_, k) => sum(ls.map((l) => l.rounds[k])));
  }));
  // Over rounds, a worker's step varies by load that hits every worker alike and by its own
  // noise; only its own makes stragglers. With two or more workers timed at once, the spread
  // across workers within a round is their own (computeCv), the rest is shared (sharedCv).
  // One worker cannot tell them apart: all of it is its own, which on one worker changes nothing.
  const totalCv = pooledCv(series);
  const withinRounds = meta.workers > 1 ? meta.batches.flatMap((b) => Array.from({ length: rounds }, (_, k) => compute.map((c) => sum(c.layers.filter((l) => l.batch === b && stepModels.has(l.model)).map((l) => l.rounds[k]))))) : [];
  const computeCv = meta.workers > 1 ? Math.min(totalCv, pooledCv(withinRounds)) : totalCv;
  const sharedCv = Math.sqrt(Math.max(0, totalCv ** 2 - computeCv ** 2));
  // The figures are medians over the rounds, so they carry an error of their own, which every
  // prediction from them shares: the shared part averages over the rounds, a worker's own also
  // over the workers.
  const estimateCv = Math.hypot(medianError(sharedCv, rounds), medianError(computeCv, rounds * meta.workers));
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const spreadTypes = types.filter((t) => typeCal[t].rate.cv > SPREAD_WARN_CV);
  const warnings = [
    ...(spreadTypes.length ? [`achieved rates varied over rounds by more than ${pct(SPREAD_WARN_CV)} (CV) for ${spreadTypes.map((t) => `${t} ${pct(typeCal[t].rate.cv)}`).join(', ')}: the machine was busy while it was measured`] : []),
    ...(totalCv > SPREAD_WARN_CV ? [`a step's compute varied by ${pct(totalCv)} (CV) over rounds: predictions carry a wide band; calibrate again on a quieter machine or with more --rounds`] : []),
  ];

  const pts = transport.oneWaySeconds;
  const small = pts[0];
  const large = pts[pts.length - 1];
  const latencySeconds = small.seconds;
  const bandwidthBytesPerSecond = (large.bytes - small.bytes) / Math.max(1e-9, large.seconds - small.seconds);

  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const cores = os.cpus().length;
  const modelNames = meta.models.map((m) => m.name).join(', ');
  const how = `${rounds} interleaved rounds (batch order and layer order rotated each round) on ${meta.workers} worker thread(s) at once, batches ${meta.batches.join(', ')}, over the layers of ${modelNames}`;
  const doc = {
    name: `local-${backend}-${meta.workers}w`,
    source: `measured by trainplan calibrate on ${when} with backend ${backend}: ${meta.workers} worker thread(s) on ${cpu} (${cores} cores), Node ${process.version}`,
    device: {
      name: `${backend} worker thread on ${cpu}`,
      source: `trainplan calibrate ${when}, backend ${backend}: peakFlops = a 768x768 matmul, median of the rounds (or the fastest layer type if faster); efficiency (at large batch), batchEfficiency and callOverheadSeconds = per layer type, a weighted least-squares fit of time = 2 × overhead + FLOPs / (peakFlops × efficiency) × (1 + halfBatch / batch) to the median time of each layer forward and backward, ${how}; opOverheadSeconds = one scalar add; update = the SGD-with-momentum update fitted as time = overhead + FLOPs / rate on 64 K to 2 M parameters; hostCopyBytesPerSecond = 2 × bytes / time of the data-parallel step's host work around its all-reduce (values out into a flat vector, a norm, a peer's half summed in, the norm again, the sum back into a tensor); memoryBytes = system memory / workers`,
      peakFlops: peak,
      memoryBytes: Math.floor(os.totalmem() / meta.workers),
      efficiency,
      batchEfficiency: { halfBatch, source: `trainplan calibrate ${when}: rate(b) = rate(∞) × b / (b + halfBatch), fitted per layer type to ${how}` },
      opOverheadSeconds: mean(compute.map((c) => c.opOverheadSeconds)),
      hostCopyBytesPerSecond: Number(hostCopy.toPrecision(4)),
      callOverheadSeconds: callOverhead,
      ...(Object.keys(measuredLayers).length ? {
        measuredLayers: {
          layers: measuredLayers,
          source: `trainplan calibrate ${when}: each layer of ${asked.map((m) => m.name).join(', ')} fitted on its own to time = 2 × overhead + FLOPs / rate over its median times at batches ${meta.batches.join(', ')}, ${how}`,
        },
      } : {}),
      variability: {
        computeCv: Number(computeCv.toPrecision(3)),
        ...(sharedCv > 0 ? { sharedCv: Number(sharedCv.toPrecision(3)) } : {}),
        ...(estimateCv > 0 ? { estimateCv: Number(estimateCv.toPrecision(3)) } : {}),
        source: `trainplan calibrate ${when}: pooled coefficient of variation over ${rounds} interleaved rounds of one worker's summed layer times (forward and backward) of ${[...stepModels].join(', ')}, each worker and batch (${meta.batches.join(', ')}) a series of its own (${pct(totalCv)}); measured on a machine shared with other jobs, so it includes their load${meta.workers > 1 ? `. computeCv: the part that differs between the ${meta.workers} workers timed at once (their spread within each round), sharedCv: the rest, which every worker shares` : ''}; estimateCv: the relative standard error of figures that are medians over ${rounds} rounds, √(π/2 × (sharedCv² / rounds + computeCv² / (rounds × workers)))`,
      },
      // Measured here: the default (NCCL's share of a GPU's SMs) describes another machine.
      interference: interferenceOf(meta.interference, when),
    },
    workers: meta.workers,
    network: {
      topology: 'switch' as const,
      bandwidthBytesPerSecond,
      latencySeconds,
      source: `trainplan calibrate ${when}: memory transport (SharedArrayBuffer rings) between two worker threads; latency = one-way time of an ${small.bytes}-byte message, bandwidth from ${small.bytes} to ${large.bytes} bytes; median of round trips / 2`,
    },
    // The network above is what the transport achieved, per message: no library fraction or
    // launch on top of it (loading the file would otherwise fill in the defaults for a datasheet).
    collectives: {
      source: `trainplan calibrate ${when}: the network figures are measured on the transport itself, so its achieved fraction is 1 and each message's fixed cost is already the latency`,
      bandwidthFraction: [1],
      launchSeconds: 0,
    },
    runtime: { backend },
  };
  const parsed = parseHardware(doc);
  if (!parsed.ok) throw new Error(`calibrate produced an invalid hardware file: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  const achieved = Object.fromEntries(types.map((t) => [t, fitted[t].rate]));
  return { hardware: parsed.value, achievedFlopsPerSecond: achieved, types: typeCal, computeCv: totalCv, warnings, backend };
}

/**
 * Each timed layer of the models asked for, fitted on its own: time = 2 × overhead + FLOPs / rate
 * over its batches (for one layer the per-sample term of the batch curve is a constant, so it joins
 * the overhead), keyed by its signature (simulator/cost/compute.ts layerSignature). Layers timed
 * at one batch only cannot separate the two and are left to their type's curve.
 */
function layerCurves(timings: LayerTiming[], models: Model[]): Record<string, { overheadSeconds: number; rate: number }> {
  const out: Record<string, { overheadSeconds: number; rate: number }> = {};
  for (const doc of models) {
    const m = analyzeModel(doc);
    if (!m.ok) continue;
    for (const info of m.value.layers) {
      const pts = timings.filter((t) => t.model === doc.name && t.layer === info.name);
      if (new Set(pts.map((p) => p.batch)).size < 2 || !(info.forwardFlops > 0)) continue;
      const c = fitBatchCurve(pts.map(({ flops, batch, seconds }) => ({ flops, batch, seconds })));
      const perSample = pts[0].flops / pts[0].batch;
      const overhead = c.overheadSeconds + (perSample * c.halfBatch) / c.rate;
      out[layerSignature(info)] = { overheadSeconds: Number((overhead / 2).toPrecision(4)), rate: Number(c.rate.toPrecision(4)) };
    }
  }
  return out;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** Efficiencies to 4 significant digits, clamped into the schema's (0, 1]. */
const round = (x: number) => Math.min(1, Math.max(1e-4, Number(x.toPrecision(4))));

/**
 * (The weight update's fit.) Least-squares line t = overhead + flops / rate through (flops, seconds) points, with the
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
