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
  // fp32 on 16-bit logits: read them (2 bytes), write and read the fp32 softmax (4 + 4), forward;
  // backward reads the softmax and writes the logits' gradient (4 + 2).
  kernels: (_l, [x]) => ({ gemms: [], dividedBytes: { forward: 10 * elements(x), backward: 6 * elements(x) }, wholeBytes: { forward: 0, backward: 0 }, launches: 4 }),
  stash: (_l, [x]) => ({ splitValues: 0, wholeValues: 0, splitBytes: 4 * elements(x), wholeBytes: 0, coreValues: 0, coreBytes: 0 }),
};

registerLayerKind(crossEntropy);
