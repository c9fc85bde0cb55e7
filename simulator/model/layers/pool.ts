// Pooling: max/avg over windows (2D and 3D) and global average pooling; no weights.
// Cost: one FLOP per window element per output (a compare or an add).
import type { AvgPool2dLayer, GlobalAvgPoolLayer, MaxPool2dLayer, MaxPool3dLayer } from '../schema';
import type { z } from 'zod';
import { channels, channelwiseSplit, elements, LayerKind, registerLayerKind, Shape } from './kind';
import { expand, spatialOut } from './window';

type Pool = z.infer<typeof MaxPool2dLayer> | z.infer<typeof AvgPool2dLayer> | z.infer<typeof MaxPool3dLayer>;

function windowPool<L extends Pool>(type: L['type'], rank: number): LayerKind<L> {
  return {
    type,
    outputShape(l, [x]) {
      if (x.length !== rank + 1) return { field: 'type', message: `needs an input of rank ${rank + 1}, got [${x.join(', ')}]` };
      const k = expand(l.size, rank, 1);
      const s = expand(l.stride ?? l.size, rank, 1);
      const out = spatialOut(x.slice(0, rank), k, s, (l.padding ?? 0) as never);
      if (typeof out === 'string') return { field: 'size', message: out };
      return [...out, channels(x)];
    },
    cost(l, _x, out) {
      const window = expand(l.size, rank, 1).reduce((a, b) => a * b, 1);
      const f = window * elements(out);
      return { parameters: 0, forwardFlops: f, backwardInputFlops: f, backwardWeightFlops: 0, splitUnits: channels(out) };
    },
    split: (_l, _x, out) => channelwiseSplit(channels(out), 0),
  } as LayerKind<L>;
}

export const globalAvgPool: LayerKind<z.infer<typeof GlobalAvgPoolLayer>> = {
  type: 'globalAvgPool',
  outputShape(_l, [x]) {
    if (x.length < 2) return { field: 'type', message: `needs a spatial input, got [${x.join(', ')}]` };
    return [channels(x)];
  },
  cost(_l, [x]: Shape[], out) {
    const f = elements(x);
    return { parameters: 0, forwardFlops: f, backwardInputFlops: f, backwardWeightFlops: 0, splitUnits: channels(out) };
  },
  split: (_l, _x, out) => channelwiseSplit(channels(out), 0),
};

registerLayerKind(windowPool<z.infer<typeof MaxPool2dLayer>>('maxpool2d', 2));
registerLayerKind(windowPool<z.infer<typeof AvgPool2dLayer>>('avgpool2d', 2));
registerLayerKind(windowPool<z.infer<typeof MaxPool3dLayer>>('maxpool3d', 3));
registerLayerKind(globalAvgPool);
