// The position-wise feed-forward block: hidden → hiddenUnits → hidden. `swiglu` (Shazeer 2020,
// Llama) multiplies a SiLU-gated projection with a second "up" projection: three weight matrices.
// FLOPs count the projections (multiply-add = 2); the activation is element-wise and left out.
import type { z } from 'zod';
import type { MlpLayer } from '../schema';
import { Kernels, LayerKind, registerLayerKind } from './kind';
import { dropoutMaskBytes } from './embedding';
import { hiddenStates, isProblem, megatronBlockSplit } from './sequence';

type Mlp = z.infer<typeof MlpLayer>;

/** Projections into the hidden units: 2 for a gated activation (gate and up), else 1. */
export const inputProjections = (l: Mlp): number => (l.activation === 'swiglu' ? 2 : 1);

export const mlp: LayerKind<Mlp> = {
  type: 'mlp',
  outputShape(_l, [x]) {
    const hs = hiddenStates(x, 'mlp');
    return isProblem(hs) ? hs : x;
  },
  cost(l, [x]) {
    const [s, h] = x;
    const p = inputProjections(l);
    const weights = (p + 1) * h * l.hiddenUnits;
    const f = 2 * s * weights;
    return {
      parameters: weights + (l.useBias ?? true ? p * l.hiddenUnits + h : 0),
      forwardFlops: f, backwardInputFlops: f, backwardWeightFlops: f, splitUnits: l.hiddenUnits,
    };
  },
  // First projection(s) column-parallel, second row-parallel: one all-reduce forward, one backward
  // (Shoeybi et al. 2019, Fig. 3a); the output bias is added after the reduction, on every rank.
  split: (l, [x], _o, c) => megatronBlockSplit('units', l.hiddenUnits, x, c.parameters, l.useBias ?? true),
  // Korthikanti et al. 2022 §4.1 (19sbh bytes at 16-bit for a 4h GELU MLP): whole — the input
  // (2sbh) and the output dropout mask (sbh); split — the activation's input and output (8sbh
  // each). A gated activation keeps gate, up and their product.
  stash(l, [x]) {
    const [s, h] = x;
    const kept = (inputProjections(l) + 1) * s * l.hiddenUnits;
    return { wholeValues: s * h, wholeBytes: dropoutMaskBytes(l.dropout, s * h), splitValues: kept, splitBytes: 0, coreValues: 0, coreBytes: 0 };
  },
  // The projections, a fused bias-activation (reads and writes the hidden units; SwiGLU reads two
  // and writes one) and the output dropout's mask. The activation's backward (Megatron-LM's fused
  // bias-GeLU backward) reads the incoming gradient and the activation's inputs and writes their
  // gradients: 2·(2p + 1) bytes a hidden unit for p input projections.
  kernels(l, [x]): Kernels {
    const [s, h] = x;
    const p = inputProjections(l);
    const act = 2 * (p + 1) * s * l.hiddenUnits;
    return {
      gemms: [
        { rows: s, cols: p * l.hiddenUnits, inner: h, count: 1, divided: true },
        { rows: s, cols: h, inner: l.hiddenUnits, count: 1, divided: true },
      ],
      dividedBytes: { forward: act, backward: 2 * (2 * p + 1) * s * l.hiddenUnits },
      wholeBytes: { forward: l.dropout ? s * h : 0, backward: l.dropout ? s * h : 0 },
      launches: 4,
    };
  },
};

registerLayerKind(mlp);
