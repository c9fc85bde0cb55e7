// validate's calibration, interleaved with its runs: one round of layer timings (every layer at
// every batch, for each worker count) before the first run and then evenly between the runs, so
// that load from other jobs that comes and goes hits the calibration and the runs alike. Each
// worker count is calibrated with that many threads at once (they share the cores, as in a run).
// The hardware is fitted from all rounds together once the runs are done.
import type { Hardware } from '../simulator/hardware/schema';
import type { AnalyzedModel } from '../simulator/model/analyze';
import type { Model } from '../simulator/model/schema';
import { chooseBackend } from './backends';
import { benchComputeRounds, benchInterference, benchMemoryTransport, Calibration, CALIBRATE_DEFAULTS, describeCalibration, mergeRounds } from './calibrate';
import type { BenchComputeResult, BenchInterferenceResult, BenchTransportResult } from './protocol';
import { problem, UserError } from '../simulator/errors';
import { mean, medianError } from './calibrate-fit';

/** The batches calibrated for a validation at `batches`: those, or with only one, also an eighth of it (two sizes separate overhead from rate). */
export function calibrationBatches(batches: number[]): number[] {
  const bs = [...new Set(batches)].sort((a, b) => a - b);
  return bs.length > 1 ? bs : [Math.max(1, Math.floor(bs[0] / 8)), bs[0]].filter((b, i, a) => a.indexOf(b) === i);
}

/** A run's probes: untimed and timed passes over the validated model's layers (atRun). */
const PROBE = { warmups: 2, passes: 2 };
const PROBE_MAX_BATCH = 128;

export class InterleavedCalibration {
  private backend = '';
  private readonly backendName: string | undefined;
  private readonly models: Model[];
  private readonly batches: number[];
  private readonly rounds: number;
  private done = 0;
  private compute = new Map<number, BenchComputeResult[]>();
  private transport = new Map<number, BenchTransportResult>();
  private interference = new Map<number, BenchInterferenceResult | undefined>();
  private fitted = new Map<number, Calibration>();
  private readonly when = new Date().toISOString();

  constructor(model: AnalyzedModel, private readonly counts: number[], o: { batches: number[]; backend?: string; calibration?: { models: Model[]; rounds: number } }) {
    if (!o.calibration) throw new Error('InterleavedCalibration needs options.calibration');
    this.models = [model.model, ...o.calibration.models];
    this.batches = calibrationBatches(o.batches);
    this.rounds = Math.max(1, o.calibration.rounds);
    this.backendName = o.backend;
  }

  /** Chooses the backend and measures the memory transport and interference (quick, and not what load moves most). */
  async start(): Promise<void> {
    const chosen = await chooseBackend(this.backendName);
    if (!chosen.ok) throw new UserError([problem('backend', chosen.reason)]);
    this.backend = chosen.backend.name;
    for (const w of this.counts) {
      this.transport.set(w, await benchMemoryTransport(w, CALIBRATE_DEFAULTS.transportSizesBytes, 15));
      this.interference.set(w, await benchInterference(this.backend, w));
    }
  }

  /** Takes the rounds due before run `index` of `total`: round k just before run ⌊k × total / rounds⌋. */
  async roundBefore(index: number, total: number): Promise<void> {
    while (this.done < this.rounds && Math.floor((this.done * total) / this.rounds) <= index) await this.round();
  }

  /** Any rounds still due (a validation with fewer runs than rounds), then the fit. */
  async finish(): Promise<void> {
    while (this.done < this.rounds) await this.round();
    for (const w of this.counts)
      this.fitted.set(w, describeCalibration(this.compute.get(w)!, this.transport.get(w)!, { backend: this.backend, workers: w, models: this.models, batches: this.batches, when: this.when, interference: this.interference.get(w) }));
  }

  private async round(): Promise<void> {
    // Worker counts in rotation too: no count always measured first after a run.
    const order = this.counts.map((_, i) => this.counts[(i + this.done) % this.counts.length]);
    for (const w of order) {
      const r = await benchComputeRounds({ backend: this.backend, workers: w, models: this.models, batches: this.batches, rounds: 1, firstRound: this.done });
      const prev = this.compute.get(w);
      this.compute.set(w, prev ? mergeRounds(prev, r) : r);
    }
    this.done++;
  }

  /**
   * The batch a run at `batch` is probed at: the largest calibrated batch up to min(batch, 128) (a
   * pass at 512 takes seconds; the speed of the machine is what is asked, not the curve), else the
   * smallest calibrated one.
   */
  probeBatch(batch: number): number {
    const fit = this.batches.filter((b) => b <= Math.min(batch, PROBE_MAX_BATCH));
    return fit.length ? Math.max(...fit) : Math.min(...this.batches);
  }

