// Chrome trace event format (opens in Perfetto / chrome://tracing): one process per worker with
// its compute stream, one track per link for the transfers crossing it. Written atomically.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { problem, UserError } from './errors';
import type { TaskGraph } from './engine/graph';
import type { Timeline } from './engine/run';
import type { Topology } from './topology/topology';

export function traceEvents(graph: TaskGraph, t: Timeline, topo?: Topology): object[] {
  const us = (s: number) => s * 1e6;
  const ev: object[] = [];
  const LINKS_PID = 1_000_000;
  ev.push({ name: 'process_name', ph: 'M', pid: LINKS_PID, args: { name: 'links' } });
  for (const task of graph.tasks) {
    const ts = us(t.start[task.id]);
    const dur = us(t.end[task.id] - t.start[task.id]);
    const args = { step: task.step, cat: task.cat };
    if (task.kind === 'compute') ev.push({ name: task.label, cat: task.cat, ph: 'X', pid: task.worker, tid: 0, ts, dur, args });
    else if (task.kind === 'transfer') {
      const links = topo ? topo.route(task.src, task.dst) : [];
      for (const l of links) ev.push({ name: task.label, cat: 'comm', ph: 'X', pid: LINKS_PID, tid: l, ts, dur, args: { ...args, bytes: task.bytes, src: task.src, dst: task.dst } });
      ev.push({ name: `${task.label} → w${task.dst}`, cat: 'comm', ph: 'X', pid: task.src, tid: 1, ts, dur, args: { ...args, bytes: task.bytes } });
    } else if (task.worker >= 0 && dur > 0) ev.push({ name: task.label, cat: task.cat, ph: 'X', pid: task.worker, tid: 1, ts, dur, args });
  }
  const workers = new Set(graph.tasks.map((x) => (x.kind === 'transfer' ? x.src : x.worker)).filter((w) => w >= 0));
  for (const w of workers) {
    ev.push({ name: 'process_name', ph: 'M', pid: w, args: { name: `worker ${w}` } });
    ev.push({ name: 'thread_name', ph: 'M', pid: w, tid: 0, args: { name: 'compute' } });
    ev.push({ name: 'thread_name', ph: 'M', pid: w, tid: 1, args: { name: 'communication' } });
  }
  if (topo) for (const l of topo.links) ev.push({ name: 'thread_name', ph: 'M', pid: LINKS_PID, tid: l.id, args: { name: l.name } });
  return ev;
}

export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    // The user named `file`; the temporary beside it is ours and means nothing to them.
    throw new UserError([problem('', `cannot write it: ${WRITE_ERRORS[(e as NodeJS.ErrnoException).code ?? ''] ?? (e as Error).message}`)], file);
  }
}

const WRITE_ERRORS: Record<string, string> = {
  ENOENT: 'its directory does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of its path is not a directory',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
};

/** The trace file's content (Chrome trace event format). */
export function traceDocument(graph: TaskGraph, t: Timeline, topo?: Topology): string {
  return JSON.stringify({ traceEvents: traceEvents(graph, t, topo), displayTimeUnit: 'ms' });
}

export function writeTrace(file: string, graph: TaskGraph, t: Timeline, _workers: number, topo?: Topology): void {
  writeAtomic(file, traceDocument(graph, t, topo));
}
