// Shape checks and the tensor-parallel split shared by the transformer layers: hidden states are [sequence, hidden] per sample.
import type { Shape, TensorSplit } from './kind';

export type ShapeProblem = { field: string; message: string };

/** [sequence, hidden] of a hidden-state input, or why the input is not one. */
export function hiddenStates(x: Shape, what: string): { s: number; h: number } | ShapeProblem {
  if (x.length !== 2) return { field: 'type', message: `${what} needs hidden states [sequence, hidden], got [${x.join(', ')}]` };
  return { s: x[0], h: x[1] };
}

export const isProblem = (v: object): v is ShapeProblem => 'message' in v;

/**
 * A Megatron block's tensor-parallel split (Shoeybi et al. 2019, Fig. 3): first projection(s)
 * column-parallel over `over`, the last row-parallel; one all-reduce of the output forward and one
 * of the input gradient backward, both of the [s, h] hidden states; the output bias is added after
 * the reduction, on every rank, so it is not split.
 */
export function megatronBlockSplit(over: 'heads' | 'units', units: number, [s, h]: Shape, parameters: number, useBias: boolean): TensorSplit {
  return {
    over, units, even: true, unitOutputs: 1,
    splitParameters: parameters - (useBias ? h : 0),
    input: 'replicated', output: 'replicated', forwardReduce: s * h, backwardReduce: s * h,
  };
}
