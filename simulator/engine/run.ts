// Executes a task graph on the event engine: dependencies, one in-order compute stream per
// worker, transfers as latency then a max-min fair flow.
import { Engine } from './engine';
import { FlowNetwork, RateMemo } from './flows';
import { COMM, COMPUTE, DELAY, TRANSFER, type TaskGraph } from './graph';
import type { Topology } from '../topology/topology';

export interface Timeline {
  start: Float64Array;
  end: Float64Array;
  makespan: number;
  events: number;
  /** Bytes carried per link, and bytes sent / received per worker (the conservation law). */
  linkBytes: number[];
  sentBytes: number[];
  receivedBytes: number[];
}

/** Max-min rates already worked out on a topology, shared by every run on it (the tuner's thousands). */
const memos = new WeakMap<Topology, RateMemo>();

function memoOf(topology: Topology): RateMemo {
  let m = memos.get(topology);
  if (!m) memos.set(topology, (m = new RateMemo()));
  return m;
}

/**
 * Integer working arrays for a run, carved from one buffer kept between runs (a run is
 * synchronous and never nested): fresh typed arrays for each of the tuner's thousands of runs
 * cost more than the run's own loops. Returns a function handing out zeroed arrays, `total`
 * elements in all.
 */
let pool = new Int32Array(1 << 14);
function scratch(total: number): (size: number) => Int32Array {
  if (pool.length < total) pool = new Int32Array(Math.max(total, 2 * pool.length));
  pool.fill(0, 0, total);
  let used = 0;
  return (size) => pool.subarray(used, (used += size));
}

/**
 * `slowdown` (device.interference.computeSlowdown): while a worker has communication in flight
 * (a transfer it sends or receives, or a closed-form collective standing for it), its compute
 * progresses at 1 / (1 + slowdown) of its rate. 0: compute never waits on communication's
 * resources, and no event is added.
 */
