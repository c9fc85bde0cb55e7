// One simulated run's timeline as the report draws it: a track per worker's compute stream, one
// per worker's communication and one per network link, and every task as a box on its tracks.
// The Perfetto trace of the same run travels gzipped beside it, for download.
import { gzipSync } from 'node:zlib';
import { CATEGORIES, COMPUTE, TRANSFER, type TaskGraph } from '../simulator/engine/graph';
import type { Timeline } from '../simulator/engine/run';
import { stepSpans } from '../simulator/metrics';
import { traceDocument } from '../simulator/trace';
import type { Topology } from '../simulator/topology/topology';
import type { TimelineSection } from './data';

/** Workers drawn: beyond this a page of tracks stops being readable (the trace keeps them all). */
export const MAX_WORKERS_SHOWN = 16;
/**
 * Boxes above which only the measured step is kept: at 21,000 boxes (AlexNet-OWT hybrid on 32
 * A100s) the page weighed 2.7 MB and took 2.9 s to open on a loaded 2-core machine.
 */
export const MAX_BOXES = 20_000;
/** Times are kept to a tenth of a microsecond: far below a pixel, and half the digits. */
const round = (s: number) => Math.round(s * 1e7) / 1e7;
/** Traces larger than this (before gzip) are left out: the file must stay a few megabytes. */
const MAX_TRACE_BYTES = 12e6;

export function timelineSection(g: TaskGraph, t: Timeline, workers: number, topo: Topology, planWorkers = workers): TimelineSection {
  const shown = Math.min(workers, MAX_WORKERS_SHOWN);
  let steps = 0;
  for (let i = 0; i < g.size; i++) steps = Math.max(steps, g.steps[i] + 1);
  const spans = stepSpans(g, t, steps);
  // Synchronous plans repeat from the second step on (see simulate); it is the one measured.
  const measured = Math.min(1, steps - 1);
  const window: [number, number] = [spans.starts[measured], spans.ends[measured]];
  const tracks: string[] = [];
  for (let w = 0; w < shown; w++) tracks.push(`worker ${w} compute`, `worker ${w} communication`);
  const linkTrack = new Map<number, number>();
  const labelIndex = new Map<string, number>();
  const out = { track: [] as number[], start: [] as number[], end: [] as number[], category: [] as number[], label: [] as number[], labels: [] as string[] };
  const box = (track: number, i: number, label: string) => {
    let li = labelIndex.get(label);
    if (li === undefined) {
      li = out.labels.length;
      labelIndex.set(label, li);
      out.labels.push(label);
    }
    out.track.push(track);
    out.start.push(round(t.start[i]));
    out.end.push(round(t.end[i]));
    out.category.push(g.cats[i]);
    out.label.push(li);
  };
  const collect = (keep: (i: number) => boolean) => {
    for (let i = 0; i < g.size; i++) {
      if (!(t.end[i] > t.start[i]) || !keep(i)) continue;
      const w = g.where[i];
      const label = g.labels[i];
      if (g.kinds[i] === COMPUTE) {
        if (w < shown) box(2 * w, i, label);
      } else if (g.kinds[i] === TRANSFER) {
        const dst = g.dst[i];
        // A worker's communication track shows what it sends, and what it fetches from the store.
        const owner = w < workers ? w : dst;
        if (owner < shown) box(2 * owner + 1, i, `${label} → ${dst < workers ? `w${dst}` : 'store'}`);
        for (const l of topo.route(w, dst)) {
          let tr = linkTrack.get(l);
          if (tr === undefined) linkTrack.set(l, (tr = -1 - linkTrack.size));
          box(tr, i, label);
        }
      } else if (w >= 0 && w < shown) box(2 * w + 1, i, label);
    }
  };
  collect(() => true);
  if (out.track.length > MAX_BOXES) {
    for (const k of Object.keys(out) as (keyof typeof out)[]) out[k].length = 0;
    labelIndex.clear();
    linkTrack.clear();
    collect((i) => g.steps[i] === measured);
  }
  // Link tracks after the workers', by name (a worker's up and down links together).
  const linkName = (l: number) => topo.links[l]?.name ?? String(l);
  const links = [...linkTrack.entries()].sort((a, b) => linkName(a[0]).localeCompare(linkName(b[0]), 'en', { numeric: true }));
  const position = new Map<number, number>();
  for (const [l, tr] of links) {
    position.set(tr, tracks.length);
    tracks.push(`link ${linkName(l)}`);
  }
  const track = out.track.map((x) => (x >= 0 ? x : position.get(x)!));
  const trace = traceDocument(g, t, topo);
  return {
    tracks, categories: [...CATEGORIES], labels: out.labels, track, start: out.start, end: out.end, category: out.category, label: out.label,
    window, steps, workersShown: shown, workers, planWorkers,
    ...(trace.length <= MAX_TRACE_BYTES ? { traceGzipBase64: gzipSync(trace, { level: 9 }).toString('base64') } : {}),
  };
}
