// Data × tensor × pipeline parallelism with ZeRO and activation recomputation: the executor for
// language models (a model whose last layer is crossEntropy), whatever the degrees (all 1 is one
// worker). Worker (stage, replica, t) — grid-layout.ts — holds tensor rank t's share of the layers
// of pipeline stage `stage` (each layer split as its simulator kind's TensorSplit says; the rest
// whole) and trains replica `replica`'s samples of every step:
//   Tensor: a layer whose split reduces forward (attention, MLP, token embedding) yields a partial
//     sum that the tensor group all-reduces, then adds its after-reduction bias; one whose input is
//     replicated gets partial input gradients, all-reduced (Megatron's g and f operators). The LM
//     head's logits stay split over the vocabulary and the loss is vocabulary-parallel.
//   Pipeline: GPipe (Huang et al. 2019): the step's micro-batches go forward through the stages,
//     then backward in reverse order; what crosses a boundary is every output still needed after it.
//   Data: replicas sum their gradients (grid-params.ts: all-reduce, or ZeRO's reduce-scatter).
//   Recompute: 'full' keeps only each layer's inputs between forward and backward and runs the layer
//     again under the tape in backward; 'selective' does so for attention only (Korthikanti et al.
//     2022 recompute its core); ZeRO-3 does so for every layer, since tfjs's tape would otherwise keep
//     copies of the gathered weights until backward.
// The loss is the mean over the step's tokens, so summed gradients equal one worker's on the step.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerInfo } from '../../simulator/model/analyze';
import { MODEL_INPUT } from '../../simulator/model/analyze';
import { ringAllReduce, ringAllReduceMax } from '../collectives/allreduce';
import { groupRing, Ring } from '../collectives/ring';
import { layerImpl } from '../model/layers';
import { addAfterReduction } from '../model/layers/kind';
import { headOf, Part } from '../model/network';
import { makeOptimizer } from '../model/optimizer';
import { record, Recorded } from '../model/tape';
import { ByteText, TokenBatch } from '../model/text';
import { vocabParallelCrossEntropy } from '../model/vocab-loss';
import { bytesOf, floatsOf } from '../transports/transport';
import { Executor, ExecutorContext } from './executor';
import { dataGroup, dividedByTensor, GridOptions, GridPosition, gridStages, liveAcross, positionOf, rankAt, tensorGroup } from './grid-layout';
import { hasParams, LayerParams, ParamStore, paramStore } from './grid-params';
import { concatValues, splitValues } from './pack';

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

/** What a layer's forward left for its backward. */
interface Kept {
  inputs: tf.Tensor[];
  /** The recorded forward (null when recomputed in backward). */
  rec: Recorded | null;
}

/** One micro-batch in flight on this worker. */
interface Flight {
  ids: tf.Tensor | null;
  targets: Int32Array | null;
  outs: Map<number, tf.Tensor>;
  kept: Map<number, Kept>;
  dlogits: tf.Tensor | null;
}

export class GridExecutor implements Executor {
  private readonly at: GridPosition;
  private readonly layers: number[];
  private readonly live: number[][];
  private readonly part: Part;
  private readonly store: ParamStore;
  private readonly tensorRing: Ring;
  private readonly text: ByteText;
  private readonly seq: number;
  private readonly logitsLayer: number;
  private readonly microBatch: number;
  /** Samples of a step: every replica's batch (tensor and pipeline ranks share theirs). */
  private readonly stepSamples: number;
  private data: TokenBatch[] = [];
  private samples: number[][] = [];
  private finished: Part | null = null;
  private held: number | undefined;

  constructor(private readonly ctx: ExecutorContext, readonly grid: GridOptions) {
    const { model, rank, seed } = ctx;
    this.at = positionOf(grid, rank);
    const head = headOf(model);
    this.logitsLayer = head.logitsLayer;
    const stages = gridStages(model, grid.pipeline);
    this.layers = stages[this.at.stage];
    this.live = liveAcross(model, stages);
    this.part = new Part(model, this.layers, {
      seed, head, countsWhole: this.at.t === 0,
      ...(grid.tensor > 1 ? { split: { workers: grid.tensor, rank: this.at.t }, splits: (l: LayerInfo) => this.tensorSplit(l) } : {}),
    });
    this.tensorRing = groupRing(tensorGroup(grid, this.at), rank);
    this.store = paramStore(grid.zero, {
      part: this.part, layers: this.layers.filter((li) => hasParams(this.part, li)), transport: ctx.transport,
      replicas: groupRing(dataGroup(grid, this.at), rank), optimizer: makeOptimizer(ctx.optimizer), compute: ctx.compute,
    });
    this.text = ByteText.load();
    this.seq = model.model.input[0];
    this.microBatch = ctx.plan.plan.batchPerWorker / grid.microBatches;
    this.stepSamples = ctx.plan.stepSamples;
  }

  private tensorSplit(l: LayerInfo): boolean {
    return this.grid.tensor > 1 && dividedByTensor(l);
  }

  private get c() {
    return this.ctx.compute;
  }

  private get firstStage() {
    return this.at.stage === 0;
  }

