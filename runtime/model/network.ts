// Builds a part of the model (a set of layers, replicated or split across workers) with tfjs
// variables, initialised from the seed exactly as the full model would be, so a slice on worker r
// holds the same numbers as the same columns of a one-worker run.
import * as tf from '@tensorflow/tfjs-core';
import { AnalyzedModel, LayerInfo, MODEL_INPUT } from '../../simulator/model/analyze';
import { ForwardContext, layerImpl, ParamSpec } from './layers';
import { addAfterReduction } from './layers/kind';
import { Rng, streamKey } from './rng';
import { sliceAlong, UnitRange, unitRange } from './slice';

export interface PartParam {
  layer: number;
  spec: ParamSpec;
  /** Split units this worker holds along spec.splitAxis; null when the parameter is whole here. */
  range: UnitRange | null;
  variable: tf.Variable;
}

/**
 * The loss applies softmax itself, so a trailing softmax (a `softmax` layer, or the last layer's
 * softmax activation) is left out of the network: its input is the logits.
 */
export interface Head {
  excluded: Set<number>;
  skipActivation: Set<number>;
  logitsLayer: number;
}

export function headOf(model: AnalyzedModel): Head {
  const last = model.layers.length - 1;
  const l = model.layers[last];
  // A language model's crossEntropy layer is the loss itself (next-token targets come with the text).
  if (l.type === 'softmax' || l.type === 'crossEntropy') return { excluded: new Set([last]), skipActivation: new Set(), logitsLayer: l.inputs[0] };
  const act = (l.layer as { activation?: string }).activation;
  return { excluded: new Set(), skipActivation: act === 'softmax' ? new Set([last]) : new Set(), logitsLayer: last };
}

/** Standard deviation of GPT-2's weight initialisation (Radford et al. 2019; Hugging Face GPT2Config.initializer_range). */
export const GPT2_INIT_STD = 0.02;

/** The full initial value of one parameter: a pure function of (seed, layer name, parameter name). */
export function initialValue(seed: number, layer: LayerInfo, spec: ParamSpec): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  if (spec.init === 'ones') out.fill(1);
  else if (spec.init === 'he-uniform' || spec.init === 'gpt2') {
    // He et al. 2015 (arXiv:1502.01852) for ReLU networks, uniform variant: limit √(6 / fanIn).
    // GPT-2 draws transformer weights from N(0, 0.02) (Hugging Face's initializer_range); a uniform
    // draw with the same standard deviation has limit 0.02·√3.
    const limit = spec.init === 'gpt2' ? GPT2_INIT_STD * Math.sqrt(3) : Math.sqrt(6 / spec.fanIn);
    new Rng(streamKey(seed, 'init', layer.name, spec.name)).fillUniform(out, -limit, limit);
  }
  return out;
}

export interface PartOptions {
  seed: number;
  head: Head;
  /** Model parallelism: this worker's share of every layer. */
  split?: { workers: number; rank: number };
  /** Whether this worker counts the whole (unsplit) parameters in squares(): one replica of each does. Default true. */
  countsWhole?: boolean;
  /** Which layers `split` divides (default: every one); the others are held whole. */
  splits?: (info: LayerInfo) => boolean;
}

export class Part {
  readonly layers: number[];
  readonly params: PartParam[] = [];
  private readonly byLayer = new Map<number, tf.Variable[]>();
  private readonly member: Set<number>;

  constructor(readonly model: AnalyzedModel, layers: number[], readonly options: PartOptions) {
    const set = new Set(layers.filter((i) => !options.head.excluded.has(i)));
    this.member = set;
    this.layers = model.order.filter((i) => set.has(i));
    for (const li of this.layers) {
      const info = model.layers[li];
      const impl = layerImpl(info.type);
      const r = this.splitRange(li);
      const vars = impl.params(info).map((spec) => {
        let value = initialValue(options.seed, info, spec);
        let shape = spec.shape;
        let range: UnitRange | null = null;
        if (r && spec.splitAxis !== undefined) {
          const per = spec.unitsPerEntry ?? 1;
          range = per === 1 ? r : [r[0] / per, r[1] / per];
          value = sliceAlong(value, spec.shape, spec.splitAxis, range);
          shape = spec.shape.map((d, i) => (i === spec.splitAxis ? range![1] - range![0] : d));
        }
        // Unnamed: tfjs variable names are global to the thread, and several parts may hold one layer.
        const variable = tf.variable(tf.tensor(value, shape), true);
        this.params.push({ layer: li, spec, range, variable });
        return variable;
      });
      this.byLayer.set(li, vars);
    }
  }

