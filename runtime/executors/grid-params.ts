// Where a grid worker keeps its parameters, their gradients and its optimiser state, by ZeRO stage
// (Rajbhandari et al. 2020). The worker's Part holds its tensor rank's share of every layer of its
// stage; the data-parallel replicas of that share then either keep it all (stage 0: gradients
// all-reduced, every replica takes the same step), split the optimiser step (stages 1 and 2:
// gradients reduce-scattered, each replica updates its chunk of the flat parameters with its chunk
// of the optimiser state, the new values all-gathered), or split the weights too (stage 3: each
// replica keeps only its chunk of every layer; a layer's weights are all-gathered before its
// forward and again before its backward, its gradient reduce-scattered as soon as the step's last
// micro-batch produced it). The optimiser acts element by element, so every stage takes the same
// step: the weights agree to float32 summation order.
import * as tf from '@tensorflow/tfjs-core';
import { ownedChunk, ringAllGather, ringAllReduce, ringReduceScatter } from '../collectives/allreduce';
import type { Ring } from '../collectives/ring';
import type { Part } from '../model/network';
import { layerImpl } from '../model/layers';
import type { Optimizer } from '../model/optimizer';
import type { Transport } from '../transports/transport';
import type { ComputeClock } from './executor';
import { concatValues, splitFloats, splitValues } from './pack';

/** A layer's parameters for one computation, split as its forward takes them. */
export interface LayerParams {
  /** What the layer's forward takes, in params() order. */
  main: tf.Tensor[];
  /** What is added after the tensor-parallel reduction (ParamSpec.afterReduction). */
  after: tf.Tensor[];
}

export interface ParamStore {
  /** Layer li's parameters (all-gathered under ZeRO-3). */
  acquire(li: number, tag: string): Promise<LayerParams>;
  /** Done with what acquire returned: ZeRO-3 frees the gathered weights. */
  release(li: number, p: LayerParams): void;
  /** Adds one micro-batch's gradients of layer li (main, then after); `last`: the step has no more for it. */
  accumulate(li: number, grads: tf.Tensor[], last: boolean, tag: string): Promise<void>;
  /** Sums the step's gradients over the replicas and takes the optimiser step. */
  update(tag: string): Promise<void>;
  /** The Part with this worker's whole share of every parameter (ZeRO-3 gathers it back). */
  finish(tag: string): Promise<Part>;
  dispose(): void;
}

export interface StoreContext {
  part: Part;
  layers: readonly number[];
  transport: Transport;
  /** The data-parallel group, as a ring. */
  replicas: Ring;
  optimizer: Optimizer;
  compute: ComputeClock;
}

/** Per Part, every layer's parameter indices: asked for per layer per micro-batch, fixed for the Part's life. */
const indexed = new WeakMap<Part, Map<number, { main: number[]; after: number[] }>>();

/** Indices into part.params of layer li's parameters, main then after (ParamSpec.afterReduction). */
function paramIndices(part: Part, li: number): { main: number[]; after: number[] } {
  let byLayer = indexed.get(part);
  if (!byLayer) {
    byLayer = new Map();
    part.params.forEach((p, i) => {
      let e = byLayer!.get(p.layer);
      if (!e) byLayer!.set(p.layer, (e = { main: [], after: [] }));
      (p.spec.afterReduction ? e.after : e.main).push(i);
    });
    indexed.set(part, byLayer);
  }
  return byLayer.get(li) ?? NO_PARAMS;
}
const NO_PARAMS: { main: number[]; after: number[] } = Object.freeze({ main: [], after: [] }) as never;

/** Stage 0 and stages 1–2: every replica holds its whole share; they differ in how the step is taken. */
class ReplicatedStore implements ParamStore {
  private readonly grads = new Map<number, tf.Tensor>();
  /** Stages 1–2: this replica's chunk of the flat parameters, as one variable the optimiser steps. */
  private chunk: tf.Variable | null = null;

  constructor(private readonly c: StoreContext, private readonly shardStep: boolean) {}

  async acquire(li: number): Promise<LayerParams> {
    const { main, after } = paramIndices(this.c.part, li);
    const v = (i: number) => this.c.part.params[i].variable;
    return { main: main.map(v), after: after.map(v) };
  }

  release(): void {}

  async accumulate(li: number, grads: tf.Tensor[]): Promise<void> {
    const { main, after } = paramIndices(this.c.part, li);
    this.c.compute.time(() => [...main, ...after].forEach((pi, k) => {
      const prev = this.grads.get(pi);
      this.grads.set(pi, prev ? tf.add(prev, grads[k]) : grads[k]);
      if (prev) tf.dispose([prev, grads[k]]);
    }));
  }

