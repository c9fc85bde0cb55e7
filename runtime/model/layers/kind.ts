// The interface every runtime layer implements: its parameters (full size, and how model
// parallelism splits them) and its forward pass on tfjs-core ops. Gradients come from the tape.
import * as tf from '@tensorflow/tfjs-core';
import type { LayerInfo } from '../../../simulator/model/analyze';
import type { LayerType } from '../../../simulator/model/schema';
import type { UnitRange } from '../slice';

export interface ParamSpec {
  name: string;
  /** Full (unsplit) shape. */
  shape: number[];
  init: 'he-uniform' | 'zeros' | 'ones' | 'gpt2';
  /** Inputs per output unit, for He initialisation. */
  fanIn: number;
  /** Axis that model parallelism splits, in the layer's split units (LayerInfo.split.units); absent: replicated. */
  splitAxis?: number;
  /** Split units per entry along splitAxis (grouped-query attention: one K/V head per heads/kvHeads query heads). Default 1. */
  unitsPerEntry?: number;
  /**
   * Added to the layer's output after the tensor-parallel reduction, on every rank (a row-parallel
   * output bias: Megatron-LM adds it once to the reduced sum). `forward` leaves it out; the executor
   * adds it and its gradient is the output gradient summed over the positions.
   */
  afterReduction?: boolean;
}

export interface ForwardContext {
  training: boolean;
  seed: number;
  step: number;
  /** Global indices of the samples in this batch, in row order (dropout masks are keyed by them). */
  samples: readonly number[];
  /** The output activation is left off (the loss applies softmax itself). */
  skipActivation?: boolean;
}

export interface LayerImpl {
  type: LayerType;
  params(l: LayerInfo): ParamSpec[];
  // How many units a model-parallel split divides is not the runtime's to say: it is the simulator
  // layer kind's (LayerInfo.split.units), so that what the simulator accepts and what the runtime
  // splits can never disagree (issue 11: depthwise with a multiplier split cin·m units in one and
  // cin in the other, and `run` divided by zero).
  // Whether a split layer takes the previous layer's slice as it is (channel-wise: split.input
  // 'either') and how many output channels each unit makes (split.unitOutputs) are the simulator
  // layer kind's too (LayerInfo.split).
  /**
   * Output of the layer for full inputs `xs`, with `ps` the layer's parameters but those added
   * after the reduction (ParamSpec.afterReduction), in params() order (split along
   * splitAxis when `r` is given), restricted to the output channels of split units `r` when given.
   */
  forward(l: LayerInfo, xs: tf.Tensor[], ps: tf.Tensor[], r: UnitRange | null, ctx: ForwardContext): tf.Tensor;
}

const impls = new Map<LayerType, LayerImpl>();

export function registerLayerImpl(impl: LayerImpl): void {
  if (impls.has(impl.type)) throw new Error(`runtime layer ${impl.type} registered twice`);
  impls.set(impl.type, impl);
}

export function layerImpl(type: LayerType): LayerImpl {
  const k = impls.get(type);
  if (!k) throw new Error(`the runtime has no implementation of layer type ${type}`);
  return k;
}

export const channelsOf = (shape: readonly number[]): number => shape[shape.length - 1];

/** Channels [a, b) of x along its last axis (x as it is when it already holds only those). */
export function sliceChannels<T extends tf.Tensor>(x: T, r: UnitRange | null): T {
  if (!r || (r[0] === 0 && r[1] === channelsOf(x.shape))) return x;
  if (channelsOf(x.shape) === r[1] - r[0]) return x;
  const begin = x.shape.map((_, i) => (i === x.rank - 1 ? r[0] : 0));
  const size = x.shape.map((d, i) => (i === x.rank - 1 ? r[1] - r[0] : d));
  return tf.slice(x, begin, size) as T;
}

/**
 * One-hot rows of `indices` as float32 (a row of zeros for an index outside [0, depth)). Made as
 * int32 and cast: tfjs-backend-wasm 4.22's OneHot with dtype float32 writes the int32 bit pattern
 * of 1 into the float buffer (rows of 1.4e-45, measured here).
 */
export function oneHotFloat(indices: tf.Tensor1D, depth: number): tf.Tensor2D {
  return tf.cast(tf.oneHot(indices, depth), 'float32') as tf.Tensor2D;
}

/** `y` plus the parameters a layer adds after the tensor-parallel reduction (broadcast over the positions). */
export function addAfterReduction(y: tf.Tensor, ps: readonly tf.Tensor[]): tf.Tensor {
  return ps.reduce((a, p) => tf.add(a, p), y);
}

export function activate(x: tf.Tensor, activation: string | undefined, ctx: ForwardContext): tf.Tensor {
  if (ctx.skipActivation) return x;
  switch (activation ?? 'linear') {
    case 'linear': return x;
    case 'relu': return tf.relu(x);
    case 'relu6': return tf.relu6(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'tanh': return tf.tanh(x);
    case 'softmax': return tf.softmax(x);
    default: throw new Error(`unknown activation ${activation}`);
  }
}

/** A layer without weights that acts on each channel separately: slice the input, then compute. */
export function channelwise(type: LayerType, f: (l: LayerInfo, xs: tf.Tensor[], ctx: ForwardContext, r: UnitRange | null) => tf.Tensor): LayerImpl {
  return {
    type,
    params: () => [],
    forward: (l, xs, _ps, r, ctx) => f(l, xs.map((x) => sliceChannels(x, r)), ctx, r),
  };
}

/** A layer without weights that mixes channels: compute in full, then keep the slice. */
export function mixing(type: LayerType, f: (l: LayerInfo, xs: tf.Tensor[], ctx: ForwardContext) => tf.Tensor): LayerImpl {
  return {
    type,
    params: () => [],
    forward: (l, xs, _ps, r, ctx) => sliceChannels(f(l, xs, ctx), r),
  };
}
