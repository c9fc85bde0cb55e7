// Shape checks shared by the transformer layers: hidden states are [sequence, hidden] per sample.
import type { Shape } from './kind';

export type ShapeProblem = { field: string; message: string };

/** [sequence, hidden] of a hidden-state input, or why the input is not one. */
export function hiddenStates(x: Shape, what: string): { s: number; h: number } | ShapeProblem {
  if (x.length !== 2) return { field: 'type', message: `${what} needs hidden states [sequence, hidden], got [${x.join(', ')}]` };
  return { s: x[0], h: x[1] };
}

export const isProblem = (v: object): v is ShapeProblem => 'message' in v;
