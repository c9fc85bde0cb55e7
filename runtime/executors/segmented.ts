// Data-parallel layers, then model-parallel layers: the executor for single, data, model and
// hybrid ("one weird trick", Krizhevsky 2014) plans.
//   Data part: every worker runs its own batch through a full replica; gradients are summed with a
//   ring all-reduce, then every replica takes the same optimiser step (SGD or Adam, the plan's).
//   Model part: every worker holds a slice of each layer (output units or channels). The part's
//   input reaches all workers by the plan's exchange (rounds.ts); after each layer the slices are
//   all-gathered; backward, each layer's input gradient is reduce-scattered so every worker gets
//   the gradient of its own slice, and the first layer's goes back to the rows' owners.
// The loss is the mean over the step's samples, so gradients summed over workers (and over the
// rounds of the model part) equal a single worker's gradient on the whole step.
import * as tf from '@tensorflow/tfjs-core';
import { elements } from '../../simulator/model/layers';
import type { DataSegment, ModelSegment } from '../../simulator/plan/schema';
import { allGatherV, broadcastRecv, broadcastSend, reduceScatterV, releaseFloats } from '../collectives/direct';
import { allReduceBy, Sync } from '../collectives/sync';
import type { Batch } from '../model/data';
import { squaredNorm } from '../noise-scale';
import { sliceChannels } from '../model/layers/kind';
import { joinChannels, splitChannels } from '../model/slice';
import { crossEntropySum, softmaxCrossEntropy } from '../model/loss';
import { headOf, Part } from '../model/network';
import { makeOptimizer, Optimizer } from '../model/optimizer';
import { record, Recorded } from '../model/tape';
import { Executor, ExecutorContext, registerExecutor, StepGradients } from './executor';
import { exchangeRounds, Round, roundRows, updateChunks } from './rounds';
import { writeValues } from './pack';

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

export class SegmentedExecutor implements Executor {
  private readonly data: Part | null;
  private readonly split: Part | null;
  private readonly dataOptimizer: Optimizer;
  private readonly splitOptimizer: Optimizer;
  private readonly exchange: NonNullable<ModelSegment['exchange']>;
  private readonly fcBatch: number;
  /** How the data part's gradients are summed (the plan's data segment `sync`). */
  private readonly dataSync: Sync;
  private readonly batchPerWorker: number;
  private readonly stepSamples: number;
  private samples: number[] = [];
  private batch: Batch | null = null;
  /** Model-part gradients accumulated since its last update, by variable id. */
  private readonly acc = new Map<number, tf.Tensor>();
  private sinceUpdate = 0;
  private gradients: StepGradients | undefined;
  /** Each part's flat gradient vector, kept from step to step (writeValues says why). */
  private readonly flats = new Map<Part, Float32Array>();

  constructor(private readonly ctx: ExecutorContext) {
    const { model, plan, seed, rank, workers } = ctx;
    const head = headOf(model);
    const dataLayers = plan.segments.filter((s) => s.segment.parallelism === 'data').flatMap((s) => s.layers);
    const modelSegs = plan.segments.filter((s) => s.segment.parallelism === 'model');
    const modelLayers = modelSegs.flatMap((s) => s.layers);
    // Replicas: worker 0 counts the whole parameters in the weights' norm.
    this.data = dataLayers.length ? new Part(model, dataLayers, { seed, head, countsWhole: rank === 0 }) : null;
    this.split = modelLayers.length ? new Part(model, modelLayers, { seed, head, split: { workers, rank }, countsWhole: rank === 0 }) : null;
    this.dataOptimizer = makeOptimizer(ctx.optimizer);
    this.splitOptimizer = makeOptimizer(ctx.optimizer);
    const ds = plan.segments.find((s) => s.segment.parallelism === 'data')?.segment as DataSegment | undefined;
    this.dataSync = ds?.sync ?? 'ring-allreduce';
    const ms = modelSegs[0]?.segment as ModelSegment | undefined;
    this.exchange = ms?.exchange ?? 'all-gather';
    this.stepSamples = plan.stepSamples;
    this.batchPerWorker = plan.plan.batchPerWorker;
    this.fcBatch = ms?.fcBatch ?? plan.stepSamples;
  }