  private get lastStage() {
    return this.at.stage === this.grid.pipeline - 1;
  }

  parts(): Part[] {
    // One replica reports the weights (the others hold the same).
    return this.finished && this.at.replica === 0 ? [this.finished] : [];
  }

  heldBytes(): number | undefined {
    return this.held;
  }

  async finish(): Promise<void> {
    this.finished = await this.store.finish('end');
  }

  prepare(step: number): void {
    const B = this.ctx.plan.plan.batchPerWorker;
    const first = step * this.stepSamples + this.at.replica * B;
    this.samples = range(this.grid.microBatches).map((m) => range(this.microBatch, first + m * this.microBatch));
    this.data = this.samples.map((s) => this.text.batch(this.ctx.seed, s, this.seq));
  }

  async step(step: number): Promise<number> {
    if (this.data.length === 0) this.prepare(step);
    const M = this.grid.microBatches;
    const sends: Promise<void>[] = [];
    const flights: Flight[] = [];
    let lossSum = 0;
    for (let m = 0; m < M; m++) {
      const f = await this.forward(step, m, sends);
      if (this.lastStage) lossSum += await this.loss(f, `s${step}/m${m}/loss`);
      flights.push(f);
    }
    // Everything the forward passes left for backward is alive now (the model's own state too).
    this.held = tf.memory().numBytes;
    for (let m = M - 1; m >= 0; m--) await this.backward(step, m, flights[m], m === 0, sends);
    await Promise.all(sends);
    await this.store.update(`s${step}/update`);
    this.data = [];
    // The loss per sample is its tokens' mean; tensor ranks share one loss: count it once.
    return this.lastStage && this.at.t === 0 ? lossSum / this.seq : 0;
  }

  private neighbour(stageDelta: number): number {
    return rankAt(this.grid, { ...this.at, stage: this.at.stage + stageDelta });
  }

  private recomputes(info: LayerInfo): boolean {
    return this.grid.zero >= 3 || this.grid.recompute === 'full' || (this.grid.recompute === 'selective' && info.type === 'attention');
  }

  /** Sends `ts` to worker `to` as one message; resolves when the message may be reused. */
  private send(to: number, tag: string, ts: tf.Tensor[]): Promise<void> {
    return this.ctx.transport.send(to, tag, bytesOf(this.c.time(() => concatValues(ts))));
  }

  /** The outputs (or their gradients) of `layers` for one micro-batch, sent by `from` as one message. */
  private async receive(from: number, tag: string, layers: readonly number[]): Promise<tf.Tensor[]> {
    const bytes = await this.ctx.transport.recv(from, tag);
    return this.c.time(() => splitValues(floatsOf(bytes), layers.map((k) => [this.microBatch, ...this.ctx.model.layers[k].outputShape])));
  }

  /** Sums `y` over the tensor group (a partial sum of every rank's units) into a new tensor. */
  private async reduceTensor(y: tf.Tensor, tag: string): Promise<tf.Tensor> {
    const host = this.c.time(() => Float32Array.from(y.dataSync() as Float32Array));
    await ringAllReduce(this.ctx.transport, this.tensorRing, host, tag);
    return this.c.time(() => tf.tensor(host, y.shape));
  }

  private layerForward(info: LayerInfo, inputs: tf.Tensor[], p: LayerParams, step: number, m: number): tf.Tensor {
    return layerImpl(info.type).forward(info, inputs, p.main, this.part.splitRange(info.index), {
      training: true, seed: this.ctx.seed, step, samples: this.samples[m],
    });
  }

  private async forward(step: number, m: number, sends: Promise<void>[]): Promise<Flight> {
    const { model } = this.ctx;
    const data = this.data[m];
    const mb = this.microBatch;
    const f: Flight = { ids: null, targets: this.lastStage ? data.targets : null, outs: new Map(), kept: new Map(), dlogits: null };
    if (this.layers.some((li) => model.layers[li].inputs.includes(MODEL_INPUT))) f.ids = this.c.time(() => tf.tensor2d(data.tokens, [mb, this.seq], 'int32'));
    if (!this.firstStage) {
      const incoming = this.live[this.at.stage - 1];
      const ts = await this.receive(this.neighbour(-1), `s${step}/m${m}/act`, incoming);
      incoming.forEach((k, i) => f.outs.set(k, ts[i]));
    }
    for (const li of this.layers) {
      const info = model.layers[li];
      const tag = `s${step}/m${m}/f${li}`;
      const inputs = info.inputs.map((k) => (k === MODEL_INPUT ? f.ids! : f.outs.get(k)!));
      const withParams = hasParams(this.part, li);
      const p = withParams ? await this.store.acquire(li, `${tag}/ag`) : { main: [], after: [] };
      const again = this.recomputes(info);
      let rec: Recorded | null = null;
      let y = this.c.time(() => {
        if (again) return tf.tidy(() => this.layerForward(info, inputs, p, step, m));
        rec = record(() => this.layerForward(info, inputs, p, step, m));
        return rec.y;
      });
      if (this.tensorSplit(info) && info.split.forwardReduce > 0) {
        // The partial sum is not needed again: the tape keeps its own copies of what backward reads.
        const partial = y;
        y = await this.reduceTensor(partial, `${tag}/ar`);
        partial.dispose();
      }
      if (p.after.length) {
        const before = y;
        y = this.c.time(() => addAfterReduction(before, p.after));
        before.dispose();
      }
      if (withParams) this.store.release(li, p);
      f.outs.set(li, y);
      f.kept.set(li, { inputs, rec });
    }
    if (!this.lastStage) sends.push(this.send(this.neighbour(+1), `s${step}/m${m}/act`, this.live[this.at.stage].map((k) => f.outs.get(k)!)));
    return f;
  }

