// Layer norm (Ba et al. 2016) and RMS norm (Zhang & Sennrich 2019) over the hidden axis. Every
// tensor rank holds the gains and normalises the whole hidden vector (Megatron-LM replicates
// them); sequence parallelism divides the positions instead. Backprop keeps the input (2sbh bytes
// per norm at 16-bit, Korthikanti et al. 2022).
import type { z } from 'zod';
import type { LayerNormLayer, RmsNormLayer } from '../schema';
import { elements, LayerKind, registerLayerKind, REPLICATED, wholeStash } from './kind';
import { hiddenStates, isProblem } from './sequence';

type Norm = z.infer<typeof LayerNormLayer> | z.infer<typeof RmsNormLayer>;

/** `flops` per element forward (mean, variance, normalise, scale, shift: 5; RMS drops the mean and shift: 4). */
function norm<L extends Norm>(type: L['type'], gains: (l: L) => number, flops: number): LayerKind<L> {
  return {
    type,
    outputShape(_l, [x]) {
      const hs = hiddenStates(x, type);
      return isProblem(hs) ? hs : x;
    },
    cost(l, [x]) {
      const n = elements(x);
      return { parameters: gains(l) * x[x.length - 1], forwardFlops: flops * n, backwardInputFlops: flops * n, backwardWeightFlops: 2 * n, splitUnits: 0 };
    },
    split: () => REPLICATED,
    // Reads and writes the hidden states (2 + 2 bytes per value). Backward in two passes, as
    // Megatron-LM's fused layer norm runs it (fused_kernels/layer_norm_cuda_kernel.cu,
    // HostLayerNormGradient): the gains' partial gradients read the output gradient and the input
    // (2 + 2), then the input's gradient reads both again and writes one (2 + 2 + 2).
    kernels: (_l: L, [x]: readonly (readonly number[])[]) => ({
      gemms: [], dividedBytes: { forward: 0, backward: 0 }, wholeBytes: { forward: 4 * elements(x), backward: 10 * elements(x) }, launches: 1,
    }),
    stash: (_l: L, [x]: readonly (readonly number[])[]) => wholeStash(elements(x)),
  } as LayerKind<L>;
}

export const layerNorm = norm<z.infer<typeof LayerNormLayer>>('layerNorm', (l) => (l.useBias ?? true ? 2 : 1), 5);
export const rmsNorm = norm<z.infer<typeof RmsNormLayer>>('rmsNorm', () => 1, 4);

registerLayerKind(layerNorm);
registerLayerKind(rmsNorm);