  parts(): Part[] {
    return [this.data, this.split].filter((p): p is Part => p !== null);
  }

  prepare(step: number): void {
    const B = this.batchPerWorker;
    // Worker r's data-parallel rows are samples r·B … r·B+B−1 of the step; without a data part every
    // worker sees the same B samples.
    const first = step * this.stepSamples + (this.data ? this.ctx.rank * B : 0);
    this.samples = range(B, first);
    this.batch = this.ctx.data.batch(this.samples);
  }

  async step(step: number): Promise<number> {
    if (!this.batch) this.prepare(step);
    const loss = this.split ? await this.splitStep(step) : await this.dataStep(step);
    this.batch = null;
    return loss;
  }

  private get c() {
    return this.ctx.compute;
  }

  private fctx(step: number, samples: readonly number[]) {
    return { training: true, seed: this.ctx.seed, step, samples };
  }

  private async dataStep(step: number): Promise<number> {
    const data = this.data!;
    const batch = this.batch!;
    const x = this.c.time(() => tf.tensor(batch.x, [this.batchPerWorker, ...this.ctx.model.model.input]));
    const rec = this.c.time(() => record(() => data.forward(x, this.fctx(step, this.samples))));
    const { lossSum, dlogits } = this.c.time(() => softmaxCrossEntropy(rec.y as tf.Tensor2D, batch.labels, 1 / this.stepSamples));
    const grads = this.c.time(() => rec.backward(dlogits, data.variables));
    this.c.time(() => tf.dispose([x, rec.y, dlogits]));
    await this.reduceAndApply(data, this.dataOptimizer, grads, data.variables.map(() => true), `s${step}/g`, this.dataSync, true);
    return lossSum;
  }

  lastGradients(): StepGradients | undefined {
    return this.gradients;
  }

  /** Loss and accuracy of the whole model (data plans: every replica holds it) on held-out samples, in chunks. */
  evaluate(batch: Batch): { lossSum: number; correct: number } {
    if (this.split || !this.data) throw new Error('validation needs a plan whose workers hold the whole model (single or data)');
    const data = this.data;
    const input = this.ctx.model.model.input;
    const per = input.reduce((a, b) => a * b, 1);
    const n = batch.labels.length;
    let lossSum = 0;
    let correct = 0;
    for (let first = 0; first < n; first += 500) {
      const count = Math.min(500, n - first);
      tf.tidy(() => {
        const x = tf.tensor(batch.x.subarray(first * per, (first + count) * per), [count, ...input]);
        const logits = data.forward(x, { training: false, seed: this.ctx.seed, step: -1, samples: [] }) as tf.Tensor2D;
        const labels = batch.labels.subarray(first, first + count);
        lossSum += crossEntropySum(logits, labels);
        const predicted = tf.argMax(logits, 1).dataSync();
        predicted.forEach((p, i) => (correct += p === labels[i] ? 1 : 0));
      });
    }
    return { lossSum, correct };
  }

