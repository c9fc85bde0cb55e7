// The interface every layer type implements: how it transforms shapes and what it costs.
// Costs are per sample, in FLOPs with a multiply-add counted as 2 (DESIGN.md).
import type { Layer, LayerType } from '../schema';

export type Shape = readonly number[];

export interface LayerCostParts {
  parameters: number;
  forwardFlops: number;
  /** FLOPs to compute the gradient w.r.t. the layer's input(s). */
  backwardInputFlops: number;
  /** FLOPs to compute the gradient w.r.t. the layer's weights. */
  backwardWeightFlops: number;
  /** Units a model-parallel split divides among workers (output units or channels); 0 when not splittable. */
  splitUnits: number;
  /**
   * A 3×3 stride-1 2-D convolution: libraries compute it with Winograd's minimal filtering
   * (Lavin & Gray, CVPR 2016), fewer multiplications than its FLOP count says; a device's
   * `winograd.speedup` states how much faster it runs (simulator/cost/compute.ts). Absent: false.
   */
  winograd?: boolean;
}

/**
 * How tensor (intra-layer) parallelism divides a layer among `t` ranks — the one description the
 * simulator, the tuner and the runtime all read (docs/transformers.md "How layers split").
 *
 * - `over`: what is divided. `heads` (attention: Q/K/V column-parallel by head, output projection
 *   row-parallel), `units` (output units or channels, column-parallel; the MLP: first projection
 *   column-, second row-parallel), `vocabulary` (embedding rows, LM-head columns, the loss),
 *   `channels` (input channels of a depthwise convolution, each with its `depthMultiplier` outputs),
 *   `none` (every rank holds the whole layer and does all its work: norms, adds; sequence
 *   parallelism divides these over the sequence instead).
 * - `units`: how many there are; `even`: whether a degree must divide them (Megatron's heads and
 *   padded vocabulary) or may leave some ranks one more (the weird trick's dense layers).
 * - `unitOutputs`: output channels per unit (the depthwise multiplier; 1 elsewhere).
 * - `splitParameters`: parameters divided among ranks; the rest (a row-parallel bias, a norm's
 *   gain) is replicated on every rank.
 * - `input`: the layout the layer needs — `replicated` (every rank has the whole input: a
 *   projection mixing all channels, a norm over the hidden axis) or `either` (channel-wise layers
 *   take a sharded input as it is, like the runtime's channelwise layers). `output`: `replicated`,
 *   `sharded` (each rank has its units' outputs; a layer needing `replicated` next makes the ranks
 *   all-gather — the weird trick's exchange) or `as-input` (channel-wise: the input's layout).
 * - `forwardReduce` / `backwardReduce`: values per sample all-reduced among the ranks after the
 *   forward pass (partial sums of a row-parallel output) and on the input gradient in backward
 *   (the replicated input of a column-parallel projection: Megatron's g and f operators). With
 *   sequence parallelism each all-reduce becomes a reduce-scatter plus an all-gather of the same total.
 */
export interface TensorSplit {
  over: 'heads' | 'units' | 'vocabulary' | 'channels' | 'none';
  units: number;
  even: boolean;
  unitOutputs: number;
  splitParameters: number;
  input: 'replicated' | 'either';
  output: 'replicated' | 'sharded' | 'as-input';
  forwardReduce: number;
  backwardReduce: number;
}

/**
 * What backprop keeps of a layer, per sample (Korthikanti et al. 2022, "Reducing Activation
 * Recomputation in Large Transformer Models", §4.1): activation values (bytes = values × the
 * activation data type) and fixed-width bytes (1-byte dropout masks, fp32 loss logits). `split`
 * parts are divided by tensor parallelism; `whole` parts are kept by every tensor rank (the
 * replicated input of a column-parallel projection, a norm's input, a mask after a row-parallel
 * reduction) and divided only by sequence parallelism. `core*` is the part of `split*` selective
 * recomputation drops and recomputes in backward (attention's scores, softmax and its dropout).
 */
export interface Stash {
  splitValues: number;
  wholeValues: number;
  splitBytes: number;
  wholeBytes: number;
  coreValues: number;
  coreBytes: number;
}

