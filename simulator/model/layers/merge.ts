// Layers with several inputs: residual `add` (same shapes) and channel `concat` (same spatial dims).
import type { z } from 'zod';
import type { AddLayer, ConcatLayer } from '../schema';
import { channels, channelwiseSplit, elements, elementwiseCost, LayerKind, registerLayerKind, Shape, wholeStash } from './kind';

const same = (a: Shape, b: Shape) => a.length === b.length && a.every((v, i) => v === b[i]);

export const add: LayerKind<z.infer<typeof AddLayer>> = {
  type: 'add',
  outputShape(_l, xs) {
    if (xs.length < 2) return { field: 'inputs', message: 'add needs at least two inputs' };
    const bad = xs.find((x) => !same(x, xs[0]));
    if (bad) return { field: 'inputs', message: `inputs have different shapes [${xs[0].join(', ')}] and [${bad.join(', ')}]` };
    return xs[0];
  },
  cost: (_l, xs, out) => elementwiseCost(out, xs.length - 1),
  // Channel-wise: sharded inputs stay sharded; in a transformer the residual stream is replicated,
  // so every tensor rank adds it whole (Megatron-LM). Backward needs nothing kept (Korthikanti).
  split: (_l, _xs, out) => channelwiseSplit(channels(out), 0),
  stash: () => wholeStash(0),
  // Residual add (Megatron fuses it with the bias and dropout): reads the inputs, writes the sum; backward passes the gradient on.
  kernels: (_l, xs, out) => ({
    gemms: [], dividedBytes: { forward: 0, backward: 0 }, wholeBytes: { forward: 2 * elements(out) * (xs.length + 1), backward: 2 * elements(out) * 2 }, launches: 1,
  }),
};

export const concat: LayerKind<z.infer<typeof ConcatLayer>> = {
  type: 'concat',
  outputShape(_l, xs) {
    if (xs.length < 2) return { field: 'inputs', message: 'concat needs at least two inputs' };
    const lead = xs[0].slice(0, -1);
    const bad = xs.find((x) => !same(x.slice(0, -1), lead));
    if (bad) return { field: 'inputs', message: `inputs differ outside the channel axis: [${xs[0].join(', ')}] and [${bad.join(', ')}]` };
    return [...lead, xs.reduce((a, x) => a + channels(x), 0)];
  },
  cost: (_l, _xs, out) => ({ ...elementwiseCost(out, 0) }),
};
registerLayerKind(add);
registerLayerKind(concat);