  /** Sums the chosen gradients over all workers (`sync`: ring all-reduce unless the plan says otherwise), then takes the plan's optimiser step. */
  private async reduceAndApply(part: Part, optimizer: Optimizer, grads: (tf.Tensor | null)[], reduce: boolean[], tag: string, sync: Sync = 'ring-allreduce', measureNoise = false): Promise<void> {
    const vars = part.variables;
    const gs = this.c.time(() => grads.map((g, i) => g ?? tf.zerosLike(vars[i])));
    if (this.ctx.workers > 1 && reduce.some((x) => x)) {
      const idx = range(gs.length).filter((i) => reduce[i]);
      const flat = this.c.time(() => {
        const out = this.flatFor(part, idx.reduce((a, i) => a + gs[i].size, 0));
        writeValues(idx.map((i) => gs[i]), out);
        return out;
      });
      // The gradients are of the loss summed over this worker's samples / the step's K·b: ×K gives
      // this worker's own mean gradient. Before and after the all-reduce: the two batch sizes of
      // the noise-scale estimate, for the cost of two passes over a buffer already on the host.
      const K = this.ctx.workers;
      const small = measureNoise ? squaredNorm(flat) * K * K : 0;
      await allReduceBy(sync, this.ctx.transport, this.ctx.ring, flat, tag);
      if (measureNoise) this.gradients = { smallSquares: small, largeSquares: squaredNorm(flat) };
      this.c.time(() => {
        let off = 0;
        for (const i of idx) {
          const n = gs[i].size;
          const t = tf.tensor(flat.subarray(off, off + n), gs[i].shape);
          gs[i].dispose();
          gs[i] = t;
          off += n;
        }
      });
    }
    this.c.time(() => {
      optimizer.apply(vars, gs);
      tf.dispose(gs);
    });
  }

  /**
   * `part`'s flat vector of `n` values, made once: every transport and collective has finished with
   * it when the all-reduce returns, and the tensors rebuilt from it are gone after the update.
   */
  private flatFor(part: Part, n: number): Float32Array {
    let f = this.flats.get(part);
    if (!f || f.length !== n) this.flats.set(part, (f = new Float32Array(n)));
    return f;
  }