export interface LayerKind<L extends Layer = Layer> {
  type: L['type'];
  /** Output shape, or a message (with the offending field) when the input does not fit. */
  outputShape(layer: L, inputs: Shape[]): Shape | { field: string; message: string };
  cost(layer: L, inputs: Shape[], output: Shape): LayerCostParts;
  /** How tensor parallelism divides the layer; default: its `splitUnits` output units, column-parallel, uneven. */
  split?(layer: L, inputs: Shape[], output: Shape, cost: LayerCostParts): TensorSplit;
  /** What backprop keeps; default: the output, whole (what the convolutional zoo always assumed). */
  stash?(layer: L, inputs: Shape[], output: Shape): Stash;
  /** The kernels a GPU runs for the layer (transformer layers); absent: costed as one roofline over `cost`. */
  kernels?(layer: L, inputs: Shape[], output: Shape): Kernels;
  /** Other layers this one names (a tied LM head's embedding): each must exist, have `type` and agree on `sameAs`. */
  references?(layer: L): LayerReference[];
}

/**
 * One matrix product of the forward pass, per sample: `count` products of [rows × inner] by
 * [inner × cols]. `divided`: tensor parallelism divides it among ranks (by heads, units or
 * vocabulary), else every rank runs it whole. Backward runs two products of the same size per
 * forward one (input and weight gradients, or both operands' gradients).
 */
export interface Gemm {
  rows: number;
  cols: number;
  inner: number;
  count: number;
  divided: boolean;
  /** Attention's score products (QKᵀ, P·V): they move the score tensors, at the device's score bandwidth. */
  scores?: boolean;
}

/**
 * A layer's kernels: its matrix products, and the bytes its element-wise kernels read and write
 * per sample at 16-bit activations (softmax, dropout, bias-GeLU, norms, residual adds, as
 * Megatron-LM fuses them), forward and backward, divided by tensor parallelism or whole
 * (divided by sequence parallelism instead); `launches` counts kernels forward (backward: twice).
 */
export interface Kernels {
  gemms: Gemm[];
  dividedBytes: { forward: number; backward: number };
  /** Of attention's score tensors (softmax, dropout on the scores), divided like `dividedBytes`, at the device's score bandwidth. */
  scoreBytes?: { forward: number; backward: number };
  wholeBytes: { forward: number; backward: number };
  launches: number;
}

export interface LayerReference {
  field: string;
  name: string;
  type: LayerType;
  sameAs: Record<string, unknown>;
}

/** `units` outputs of a layer mixing all input channels, each rank computing its own (no reduction): the weird trick's dense layers. */
export function columnSplit(units: number, parameters: number): TensorSplit {
  if (units === 0) return REPLICATED;
  return { over: 'units', units, even: false, unitOutputs: 1, splitParameters: parameters, input: 'replicated', output: 'sharded', forwardReduce: 0, backwardReduce: 0 };
}

/** A channel-wise layer (pool, batch norm, dropout, activation, add): output channel c needs input channel c only. */
export function channelwiseSplit(units: number, parameters: number, unitOutputs = 1): TensorSplit {
  return { over: 'channels', units, even: false, unitOutputs, splitParameters: parameters, input: 'either', output: 'as-input', forwardReduce: 0, backwardReduce: 0 };
}

/** A layer every tensor rank holds and runs whole (on its sequence shard under sequence parallelism). */
export const REPLICATED: TensorSplit = {
  over: 'none', units: 0, even: false, unitOutputs: 1, splitParameters: 0, input: 'replicated', output: 'replicated', forwardReduce: 0, backwardReduce: 0,
};

/** A stash of `values` activation values every tensor rank keeps whole. */
export function wholeStash(values: number, maskBytes = 0): Stash {
  return { splitValues: 0, wholeValues: values, splitBytes: 0, wholeBytes: maskBytes, coreValues: 0, coreBytes: 0 };
}

export const elements = (s: Shape): number => s.reduce((a, b) => a * b, 1);
export const channels = (s: Shape): number => s[s.length - 1];

const kinds = new Map<LayerType, LayerKind>();

/** Layer kinds register themselves here; a duplicate is a programming error. */
export function registerLayerKind<L extends Layer>(kind: LayerKind<L>): void {
  if (kinds.has(kind.type)) throw new Error(`layer kind ${kind.type} registered twice`);
  kinds.set(kind.type, kind as unknown as LayerKind);
}

export function layerKind(type: LayerType): LayerKind {
  const k = kinds.get(type);
  if (!k) throw new Error(`no layer kind registered for ${type}`);
  return k;
}

/** A layer with no weights whose cost is `perElement` FLOPs per output element, forward and backward. */
export function elementwiseCost(output: Shape, perElement: number): LayerCostParts {
  const f = perElement * elements(output);
  return { parameters: 0, forwardFlops: f, backwardInputFlops: f, backwardWeightFlops: 0, splitUnits: channels(output) };
}
