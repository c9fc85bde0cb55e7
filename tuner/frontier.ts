// The time/cost Pareto frontier: plans no other plan beats on both seconds and cost per sample.
import type { Score } from './objective';

export function paretoFrontier<T extends { score: Score }>(items: T[]): T[] {
  const sorted = [...items].sort((a, b) => a.score.secondsPerSample - b.score.secondsPerSample || a.score.costPerSample - b.score.costPerSample);
  const out: T[] = [];
  let bestCost = Infinity;
  for (const it of sorted)
    if (it.score.costPerSample < bestCost) {
      out.push(it);
      bestCost = it.score.costPerSample;
    }
  return out;
}

/** True when some point is at least as good on both axes as `bound` (so nothing above the bound can join the frontier). */
export function dominated(points: Score[], bound: Score): boolean {
  return points.some((p) => p.secondsPerSample <= bound.secondsPerSample && p.costPerSample <= bound.costPerSample);
}