  private async splitStep(step: number): Promise<number> {
    const { rank, workers, transport: t, seed, classes, model } = this.ctx;
    const B = this.batchPerWorker;
    const N = this.stepSamples;
    const batch = this.batch!;
    let rec: Recorded | null = null;
    let aHost: Float32Array | null = null;
    let inShape: number[] = [...model.model.input];
    if (this.data) {
      const data = this.data;
      const x = this.c.time(() => tf.tensor(batch.x, [B, ...model.model.input]));
      rec = this.c.time(() => record(() => data.forward(x, this.fctx(step, this.samples))));
      aHost = this.c.time(() => {
        x.dispose();
        return rec!.y.dataSync() as Float32Array;
      });
      inShape = rec.y.shape.slice(1);
    }
    const feat = elements(inShape);
    const rounds: Round[] = this.data ? exchangeRounds(this.exchange, workers, B) : [[{ owner: rank, first: 0, count: B }]];
    const dA = this.data ? new Float32Array(B * feat) : null;
    let lossSum = 0;

    // The owner of a round's rows sends them to everyone; round-robin sends the next round's rows
    // before computing the current one, so the transfer overlaps the computation.
    const sends: Promise<void>[] = [];
    const posted = new Set<number>();
    const post = (j: number) => {
      if (!aHost || posted.has(j) || j >= rounds.length) return;
      posted.add(j);
      const mine = rounds[j].find((p) => p.owner === rank);
      if (mine && workers > 1) sends.push(broadcastSend(t, aHost.subarray(mine.first * feat, (mine.first + mine.count) * feat), `s${step}/x${j}`));
    };

    for (let j = 0; j < rounds.length; j++) {
      const round = rounds[j];
      post(j);
      if (this.exchange === 'round-robin') post(j + 1);
      let rows: Float32Array;
      let samples: number[];
      let labels: Int32Array;
      if (!aHost) {
        rows = batch.x;
        samples = this.samples;
        labels = batch.labels;
      } else {
        const parts = await Promise.all(round.map((p) => (p.owner === rank ? Promise.resolve(aHost!.subarray(p.first * feat, (p.first + p.count) * feat)) : broadcastRecv(t, p.owner, `s${step}/x${j}`))));
        rows = parts.length === 1 ? parts[0] : concatFloats(parts);
        samples = round.flatMap((p) => range(p.count, step * N + p.owner * B + p.first));
        labels = this.ctx.data.labels(samples);
      }
      const received = aHost && round.length > 0 ? rows : null;
      const R = roundRows(round);
      const dRound = aHost ? new Float32Array(R * feat) : null;
      for (const ch of updateChunks(R, this.sinceUpdate, this.fcBatch)) {
        const xs = this.c.time(() => tf.tensor(rows.subarray(ch.first * feat, (ch.first + ch.count) * feat), [ch.count, ...inShape]));
        const tag = `s${step}/r${j}c${ch.first}`;
        const res = await this.splitForwardBackward(xs, samples.slice(ch.first, ch.first + ch.count), labels.subarray(ch.first, ch.first + ch.count), tag, dRound !== null, step);
        lossSum += res.lossSum;
        if (dRound && res.dIn) dRound.set(res.dIn, ch.first * feat);
        this.sinceUpdate = (this.sinceUpdate + ch.count) % this.fcBatch;
        if (ch.update) await this.applySplitUpdate(`${tag}/u`);
      }
      if (dRound && dA) {
        // Each owner gets the gradient of its rows, summed over the workers' slices.
        const pieces = range(workers).map(() => new Float32Array(0));
        let off = 0;
        for (const p of round) {
          pieces[p.owner] = dRound.subarray(off * feat, (off + p.count) * feat);
          off += p.count;
        }
        const mine = await reduceScatterV(t, pieces, `s${step}/dx${j}`);
        const myPart = round.find((p) => p.owner === rank);
        if (myPart) dA.set(mine, myPart.first * feat);
      }
      // Rows that came from one other worker are its message, whole: hand it back.
      if (received && round.length === 1 && round[0].owner !== rank) releaseFloats(t, received);
    }
    await Promise.all(sends);

    if (this.data && rec && dA) {
      const data = this.data;
      const r = rec;
      const grads = this.c.time(() => {
        const dy = tf.tensor(dA, r.y.shape);
        const g = r.backward(dy, data.variables);
        tf.dispose([dy, r.y]);
        return g;
      });
      await this.reduceAndApply(data, this.dataOptimizer, grads, data.variables.map(() => true), `s${step}/g`, this.dataSync);
    }
    // Every worker computes the same loss from the gathered logits: count it once.
    return rank === 0 ? lossSum : 0;
  }

  /** Forward and backward of the model part on `x` (full rows); accumulates its weight gradients. */
  private async splitForwardBackward(x: tf.Tensor, samples: number[], labels: Int32Array, tag: string, needInputGrad: boolean, step: number): Promise<{ lossSum: number; dIn: Float32Array | null }> {
    const part = this.split!;
    const fctx = this.fctx(step, samples);
    // A layer's slices are all-gathered unless the next layer is channelwise and takes its own slice as it is.
    const recs: { li: number; rec: Recorded; input: tf.Tensor; gathered: boolean }[] = [];
    let cur = x;
    part.layers.forEach((li, k) => {
      const next = part.layers[k + 1];
      recs.push({ li, rec: null as unknown as Recorded, input: cur, gathered: next === undefined || !part.readsOwnSlice(li, next) });
    });
    for (const r of recs) {
      const input = cur;
      r.input = input;
      r.rec = this.c.time(() => record(() => part.forwardLayer(r.li, [input], fctx)));
      cur = r.gathered ? await this.gatherChannels(r.rec.y, r.li, `${tag}/f${r.li}`) : r.rec.y;
    }
    const lastLi = part.layers[part.layers.length - 1];
    const logits = cur;
    const { lossSum, dlogits } = this.c.time(() => softmaxCrossEntropy(logits as tf.Tensor2D, labels, 1 / this.stepSamples));
    let dy: tf.Tensor = this.c.time(() => {
      const s: tf.Tensor = sliceChannels(dlogits, part.outputRange(lastLi));
      return s === dlogits ? s : (tf.dispose(dlogits), s);
    });
    let dIn: Float32Array | null = null;
    for (let i = recs.length - 1; i >= 0; i--) {
      const { li, rec, input } = recs[i];
      const vars = part.layerVariables(li);
      const wantInput = i > 0 || needInputGrad;
      const grads = this.c.time(() => rec.backward(dy, wantInput ? [input, ...vars] : vars));
      const gInput = wantInput ? grads[0] : null;
      this.c.time(() => {
        this.accumulate(vars, wantInput ? grads.slice(1) : grads);
        tf.dispose([dy, rec.y, input]);
      });
      // A gathered input's gradient is a partial sum over every worker's slice; a slice's is this worker's own.
      if (i > 0) dy = recs[i - 1].gathered ? await this.scatterChannels(gInput!, recs[i - 1].li, `${tag}/b${li}`) : gInput!;
      else if (gInput)
        dIn = this.c.time(() => {
          const h = gInput.dataSync() as Float32Array;
          gInput.dispose();
          return h;
        });
    }
    this.c.time(() => tf.dispose([logits, dy]));
    return { lossSum, dIn };
  }

