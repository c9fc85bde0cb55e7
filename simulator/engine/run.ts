// Executes a task graph on the event engine: dependencies, one in-order compute stream per
// worker, transfers as latency then a max-min fair flow.
import { Engine } from './engine';
import { FlowNetwork, RateMemo } from './flows';
import type { TaskGraph } from './graph';
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

const COMPUTE = 0;
const TRANSFER = 1;
const DELAY = 2;

export function runGraph(graph: TaskGraph, topology: Topology, workers: number): Timeline {
  const tasks = graph.tasks;
  const n = tasks.length;
  // The graph in flat arrays: what each task is, and who waits for it (compressed adjacency).
  const kind = new Uint8Array(n);
  const pending = new Int32Array(n);
  const firstDependent = new Int32Array(n + 1);
  // Each worker's compute stream runs its tasks strictly in program (creation) order, as a GPU
  // stream does: a task waiting on a transfer holds back the tasks issued after it.
  const programStart = new Int32Array(workers + 1);
  for (let i = 0; i < n; i++) {
    const t = tasks[i];
    const deps = t.deps;
    pending[i] = deps.length;
    for (let j = 0; j < deps.length; j++) firstDependent[deps[j] + 1]++;
    if (t.kind === 'compute') {
      kind[i] = COMPUTE;
      programStart[t.worker + 1]++;
    } else kind[i] = t.kind === 'transfer' ? TRANSFER : DELAY;
  }
  for (let i = 0; i < n; i++) firstDependent[i + 1] += firstDependent[i];
  for (let w = 0; w < workers; w++) programStart[w + 1] += programStart[w];
  const dependents = new Int32Array(firstDependent[n]);
  const program = new Int32Array(programStart[workers]);
  const fill = firstDependent.slice(0, n);
  const head = programStart.slice(0, workers);
  const at = programStart.slice(0, workers);
  for (let i = 0; i < n; i++) {
    const t = tasks[i];
    const deps = t.deps;
    for (let j = 0; j < deps.length; j++) dependents[fill[deps[j]]++] = i;
    if (t.kind === 'compute') program[at[t.worker]++] = i;
  }
  const start = new Float64Array(n).fill(NaN);
  const end = new Float64Array(n).fill(NaN);
  const isReady = new Uint8Array(n);
  const busy = new Uint8Array(workers);
  // One more node than workers: an object store, where the topology has one.
  const sent = new Array<number>(workers + 1).fill(0);
  const received = new Array<number>(workers + 1).fill(0);

  const engine = new Engine();
  const finish = (id: number): void => {
    end[id] = engine.now;
    for (let k = firstDependent[id]; k < firstDependent[id + 1]; k++) {
      const c = dependents[k];
      if (--pending[c] === 0) release(c);
    }
  };
  const computeDone = engine.on((id) => {
    const w = (tasks[id] as { worker: number }).worker;
    busy[w] = 0;
    finish(id);
    runStream(w);
  });
  const delayDone = engine.on(finish);
  const net = new FlowNetwork(engine, topology.links, (id) => {
    const t = tasks[id] as { dst: number; bytes: number };
    received[t.dst] += t.bytes;
    finish(id);
  }, memoOf(topology));
  const latencyDone = engine.on((id) => {
    const t = tasks[id] as { src: number; dst: number; bytes: number };
    net.start(topology.route(t.src, t.dst), t.bytes, id);
  });
  const runStream = (w: number): void => {
    if (busy[w] || head[w] >= programStart[w + 1]) return;
    const id = program[head[w]];
    if (!isReady[id]) return;
    head[w]++;
    busy[w] = 1;
    start[id] = engine.now;
    engine.schedule(engine.now + (tasks[id] as { seconds: number }).seconds, computeDone, id);
  };
  const release = (id: number): void => {
    const k = kind[id];
    if (k === COMPUTE) {
      isReady[id] = 1;
      runStream((tasks[id] as { worker: number }).worker);
      return;
    }
    start[id] = engine.now;
    if (k === DELAY) {
      const seconds = (tasks[id] as { seconds: number }).seconds;
      if (seconds === 0) finish(id);
      else engine.schedule(engine.now + seconds, delayDone, id);
      return;
    }
    const t = tasks[id] as { src: number; dst: number; bytes: number; messages: number };
    sent[t.src] += t.bytes;
    const lat = topology.latency(t.src, t.dst) * t.messages;
    if (lat > 0) engine.schedule(engine.now + lat, latencyDone, id);
    else net.start(topology.route(t.src, t.dst), t.bytes, id);
  };
  // Collect the roots first: releasing one can complete zero-time joins and release others.
  const roots: number[] = [];
  for (let i = 0; i < n; i++) if (pending[i] === 0) roots.push(i);
  for (const id of roots) release(id);
  const events = engine.run();
  let makespan = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(end[i])) throw new Error(`task ${i} (${tasks[i].label}) never ran: the graph has a dependency cycle`);
    makespan = Math.max(makespan, end[i]);
  }
  return { start, end, makespan, events, linkBytes: Array.from(net.bytesCarried), sentBytes: sent, receivedBytes: received };
}
