// Turns a timeline into the figures users read: steady-state step time and, per worker, where
// the time went (compute, communication, the part of it hidden under compute, exposed, idle).
import type { Task } from './engine/graph';
import type { Timeline } from './engine/run';

export interface Breakdown {
  computeSeconds: number;
  communicationSeconds: number;
  hiddenCommunicationSeconds: number;
  exposedCommunicationSeconds: number;
  idleSeconds: number;
}

type Interval = [number, number];

function union(xs: Interval[], sorted = false): Interval[] {
  const s = xs.filter(([a, b]) => b > a);
  if (!sorted) s.sort((p, q) => p[0] - q[0]);
  const out: Interval[] = [];
  for (const [a, b] of s) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
const clip = (xs: Interval[], lo: number, hi: number): Interval[] => xs.map(([a, b]) => [Math.max(a, lo), Math.min(b, hi)] as Interval).filter(([a, b]) => b > a);
const length = (xs: Interval[]) => xs.reduce((t, [a, b]) => t + (b - a), 0);
function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i][0], b[j][0]);
    const hi = Math.min(a[i][1], b[j][1]);
    if (hi > lo) out.push([lo, hi]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

/** End of each step: the last task of that step to finish, on any worker. */
export function stepEnds(tasks: Task[], t: Timeline, steps: number): number[] {
  const ends = new Array(steps).fill(0);
  for (const task of tasks) ends[task.step] = Math.max(ends[task.step], t.end[task.id]);
  return ends;
}

/** Average over workers of where the time of one steady-state step goes, in [lo, hi]. */
export function breakdown(tasks: Task[], t: Timeline, workers: number, lo: number, hi: number, steps: number): Breakdown {
  const comp: Interval[][] = Array.from({ length: workers }, () => []);
  const comm: Interval[][] = Array.from({ length: workers }, () => []);
  for (const task of tasks) {
    const iv: Interval = [t.start[task.id], t.end[task.id]];
    if (task.kind === 'compute') comp[task.worker].push(iv);
    else if (task.kind === 'transfer') {
      // The object store (index = workers) is not a worker.
      if (task.src < workers) comm[task.src].push(iv);
      if (task.dst < workers) comm[task.dst].push(iv);
    } else if (task.worker >= 0 && task.cat === 'comm') comm[task.worker].push(iv);
  }
  const acc: Breakdown = { computeSeconds: 0, communicationSeconds: 0, hiddenCommunicationSeconds: 0, exposedCommunicationSeconds: 0, idleSeconds: 0 };
  for (let w = 0; w < workers; w++) {
    // A compute stream runs in order, so its intervals are already sorted by start.
    const c = clip(union(comp[w], true), lo, hi);
    const m = clip(union(comm[w]), lo, hi);
    const compute = length(c);
    const communication = length(m);
    const hidden = length(intersect(c, m));
    acc.computeSeconds += compute;
    acc.communicationSeconds += communication;
    acc.hiddenCommunicationSeconds += hidden;
    acc.exposedCommunicationSeconds += communication - hidden;
    acc.idleSeconds += hi - lo - compute - (communication - hidden);
  }
  const k = workers * steps;
  for (const key of Object.keys(acc) as (keyof Breakdown)[]) acc[key] = Math.max(0, acc[key] / k);
  return acc;
}