  async update(tag: string): Promise<void> {
    const { part, replicas, transport, optimizer, compute: c } = this.c;
    const vars = part.params.map((p) => p.variable);
    const gs = c.time(() => vars.map((v, i) => this.grads.get(i) ?? tf.zerosLike(v)));
    this.grads.clear();
    if (replicas.size === 1) {
      c.time(() => optimizer.apply(vars, gs));
      tf.dispose(gs);
      return;
    }
    const flat = c.time(() => concatValues(gs));
    tf.dispose(gs);
    if (!this.shardStep) {
      await ringAllReduce(transport, replicas, flat, `${tag}/ar`);
      c.time(() => {
        const summed = splitValues(flat, vars.map((v) => v.shape));
        optimizer.apply(vars, summed);
        tf.dispose(summed);
      });
      return;
    }
    // ZeRO 1–2: reduce-scatter the gradients, step this replica's chunk, all-gather the new values.
    await ringReduceScatter(transport, replicas, flat, `${tag}/rs`);
    const [a, b] = ownedChunk(flat.length, replicas);
    const values = c.time(() => {
      // The chunk's master values come from the weights once; after that only the chunk moves.
      this.chunk ??= tf.variable(tf.tensor1d(concatValues(vars).subarray(a, b)), false);
      if (b > a) {
        const g = tf.tensor1d(flat.subarray(a, b));
        optimizer.apply([this.chunk], [g]);
        g.dispose();
      }
      // `flat` serves as the all-gather's buffer: its own chunk now the new values, the others
      // (partial gradient sums) overwritten by their owners' values.
      flat.set(this.chunk.dataSync() as Float32Array, a);
      return flat;
    });
    await ringAllGather(transport, replicas, values, `${tag}/ag`);
    c.time(() => tf.tidy(() => splitValues(values, vars.map((v) => v.shape)).forEach((t, k) => vars[k].assign(t))));
  }

  async finish(): Promise<Part> {
    return this.c.part;
  }

  dispose(): void {
    tf.dispose([...this.grads.values()]);
    this.chunk?.dispose();
  }
}

/** Stage 3: each replica keeps its chunk of every layer's flat parameters. */
class ShardedStore implements ParamStore {
  private readonly shards = new Map<number, { variable: tf.Variable; length: number; range: [number, number] }>();
  private readonly grads = new Map<number, Float32Array>();
  private readonly shardGrads = new Map<number, tf.Tensor>();

  constructor(private readonly c: StoreContext) {
    const { part, layers, replicas } = c;
    for (const li of layers) {
      const { main, after } = paramIndices(part, li);
      const flat = concatValues([...main, ...after].map((i) => part.params[i].variable));
      const range = ownedChunk(flat.length, replicas);
      this.shards.set(li, { variable: tf.variable(tf.tensor1d(flat.subarray(range[0], range[1])), false), length: flat.length, range });
    }
    part.drop();
  }

  /** Layer li's flat parameters, every replica's chunk gathered. */
  private async gather(li: number, tag: string): Promise<Float32Array> {
    const s = this.shards.get(li)!;
    const flat = new Float32Array(s.length);
    flat.set(s.variable.dataSync() as Float32Array, s.range[0]);
    await ringAllGather(this.c.transport, this.c.replicas, flat, tag);
    return flat;
  }

  async acquire(li: number, tag: string): Promise<LayerParams> {
    const flat = await this.gather(li, tag);
    const { part } = this.c;
    const { main, after } = paramIndices(part, li);
    return this.c.compute.time(() => {
      const ts = splitValues(flat, [...main, ...after].map((i) => part.params[i].variable.shape));
      return { main: ts.slice(0, main.length), after: ts.slice(main.length) };
    });
  }

  release(_li: number, p: LayerParams): void {
    tf.dispose([...p.main, ...p.after]);
  }

  async accumulate(li: number, grads: tf.Tensor[], last: boolean, tag: string): Promise<void> {
    const flat = this.c.compute.time(() => {
      const f = concatValues(grads);
      tf.dispose(grads);
      const prev = this.grads.get(li);
      if (prev) for (let i = 0; i < f.length; i++) f[i] += prev[i];
      return f;
    });
    if (!last) {
      this.grads.set(li, flat);
      return;
    }
    this.grads.delete(li);
    await ringReduceScatter(this.c.transport, this.c.replicas, flat, tag);
    const [a, b] = this.shards.get(li)!.range;
    this.shardGrads.set(li, tf.tensor1d(flat.slice(a, b)));
  }

  async update(): Promise<void> {
    this.c.compute.time(() => {
      const layers = [...this.shards.keys()].filter((li) => this.shards.get(li)!.variable.size > 0);
      const vars = layers.map((li) => this.shards.get(li)!.variable);
      const gs = layers.map((li) => this.shardGrads.get(li) ?? tf.zerosLike(this.shards.get(li)!.variable));
      this.c.optimizer.apply(vars, gs);
      tf.dispose([...gs, ...this.shardGrads.values()]);
      this.shardGrads.clear();
    });
  }

  async finish(tag: string): Promise<Part> {
    const { part } = this.c;
    for (const li of this.shards.keys()) {
      const flat = await this.gather(li, `${tag}/${li}`);
      const { main, after } = paramIndices(part, li);
      const order = [...main, ...after];
      splitFloats(flat, order.map((i) => part.params[i].variable.shape)).forEach((piece, k) => part.restore(order[k], piece));
    }
    return part;
  }

  dispose(): void {
    for (const s of this.shards.values()) s.variable.dispose();
    tf.dispose([...this.shardGrads.values()]);
  }
}

export function paramStore(zero: 0 | 1 | 2 | 3, c: StoreContext): ParamStore {
  return zero >= 3 ? new ShardedStore(c) : new ReplicatedStore(c, zero >= 1);
}

/** Whether layer li has parameters this worker must keep at all (layers without any need no store traffic). */
export const hasParams = (part: Part, li: number): boolean => layerImpl(part.model.layers[li].type).params(part.model.layers[li]).length > 0;
