// Held-out figures of a run: the loss curve, and the step at which the target was reached.
import type { Target } from '../simulator/model/training';

export interface ValidationPoint {
  step: number;
  /** Samples trained on when it was taken (steps done × samples per step). */
  samples: number;
  loss: number;
  accuracy: number;
}

export const reached = (t: Target, v: { loss: number; accuracy: number }): boolean => (t.metric === 'loss' ? v.loss <= t.value : v.accuracy >= t.value);

/**
 * Steps to the target: the first evaluation that reaches it, interpolated linearly in the metric
 * from the evaluation before (evaluations every k steps would otherwise round up to a multiple of
 * k). Steps are counted as steps done (evaluation after step s: s + 1 steps).
 */
export function stepsToTarget(t: Target, curve: ValidationPoint[]): number | undefined {
  const metric = (v: ValidationPoint) => (t.metric === 'loss' ? v.loss : v.accuracy);
  const i = curve.findIndex((v) => reached(t, v));
  if (i < 0) return undefined;
  const at = curve[i].step + 1;
  if (i === 0) return at;
  const prev = curve[i - 1];
  const a = metric(prev);
  const b = metric(curve[i]);
  const f = b === a ? 1 : (t.value - a) / (b - a);
  return prev.step + 1 + Math.min(1, Math.max(0, f)) * (at - (prev.step + 1));
}
