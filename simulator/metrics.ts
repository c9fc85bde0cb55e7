// Turns a timeline into the figures users read: steady-state step time and, per worker, where
// the time went (compute, communication, the part of it hidden under compute, exposed, idle).
import { COMM, COMPUTE, TRANSFER, type TaskGraph } from './engine/graph';
import type { Timeline } from './engine/run';

export interface Breakdown {
  computeSeconds: number;
  communicationSeconds: number;
  hiddenCommunicationSeconds: number;
  exposedCommunicationSeconds: number;
  idleSeconds: number;
}

/**
 * Merges intervals sorted by start (flat pairs a0, b0, a1, b1, …, each non-empty) into disjoint
 * ones, in place; returns the number of merged pairs.
 */
function mergeSorted(xs: number[]): number {
  let out = 0;
  for (let i = 0; i < xs.length; i += 2) {
    const a = xs[i];
    const b = xs[i + 1];
    if (out > 0 && a <= xs[2 * out - 1]) {
      if (b > xs[2 * out - 1]) xs[2 * out - 1] = b;
    } else {
      xs[2 * out] = a;
      xs[2 * out + 1] = b;
      out++;
    }
  }
  return out;
}

/**
 * Sorts flat pairs by start, in place (insertion sort, stable): transfers are created roughly in
 * the order they run, so the list is nearly sorted already and this is close to one pass.
 */
function sortByStart(xs: number[]): number[] {
  for (let i = 2; i < xs.length; i += 2) {
    const a = xs[i];
    const b = xs[i + 1];
    let j = i - 2;
    while (j >= 0 && xs[j] > a) {
      xs[j + 2] = xs[j];
      xs[j + 3] = xs[j + 1];
      j -= 2;
    }
    xs[j + 2] = a;
    xs[j + 3] = b;
  }
  return xs;
}

const lengthOf = (xs: number[], n: number): number => {
  let t = 0;
  for (let i = 0; i < n; i++) t += xs[2 * i + 1] - xs[2 * i];
  return t;
};

/** Total length of the intersection of two disjoint sorted interval lists. */
function overlap(a: number[], na: number, b: number[], nb: number): number {
  let t = 0;
  let i = 0;
  let j = 0;
  while (i < na && j < nb) {
    const lo = Math.max(a[2 * i], b[2 * j]);
    const hi = Math.min(a[2 * i + 1], b[2 * j + 1]);
    if (hi > lo) t += hi - lo;
    if (a[2 * i + 1] < b[2 * j + 1]) i++;
    else j++;
  }
  return t;
}

/**
 * End of each step (the last task of that step to finish, on any worker) and its start (the
 * first task of it that takes time to begin).
 */
export function stepSpans(g: TaskGraph, t: Timeline, steps: number): { starts: number[]; ends: number[] } {
  const ends = new Array<number>(steps).fill(0);
  const starts = new Array<number>(steps).fill(Infinity);
  const step = g.steps;
  for (let i = 0; i < g.size; i++) {
    const k = step[i];
    if (t.end[i] > ends[k]) ends[k] = t.end[i];
    if (t.end[i] > t.start[i] && t.start[i] < starts[k]) starts[k] = t.start[i];
  }
  return { starts, ends };
}

/**
 * How many steps after it the last step still runs alongside: the largest d such that step
 * (last − d) was still running when the last step began (0: steps do not overlap).
 */
export function stepReach(spans: { starts: number[]; ends: number[] }): number {
  const last = spans.ends.length - 1;
  let reach = 0;
  for (let d = 1; d <= last; d++) if (spans.ends[last - d] > spans.starts[last]) reach = d;
  return reach;
}

/** Average over workers of where the time of one steady-state step goes, in [lo, hi]. */
export function breakdown(g: TaskGraph, t: Timeline, workers: number, lo: number, hi: number, steps: number): Breakdown {
  // Per worker, the compute and communication intervals inside [lo, hi] as flat pairs: only the
  // measured steps matter, so everything else is dropped before any sorting.
  const comp: number[][] = Array.from({ length: workers }, () => []);
  const comm: number[][] = Array.from({ length: workers }, () => []);
  const { kinds, where, dst, cats } = g;
  for (let i = 0; i < g.size; i++) {
    const a = Math.max(t.start[i], lo);
    const b = Math.min(t.end[i], hi);
    if (!(b > a)) continue;
    const w = where[i];
    if (kinds[i] === COMPUTE) comp[w].push(a, b);
    else if (kinds[i] === TRANSFER) {
      // The object store (index = workers) is not a worker.
      if (w < workers) comm[w].push(a, b);
      if (dst[i] < workers) comm[dst[i]].push(a, b);
    } else if (w >= 0 && cats[i] === COMM) comm[w].push(a, b);
  }
  const acc: Breakdown = { computeSeconds: 0, communicationSeconds: 0, hiddenCommunicationSeconds: 0, exposedCommunicationSeconds: 0, idleSeconds: 0 };
  for (let w = 0; w < workers; w++) {
    // A compute stream runs in order, so its intervals are already sorted by start.
    const c = comp[w];
    const nc = mergeSorted(c);
    const m = sortByStart(comm[w]);
    const nm = mergeSorted(m);
    const compute = lengthOf(c, nc);
    const communication = lengthOf(m, nm);
    const hidden = overlap(c, nc, m, nm);
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