  get variables(): tf.Variable[] {
    return this.params.map((p) => p.variable);
  }

  layerVariables(li: number): tf.Variable[] {
    return this.byLayer.get(li) ?? [];
  }

  /** Split units this worker holds of layer li (null when the part is replicated). */
  splitRange(li: number, rank = this.options.split?.rank): UnitRange | null {
    const s = this.options.split;
    if (!s || rank === undefined) return null;
    const info = this.model.layers[li];
    if (this.options.splits && !this.options.splits(info)) return null;
    return unitRange(info.split.units, s.workers, rank);
  }

  /** Output channels of layer li computed by worker `rank` (all of them when replicated). */
  outputRange(li: number, rank = this.options.split?.rank): UnitRange {
    const info = this.model.layers[li];
    const r = this.splitRange(li, rank);
    const c = info.outputShape[info.outputShape.length - 1];
    if (!r) return [0, c];
    const k = info.split.unitOutputs;
    return [r[0] * k, r[1] * k];
  }

  /**
   * Whether split layer `next` can take split layer `prev`'s slice as it is (no all-gather): it is
   * channel-wise (takes a sharded input) and, on every worker, its units are the channels that
   * worker computed of `prev`.
   */
  readsOwnSlice(prev: number, next: number): boolean {
    const s = this.options.split;
    if (!s || this.model.layers[next].split.input !== 'either') return false;
    for (let q = 0; q < s.workers; q++) {
      const need = this.splitRange(next, q)!;
      const have = this.outputRange(prev, q);
      if (need[0] !== have[0] || need[1] !== have[1]) return false;
    }
    return true;
  }

  /** One layer on full inputs: its output, restricted to this worker's channels when split. */
  forwardLayer(li: number, inputs: tf.Tensor[], ctx: ForwardContext): tf.Tensor {
    const info = this.model.layers[li];
    const c = this.options.head.skipActivation.has(li) ? { ...ctx, skipActivation: true } : ctx;
    const impl = layerImpl(info.type);
    const specs = impl.params(info);
    const vars = this.layerVariables(li);
    // Whole here: a row-parallel bias is added straight away (the tensor-parallel executor adds it after its reduction).
    const y = impl.forward(info, inputs, vars.filter((_, k) => !specs[k].afterReduction), this.splitRange(li), c);
    return addAfterReduction(y, vars.filter((_, k) => specs[k].afterReduction));
  }

  /** All layers of a replicated part; `x` feeds every layer whose input lies outside the part. */
  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const outs = new Map<number, tf.Tensor>();
    let last = x;
    for (const li of this.layers) {
      const inputs = this.model.layers[li].inputs.map((k) => (k === MODEL_INPUT || !this.member.has(k) ? x : outs.get(k)!));
      last = this.forwardLayer(li, inputs, ctx);
      outs.set(li, last);
    }
    return last;
  }

  /** Sum of squares of the parameters this worker owns: its slices, and whole ones if it counts them. */
  squares(): number {
    let s = 0;
    for (const p of this.params) {
      if (this.options.countsWhole === false && p.range === null) continue;
      // In float64: a float32 sum of a million squares drifts by ~1e-5 with the summation order.
      const d = p.variable.dataSync();
      for (let i = 0; i < d.length; i++) s += d[i] * d[i];
    }
    return s;
  }

  /** Frees every parameter's values (ZeRO-3 keeps shards of them elsewhere); restore() brings each back. */
  drop(): void {
    for (const p of this.params) if (!p.variable.isDisposed) p.variable.dispose();
  }

  /** Gives parameter i (index into `params`) the values `data`, as a new variable. */
  restore(i: number, data: Float32Array): void {
    const p = this.params[i];
    const old = p.variable;
    if (!old.isDisposed) old.dispose();
    p.variable = tf.variable(tf.tensor(data, old.shape), true);
    const vars = this.byLayer.get(p.layer)!;
    vars[vars.indexOf(old)] = p.variable;
  }

  dispose(): void {
    this.drop();
  }
}
