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
}

export interface LayerKind<L extends Layer = Layer> {
  type: L['type'];
  /** Output shape, or a message (with the offending field) when the input does not fit. */
  outputShape(layer: L, inputs: Shape[]): Shape | { field: string; message: string };
  cost(layer: L, inputs: Shape[], output: Shape): LayerCostParts;
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