export function runGraph(graph: TaskGraph, topology: Topology, workers: number, slowdown = 0): Timeline {
  const { kinds, where, dst, amount, messages, depStart, depList, cats } = graph;
  const n = graph.size;
  const edges = depStart[n];
  const take = scratch(5 * n + 1 + edges + 4 * workers + 1);
  // Who waits for each task (compressed adjacency), and how many tasks each one waits for.
  const pending = take(n);
  const firstDependent = take(n + 1);
  // Each worker's compute stream runs its tasks strictly in program (creation) order, as a GPU
  // stream does: a task waiting on a transfer holds back the tasks issued after it.
  const programStart = take(workers + 1);
  for (let i = 0; i < n; i++) {
    pending[i] = depStart[i + 1] - depStart[i];
    if (kinds[i] === COMPUTE) programStart[where[i] + 1]++;
  }
  for (let k = 0; k < edges; k++) firstDependent[depList[k] + 1]++;
  for (let i = 0; i < n; i++) firstDependent[i + 1] += firstDependent[i];
  for (let w = 0; w < workers; w++) programStart[w + 1] += programStart[w];
  const dependents = take(edges);
  const program = take(programStart[workers]);
  const fill = take(n);
  fill.set(firstDependent.subarray(0, n));
  const head = take(workers);
  head.set(programStart.subarray(0, workers));
  const at = take(workers);
  at.set(programStart.subarray(0, workers));
  for (let i = 0; i < n; i++) {
    for (let k = depStart[i]; k < depStart[i + 1]; k++) dependents[fill[depList[k]]++] = i;
    if (kinds[i] === COMPUTE) program[at[where[i]]++] = i;
  }
  const isReady = take(n);
  const busy = take(workers);
  const start = new Float64Array(n).fill(NaN);
  const end = new Float64Array(n).fill(NaN);
  // One more node than workers: an object store, where the topology has one.
  const sent = new Array<number>(workers + 1).fill(0);
  const received = new Array<number>(workers + 1).fill(0);

  const engine = new Engine();
  // Interference: communication in flight per worker, and the running compute task's work left
  // (seconds at full rate) since `since`; `due` is the time its completion is scheduled for (an
  // event for any other time is stale: the rate changed after it was scheduled).
  const slowed = slowdown > 0;
  const inFlight = slowed ? new Int32Array(workers) : undefined;
  const left = slowed ? new Float64Array(workers) : undefined;
  const since = slowed ? new Float64Array(workers) : undefined;
  const due = slowed ? new Float64Array(workers).fill(NaN) : undefined;
  const running = slowed ? new Int32Array(workers).fill(-1) : undefined;
  const factor = (w: number): number => (inFlight![w] > 0 ? 1 + slowdown : 1);
  const commCount = (id: number, delta: number): void => {
    const k = kinds[id];
    const touch = (w: number) => {
      if (w < 0 || w >= workers) return;
      const before = inFlight![w];
      if (busy[w] && running![w] >= 0) left![w] -= (engine.now - since![w]) / factor(w);
      inFlight![w] = before + delta;
      if (busy[w] && running![w] >= 0 && (before === 0) !== (inFlight![w] === 0)) {
        since![w] = engine.now;
        due![w] = engine.now + Math.max(0, left![w]) * factor(w);
        engine.schedule(due![w], computeDone, running![w]);
      } else if (busy[w] && running![w] >= 0) since![w] = engine.now;
    };
    if (k === TRANSFER) {
      touch(where[id]);
      touch(dst[id]);
    } else if (k === DELAY && cats[id] === COMM) touch(where[id]);
  };
  const finish = (id: number): void => {
    if (slowed && kinds[id] !== COMPUTE && (kinds[id] === TRANSFER || cats[id] === COMM)) commCount(id, -1);
    end[id] = engine.now;
    for (let k = firstDependent[id]; k < firstDependent[id + 1]; k++) {
      const c = dependents[k];
      if (--pending[c] === 0) release(c);
    }
  };
  const computeDone = engine.on((id) => {
    const w = where[id];
    if (slowed) {
      if (running![w] !== id || engine.now !== due![w]) return; // stale: rescheduled at a new rate
      running![w] = -1;
      due![w] = NaN;
    }
    busy[w] = 0;
    finish(id);
    runStream(w);
  });
  const delayDone = engine.on(finish);
  const net = new FlowNetwork(engine, topology.links, (id) => {
    received[dst[id]] += amount[id];
    finish(id);
  }, topology.stableRoutes ? memoOf(topology) : undefined);
  const latencyDone = engine.on((id) => net.start(topology.route(where[id], dst[id]), amount[id], id));
  const runStream = (w: number): void => {
    if (busy[w] || head[w] >= programStart[w + 1]) return;
    const id = program[head[w]];
    if (!isReady[id]) return;
    head[w]++;
    busy[w] = 1;
    start[id] = engine.now;
    if (slowed) {
      running![w] = id;
      left![w] = amount[id];
      since![w] = engine.now;
      due![w] = engine.now + amount[id] * factor(w);
      engine.schedule(due![w], computeDone, id);
    } else engine.schedule(engine.now + amount[id], computeDone, id);
  };
  const release = (id: number): void => {
    const k = kinds[id];
    if (k === COMPUTE) {
      isReady[id] = 1;
      runStream(where[id]);
      return;
    }
    start[id] = engine.now;
    if (slowed && (k === TRANSFER || cats[id] === COMM)) commCount(id, +1);
    if (k === DELAY) {
      if (amount[id] === 0) finish(id);
      else engine.schedule(engine.now + amount[id], delayDone, id);
      return;
    }
    const src = where[id];
    sent[src] += amount[id];
    const lat = topology.latency(src, dst[id]) * messages[id];
    if (lat > 0) engine.schedule(engine.now + lat, latencyDone, id);
    else net.start(topology.route(src, dst[id]), amount[id], id);
  };
  // Collect the roots first: releasing one can complete zero-time joins and release others.
  const roots: number[] = [];
  for (let i = 0; i < n; i++) if (pending[i] === 0) roots.push(i);
  for (const id of roots) release(id);
  const events = engine.run();
  let makespan = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(end[i])) throw new Error(`task ${i} (${graph.labels[i]}) never ran: the graph has a dependency cycle`);
    makespan = Math.max(makespan, end[i]);
  }
  return { start, end, makespan, events, linkBytes: Array.from(net.bytesCarried), sentBytes: sent, receivedBytes: received };
}
