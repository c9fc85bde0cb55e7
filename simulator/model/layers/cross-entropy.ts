// Softmax cross-entropy of the logits against the next tokens: [sequence, vocabulary] → [sequence].
// Counted as element-wise work: max, exp, sum and log forward (4 FLOPs per logit), softmax minus
// one-hot backward (1). Megatron-LM computes it in fp32 on vocabulary-sharded logits: each rank
// reduces its slice and the ranks all-reduce three numbers per position (the maximum, the sum of
// exponentials, the target's logit); backprop keeps the fp32 softmax (4sv bytes, Korthikanti et al. 2022).
import type { z } from 'zod';
import type { CrossEntropyLayer } from '../schema';
import { elements, LayerKind, registerLayerKind } from './kind';

export const crossEntropy: LayerKind<z.infer<typeof CrossEntropyLayer>> = {
  type: 'crossEntropy',
  outputShape(_l, [x]) {
    if (x.length !== 2) return { field: 'type', message: `needs logits [sequence, vocabulary], got [${x.join(', ')}]` };
    return [x[0]];
  },
  cost: (_l, [x]) => ({ parameters: 0, forwardFlops: 4 * elements(x), backwardInputFlops: elements(x), backwardWeightFlops: 0, splitUnits: x[1] }),
  split: (_l, [x]) => ({
    over: 'vocabulary', units: x[1], even: false, unitOutputs: 1, splitParameters: 0,
    input: 'either', output: 'replicated', forwardReduce: 3 * x[0], backwardReduce: 0,
  }),
  // Pass by pass as Megatron-LM's vocabulary-parallel cross-entropy runs (mpu/cross_entropy.py on
  // `output.float()`, its default without --fp16-lm-cross-entropy), bytes per logit: the fp32 copy
  // (read 2, write 4), the maximum (read 4), subtracting it in place (4 + 4), exp in place (4 + 4),
  // the sum (4), dividing by it in place to keep the softmax for backward (4 + 4): 38. Backward
  // scales the softmax by the incoming gradient in place (4 + 4) and casts it back (4 + 2): 14.
  kernels: (_l, [x]) => ({ gemms: [], dividedBytes: { forward: 38 * elements(x), backward: 14 * elements(x) }, wholeBytes: { forward: 0, backward: 0 }, launches: 6 }),
  stash: (_l, [x]) => ({ splitValues: 0, wholeValues: 0, splitBytes: 4 * elements(x), wholeBytes: 0, coreValues: 0, coreBytes: 0 }),
};

registerLayerKind(crossEntropy);
