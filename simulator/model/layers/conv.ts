// Convolutions: conv2d, depthwiseConv2d, separableConv2d (depthwise then 1x1), conv3d.
// FLOPs count multiply-adds as 2 and leave out bias and activation (fused, < 0.5%), so that a
// separable convolution's FLOPs over the full one are exactly d/Cout + d/k² (MobileNet, Howard 2017 §3.1).
import type { Conv2dLayer, Conv3dLayer, DepthwiseConv2dLayer, SeparableConv2dLayer } from '../schema';
import type { z } from 'zod';
import { channels, channelwiseSplit, elements, LayerCostParts, LayerKind, registerLayerKind, Shape } from './kind';
import { expand, spatialOut } from './window';

type Conv2d = z.infer<typeof Conv2dLayer>;
type Depthwise = z.infer<typeof DepthwiseConv2dLayer>;
type Separable = z.infer<typeof SeparableConv2dLayer>;
type Conv3d = z.infer<typeof Conv3dLayer>;

function spatial(
  layer: { kernel: number | number[]; stride?: number | number[]; padding?: unknown }, input: Shape, rank: number,
): { dims: number[]; k: number[] } | { field: string; message: string } {
  if (input.length !== rank + 1) return { field: 'type', message: `needs an input of rank ${rank + 1}, got [${input.join(', ')}]` };
  const k = expand(layer.kernel, rank, 1);
  const s = expand(layer.stride, rank, 1);
  const pad = (layer.padding ?? 0) as number | number[] | 'same' | 'valid';
  const out = spatialOut(input.slice(0, rank), k, s, pad);
  if (typeof out === 'string') return { field: 'kernel', message: out };
  return { dims: out as number[], k };
}

/** A dense convolution with `cin` inputs per output, over `outPositions` positions. */
function convCost(outPositions: number, kernelVolume: number, cin: number, cout: number, bias: boolean): LayerCostParts {
  const weights = kernelVolume * cin * cout;
  const f = 2 * outPositions * weights;
  return { parameters: weights + (bias ? cout : 0), forwardFlops: f, backwardInputFlops: f, backwardWeightFlops: f, splitUnits: cout };
}

export const conv2d: LayerKind<Conv2d> = {
  type: 'conv2d',
  outputShape(l, [x]) {
    const s = spatial(l, x, 2);
    return 'dims' in s ? [...s.dims, l.filters] : s;
  },
  cost(l, [x], out) {
    const k = expand(l.kernel, 2, 1);
    const s = expand(l.stride, 2, 1);
    const winograd = k[0] === 3 && k[1] === 3 && s[0] === 1 && s[1] === 1;
    return { ...convCost(out[0] * out[1], k[0] * k[1], channels(x), l.filters, l.useBias ?? true), ...(winograd ? { winograd } : {}) };
  },
};

export const conv3d: LayerKind<Conv3d> = {
  type: 'conv3d',
  outputShape(l, [x]) {
    const s = spatial(l, x, 3);
    return 'dims' in s ? [...s.dims, l.filters] : s;
  },
  cost(l, [x], out) {
    const k = expand(l.kernel, 3, 1);
    return convCost(out[0] * out[1] * out[2], k[0] * k[1] * k[2], channels(x), l.filters, l.useBias ?? true);
  },
};

function depthwiseCost(out: Shape, x: Shape, kernel: number[], d: number, bias: boolean): LayerCostParts {
  const positions = elements(out) / channels(out);
  const mid = channels(x) * d;
  const weights = kernel[0] * kernel[1] * mid;
  const f = 2 * positions * weights;
  return { parameters: weights + (bias ? mid : 0), forwardFlops: f, backwardInputFlops: f, backwardWeightFlops: f, splitUnits: channels(x) };
}

export const depthwiseConv2d: LayerKind<Depthwise> = {
  type: 'depthwiseConv2d',
  outputShape(l, [x]) {
    const s = spatial(l, x, 2);
    return 'dims' in s ? [...s.dims, channels(x) * (l.depthMultiplier ?? 1)] : s;
  },
  cost(l, [x], out) {
    return depthwiseCost(out, x, expand(l.kernel, 2, 1), l.depthMultiplier ?? 1, l.useBias ?? true);
  },
  // Input channel c makes outputs c·m … c·m+m−1: a split divides input channels (each with its m
  // outputs), so 4 ranks need at least 4 input channels whatever the multiplier.
  split: (l, [x], _out, c) => channelwiseSplit(channels(x), c.parameters, l.depthMultiplier ?? 1),
};

export const separableConv2d: LayerKind<Separable> = {
  type: 'separableConv2d',
  outputShape(l, [x]) {
    const s = spatial(l, x, 2);
    return 'dims' in s ? [...s.dims, l.filters] : s;
  },
  cost(l, [x], out) {
    const d = l.depthMultiplier ?? 1;
    const dw = depthwiseCost([out[0], out[1], channels(x) * d], x, expand(l.kernel, 2, 1), d, false);
    const pw = convCost(out[0] * out[1], 1, channels(x) * d, l.filters, l.useBias ?? true);
    return {
      parameters: dw.parameters + pw.parameters,
      forwardFlops: dw.forwardFlops + pw.forwardFlops,
      backwardInputFlops: dw.backwardInputFlops + pw.backwardInputFlops,
      backwardWeightFlops: dw.backwardWeightFlops + pw.backwardWeightFlops,
      splitUnits: l.filters,
    };
  },
};

registerLayerKind(conv2d);
registerLayerKind(conv3d);
registerLayerKind(depthwiseConv2d);
registerLayerKind(separableConv2d);