  /** Vocabulary-parallel loss of the micro-batch's logits; leaves d(loss)/dlogits for backward. */
  private async loss(f: Flight, tag: string): Promise<number> {
    const logits = f.outs.get(this.logitsLayer)!;
    const [mb, s, vl] = logits.shape as number[];
    const v0 = this.part.splitRange(this.logitsLayer)?.[0] ?? 0;
    const { transport: t } = this.ctx;
    const ring = this.tensorRing;
    let k = 0;
    const logits2 = this.c.time(() => tf.reshape(logits, [mb * s, vl]) as tf.Tensor2D);
    const r = await vocabParallelCrossEntropy(logits2, f.targets!, v0, 1 / (this.stepSamples * this.seq), {
      max: (v) => ringAllReduceMax(t, ring, v, `${tag}/max${k++}`),
      sum: (v) => ringAllReduce(t, ring, v, `${tag}/sum${k++}`),
    });
    this.c.time(() => {
      f.dlogits = tf.reshape(r.dlogits, [mb, s, vl]);
      tf.dispose([r.dlogits, logits2]);
    });
    return r.lossSum;
  }

  private async backward(step: number, m: number, f: Flight, lastMicro: boolean, sends: Promise<void>[]): Promise<void> {
    const { model } = this.ctx;
    const dOut = new Map<number, tf.Tensor>();
    const addGrad = (k: number, g: tf.Tensor) => {
      const prev = dOut.get(k);
      dOut.set(k, prev ? tf.add(prev, g) : g);
      if (prev) tf.dispose([prev, g]);
    };
    if (this.lastStage) dOut.set(this.logitsLayer, f.dlogits!);
    else {
      const outgoing = this.live[this.at.stage];
      const gs = await this.receive(this.neighbour(+1), `s${step}/m${m}/grad`, outgoing);
      outgoing.forEach((k, i) => addGrad(k, gs[i]));
    }
    for (const li of [...this.layers].reverse()) {
      const info = model.layers[li];
      const tag = `s${step}/m${m}/b${li}`;
      const dy = dOut.get(li);
      if (!dy) continue;
      dOut.delete(li);
      const kept = f.kept.get(li)!;
      const withParams = hasParams(this.part, li);
      let p: LayerParams = { main: [], after: [] };
      let rec = kept.rec;
      if (!rec) {
        if (withParams) p = await this.store.acquire(li, `${tag}/ag`);
        const params = p;
        rec = this.c.time(() => record(() => this.layerForward(info, kept.inputs, params, step, m)));
        this.c.time(() => rec!.y.dispose());
      } else if (withParams) p = await this.store.acquire(li, `${tag}/ag`);
      // Gradients w.r.t. the layer's inputs (each source once) and its parameters.
      const sources = [...new Set(info.inputs.filter((k) => k !== MODEL_INPUT))];
      const inTensors = sources.map((k) => f.outs.get(k)!);
      const r = rec;
      const grads = this.c.time(() => r.backward(dy, [...inTensors, ...p.main]));
      // After-reduction parameters (broadcast over the positions): the output gradient summed over them.
      const afterGrads = this.c.time(() => p.after.map((a) => tf.tidy(() => tf.reshape(tf.sum(dy, range(dy.rank - a.rank)), a.shape))));
      let inGrads = grads.slice(0, sources.length).map((g, i) => g ?? tf.zerosLike(inTensors[i]));
      if (this.tensorSplit(info) && info.split.input === 'replicated' && sources.length > 0) inGrads = await Promise.all(inGrads.map((g, i) => this.reduceTensor(g, `${tag}/ar${i}`).then((s) => (g.dispose(), s))));
      this.c.time(() => {
        sources.forEach((k, i) => addGrad(k, inGrads[i]));
        dy.dispose();
      });
      if (withParams) {
        const pg = grads.slice(sources.length).map((g, i) => g ?? tf.zerosLike(p.main[i]));
        this.store.release(li, p);
        await this.store.accumulate(li, [...pg, ...afterGrads], lastMicro, `${tag}/rs`);
      }
    }
    if (!this.firstStage) sends.push(this.send(this.neighbour(-1), `s${step}/m${m}/grad`, this.live[this.at.stage - 1].map((k) => dOut.get(k)!)));
    this.c.time(() => {
      tf.dispose([...dOut.values(), ...f.outs.values()]);
      if (f.ids) f.ids.dispose();
      for (const k of f.kept.values()) k.rec?.dispose();
    });
  }

  dispose(): void {
    this.store.dispose();
    this.part.dispose();
  }
}
