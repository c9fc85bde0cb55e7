// The time/cost Pareto frontier: plans no other plan beats on both seconds and cost — per sample,
// or to the target under the accuracy objectives.
import { axes, Objective, Score } from './objective';

export function paretoFrontier<T extends { score: Score }>(items: T[], o: Objective = 'throughput'): T[] {
  const sorted = items.map((it) => ({ it, a: axes(it.score, o) })).sort((x, y) => x.a.seconds - y.a.seconds || x.a.cost - y.a.cost);
  const out: T[] = [];
  let bestCost = Infinity;
  for (const { it, a } of sorted)
    if (a.cost < bestCost) {
      out.push(it);
      bestCost = a.cost;
    }
  return out;
}

/** True when some point is at least as good on both axes as `bound` (so nothing above the bound can join the frontier). */
export function dominated(points: Score[], bound: Score, o: Objective = 'throughput'): boolean {
  const b = axes(bound, o);
  return points.some((p) => {
    const a = axes(p, o);
    return a.seconds <= b.seconds && a.cost <= b.cost;
  });
}
