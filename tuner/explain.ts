// Why the best plan wins: each other family's best plan and what costs it the difference —
// exposed communication, idle time, or memory.
import type { Family } from './space';
import type { Scored, TuneResult } from './tune';

export interface Explanation {
  family: Family;
  plan?: Scored;
  slowdown?: number;
  reason: string;
}

export function explain(r: TuneResult): Explanation[] {
  const best = r.best;
  if (!best) return [];
  const out: Explanation[] = [];
  for (const fam of ['single', 'data', 'model', 'hybrid', 'pipeline'] as Family[]) {
    if (fam === best.family) continue;
    const s = r.families[fam];
    if (!s) {
      const why = r.infeasibleFamilies[fam];
      if (why) out.push({ family: fam, reason: `every candidate infeasible (${why})` });
      continue;
    }
    const b = s.result.breakdown;
    const bb = best.result.breakdown;
    const slowdown = s.score.secondsPerSample / best.score.secondsPerSample;
    const parts: string[] = [];
    // Worker-milliseconds per sample: what each plan spends, whatever its number of workers.
    const perSample = (x: number, res: Scored) => ((x * res.result.plan.workers) / res.result.samplesPerStep) * 1e3;
    const dExposed = perSample(b.exposedCommunicationSeconds, s) - perSample(bb.exposedCommunicationSeconds, best);
    const dIdle = perSample(b.idleSeconds, s) - perSample(bb.idleSeconds, best);
    const dCompute = perSample(b.computeSeconds, s) - perSample(bb.computeSeconds, best);
    // Differences under 1% of the best plan's cost per sample are noise, not reasons.
    const floor = 0.01 * perSample(bb.computeSeconds + bb.exposedCommunicationSeconds + bb.idleSeconds, best);
    if (s.result.plan.workers < best.result.plan.workers) parts.push(`uses ${s.result.plan.workers} of ${best.result.plan.workers} workers`);
    if (dExposed > floor) parts.push(`exposed communication +${dExposed.toPrecision(3)} worker-ms/sample`);
    if (dIdle > floor) parts.push(`idle +${dIdle.toPrecision(3)} worker-ms/sample`);
    if (dCompute > floor) parts.push(`compute +${dCompute.toPrecision(3)} worker-ms/sample (split or smaller work runs less efficiently)`);
    out.push({ family: fam, plan: s, slowdown, reason: parts.length ? parts.join('; ') : 'ties the best' });
  }
  return out;
}