  /**
   * The validated model's layers timed on `workers` threads at once (the run's workers) at the
   * run's probe batch: each worker's summed layer time, the median of PROBE.passes passes after
   * PROBE.warmups untimed ones (fresh threads run their first passes slow, as a run's warm-up steps
   * are; one pass after one warm-up read 8–35% slower than the calibration here). Taken just before
   * and just after a run, they say how fast the machine was during it (atRun).
   */
  async probe(workers: number, batch: number): Promise<number[]> {
    const pb = this.probeBatch(batch);
    const r = await benchComputeRounds({ backend: this.backend, workers, models: [this.models[0]], batches: [pb], rounds: PROBE.passes, firstRound: this.done, warmups: PROBE.warmups });
    return r.map((c) => this.modelSeconds(c, pb));
  }

  /** One worker's summed (median) time of the validated model's layers at `batch`. */
  private modelSeconds(c: BenchComputeResult, batch: number): number {
    return c.layers.filter((l) => l.model === this.models[0].name && l.batch === batch).reduce((a, l) => a + l.seconds, 0);
  }

  /**
   * The hardware of `workers` as the machine ran during a run whose probes are `before` and
   * `after`: compute time × (probed layer time / the calibration's median of the same layers at
   * that batch). A shared machine's speed moves over minutes (other jobs, other tenants of the
   * host), and a calibration spread over a validation's runs gives the speed of no one moment; the
   * probes do. What the probes cannot know is their own error: one sample of each worker's own noise
   * (computeCv over 2 × workers samples) and the drift between before and after; that is the
   * figures' estimateCv for this run. scale 1 (and the calibration's hardware) where the batch was
   * not calibrated.
   */
  atRun(workers: number, batch: number, before: number[], after: number[]): { hardware: Hardware; scale: number } {
    const hw = this.hardware(workers);
    const pb = this.probeBatch(batch);
    const calibrated = mean((this.compute.get(workers) ?? []).map((c) => this.modelSeconds(c, pb)));
    const probed = [...before, ...after];
    if (!(calibrated > 0) || probed.length === 0) return { hardware: hw, scale: 1 };
    const scale = mean(probed) / calibrated;
    const drift = after.length && before.length ? Math.abs(mean(before) - mean(after)) / (mean(before) + mean(after)) : 0;
    const own = hw.device.variability?.computeCv ?? 0;
    const estimateCv = Math.hypot(medianError(own, PROBE.passes * probed.length), drift);
    return { hardware: computeScaled(hw, scale, estimateCv, `× ${scale.toPrecision(3)}: the validated model's layers timed at batch ${pb} on ${workers} worker(s) just before and just after the run, against the calibration's median`), scale };
  }

  hardware(workers: number): Hardware {
    const c = this.fitted.get(workers) ?? this.fitted.get(Math.max(...this.fitted.keys()));
    if (!c) throw new Error('the interleaved calibration is not finished: its hardware is fitted after the runs');
    return c.hardware;
  }

  results(): Record<number, Calibration> {
    return Object.fromEntries(this.fitted);
  }
}

/**
 * `hw` with every compute figure taking `scale` times as long (peak and layer rates ÷ scale, fixed
 * costs and host copies × scale): the same device, run slower or faster by what else the machine
 * did. The network is the transport's and stays; estimateCv is the figures' error at that moment.
 */
export function computeScaled(hw: Hardware, scale: number, estimateCv: number, why: string): Hardware {
  const d = hw.device;
  const device: Hardware['device'] = {
    ...d,
    source: `${d.source}; compute ${why}`,
    peakFlops: d.peakFlops / scale,
    ...(d.peakFlopsByPrecision ? { peakFlopsByPrecision: Object.fromEntries(Object.entries(d.peakFlopsByPrecision).map(([k, v]) => [k, v / scale])) } : {}),
    ...(d.opOverheadSeconds !== undefined ? { opOverheadSeconds: d.opOverheadSeconds * scale } : {}),
    ...(d.callOverheadSeconds ? { callOverheadSeconds: Object.fromEntries(Object.entries(d.callOverheadSeconds).map(([k, v]) => [k, v * scale])) } : {}),
    ...(d.hostCopyBytesPerSecond !== undefined ? { hostCopyBytesPerSecond: d.hostCopyBytesPerSecond / scale } : {}),
    ...(d.memoryBandwidthBytesPerSecond !== undefined ? { memoryBandwidthBytesPerSecond: d.memoryBandwidthBytesPerSecond / scale } : {}),
    ...(d.measuredLayers ? { measuredLayers: { ...d.measuredLayers, layers: Object.fromEntries(Object.entries(d.measuredLayers.layers).map(([k, v]) => [k, { overheadSeconds: v.overheadSeconds * scale, rate: v.rate / scale }])) } } : {}),
    ...(d.variability ? { variability: { ...d.variability, estimateCv } } : {}),
  };
  return { ...hw, device };
}