  /** The full output of layer li from every worker's slice `y` (concatenated along channels). */
  private async gatherChannels(y: tf.Tensor, li: number, tag: string): Promise<tf.Tensor> {
    const { workers, transport } = this.ctx;
    if (workers === 1) return y;
    const part = this.split!;
    const host = this.c.time(() => y.dataSync() as Float32Array);
    const pieces = await allGatherV(transport, host, tag);
    const widths = range(workers).map((q) => part.outputRange(li, q)).map(([a, b]) => b - a);
    const full = this.c.time(() => tf.tensor(joinChannels(pieces, widths), [...y.shape.slice(0, -1), widths.reduce((a, b) => a + b, 0)]));
    pieces.forEach((p, q) => q !== this.ctx.rank && releaseFloats(transport, p));
    return full;
  }

  /** This worker's channels of layer li's output gradient, summed over every worker's partial `g`. */
  private async scatterChannels(g: tf.Tensor, li: number, tag: string): Promise<tf.Tensor> {
    const { workers, transport, rank } = this.ctx;
    if (workers === 1) return g;
    const part = this.split!;
    const widths = range(workers).map((q) => part.outputRange(li, q)).map(([a, b]) => b - a);
    const pieces = this.c.time(() => {
      const out = splitChannels(g.dataSync() as Float32Array, widths);
      g.dispose();
      return out;
    });
    const mine = await reduceScatterV(transport, pieces, tag);
    return this.c.time(() => tf.tensor(mine, [...g.shape.slice(0, -1), widths[rank]]));
  }

  private accumulate(vars: tf.Variable[], grads: (tf.Tensor | null)[]): void {
    vars.forEach((v, i) => {
      const g = grads[i];
      if (!g) return;
      const prev = this.acc.get(v.id);
      if (prev) {
        this.acc.set(v.id, tf.add(prev, g));
        tf.dispose([prev, g]);
      } else this.acc.set(v.id, g);
    });
  }

  /** Optimiser step of the model part; parameters that every worker holds whole sum their partial gradients. */
  private async applySplitUpdate(tag: string): Promise<void> {
    const part = this.split!;
    const grads = part.variables.map((v) => this.acc.get(v.id) ?? null);
    this.acc.clear();
    await this.reduceAndApply(part, this.splitOptimizer, grads, part.params.map((p) => p.range === null), tag);
  }

  dispose(): void {
    for (const p of this.parts()) p.dispose();
    this.dataOptimizer.dispose();
    this.splitOptimizer.dispose();
    tf.dispose([...this.acc.values()]);
  }
}

function concatFloats(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

for (const family of ['single', 'data', 'model', 'hybrid'] as const) registerExecutor(family, (ctx) => new SegmentedExecutor(ctx));
