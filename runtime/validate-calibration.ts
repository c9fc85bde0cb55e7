// validate's calibration, interleaved with its runs: one round of layer timings (every layer at
// every batch, for each worker count) before the first run and then evenly between the runs, so
// that load from other jobs that comes and goes hits the calibration and the runs alike. Each
// worker count is calibrated with that many threads at once (they share the cores, as in a run).
// The hardware is fitted from all rounds together once the runs are done.
import type { Hardware } from '../simulator/hardware/schema';
import type { AnalyzedModel } from '../simulator/model/analyze';
import type { Model } from '../simulator/model/schema';
import { chooseBackend } from './backends';
import { benchComputeRounds, benchMemoryTransport, Calibration, CALIBRATE_DEFAULTS, describeCalibration, mergeRounds } from './calibrate';
import type { BenchComputeResult, BenchTransportResult } from './protocol';
import { problem, UserError } from '../simulator/errors';

/** The batches calibrated for a validation at `batches`: those, or with only one, also an eighth of it (two sizes separate overhead from rate). */
export function calibrationBatches(batches: number[]): number[] {
  const bs = [...new Set(batches)].sort((a, b) => a - b);
  return bs.length > 1 ? bs : [Math.max(1, Math.floor(bs[0] / 8)), bs[0]].filter((b, i, a) => a.indexOf(b) === i);
}

export class InterleavedCalibration {
  private backend = '';
  private readonly backendName: string | undefined;
  private readonly models: Model[];
  private readonly batches: number[];
  private readonly rounds: number;
  private done = 0;
  private compute = new Map<number, BenchComputeResult[]>();
  private transport = new Map<number, BenchTransportResult>();
  private fitted = new Map<number, Calibration>();
  private readonly when = new Date().toISOString();

  constructor(model: AnalyzedModel, private readonly counts: number[], o: { batches: number[]; backend?: string; calibration?: { models: Model[]; rounds: number } }) {
    if (!o.calibration) throw new Error('InterleavedCalibration needs options.calibration');
    this.models = [model.model, ...o.calibration.models];
    this.batches = calibrationBatches(o.batches);
    this.rounds = Math.max(1, o.calibration.rounds);
    this.backendName = o.backend;
  }

  /** Chooses the backend and measures the memory transport (quick, and not what load moves most). */
  async start(): Promise<void> {
    const chosen = await chooseBackend(this.backendName);
    if (!chosen.ok) throw new UserError([problem('backend', chosen.reason)]);
    this.backend = chosen.backend.name;
    for (const w of this.counts) this.transport.set(w, await benchMemoryTransport(w, CALIBRATE_DEFAULTS.transportSizesBytes, 15));
  }

  /** Takes the rounds due before run `index` of `total`: round k just before run ⌊k × total / rounds⌋. */
  async roundBefore(index: number, total: number): Promise<void> {
    while (this.done < this.rounds && Math.floor((this.done * total) / this.rounds) <= index) await this.round();
  }

  /** Any rounds still due (a validation with fewer runs than rounds), then the fit. */
  async finish(): Promise<void> {
    while (this.done < this.rounds) await this.round();
    for (const w of this.counts)
      this.fitted.set(w, describeCalibration(this.compute.get(w)!, this.transport.get(w)!, { backend: this.backend, workers: w, models: this.models, batches: this.batches, when: this.when }));
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

  hardware(workers: number): Hardware {
    const c = this.fitted.get(workers) ?? this.fitted.get(Math.max(...this.fitted.keys()));
    if (!c) throw new Error('the interleaved calibration is not finished: its hardware is fitted after the runs');
    return c.hardware;
  }

  results(): Record<number, Calibration> {
    return Object.fromEntries(this.fitted);
  }
}
