// Executes a task graph on the event engine: dependencies, one in-order compute stream per
// worker, transfers as latency then a max-min fair flow.
import { Engine } from './engine';
import { FlowNetwork } from './flows';
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

export function runGraph(graph: TaskGraph, topology: Topology, workers: number): Timeline {
  const tasks = graph.tasks;
  const n = tasks.length;
  const engine = new Engine();
  const net = new FlowNetwork(engine, topology.links.map((l) => ({ ...l, bytesCarried: 0 })));
  const start = new Float64Array(n).fill(NaN);
  const end = new Float64Array(n).fill(NaN);
  const pending = new Int32Array(n);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  for (const t of tasks) {
    pending[t.id] = t.deps.length;
    for (const d of t.deps) dependents[d].push(t.id);
  }
  // Each worker's compute stream runs its tasks strictly in program (creation) order, as a GPU
  // stream does: a task waiting on a transfer holds back the tasks issued after it.
  const program: number[][] = Array.from({ length: workers }, () => []);
  for (const t of tasks) if (t.kind === 'compute') program[t.worker].push(t.id);
  const head = new Int32Array(workers);
  const isReady = new Uint8Array(n);
  const busy = new Uint8Array(workers);
  // One more node than workers: an object store, where the topology has one.
  const sent = new Array(workers + 1).fill(0);
  const received = new Array(workers + 1).fill(0);

  const finish = (id: number) => {
    end[id] = engine.now;
    for (const c of dependents[id]) if (--pending[c] === 0) release(c);
  };
  const runStream = (w: number) => {
    if (busy[w] || head[w] >= program[w].length) return;
    const id = program[w][head[w]];
    if (!isReady[id]) return;
    head[w]++;
    const t = tasks[id];
    busy[w] = 1;
    start[id] = engine.now;
    engine.schedule(engine.now + (t as { seconds: number }).seconds, () => {
      busy[w] = 0;
      finish(id);
      runStream(w);
    });
  };
  const release = (id: number) => {
    const t = tasks[id];
    if (t.kind === 'compute') {
      isReady[id] = 1;
      runStream(t.worker);
    } else if (t.kind === 'delay') {
      start[id] = engine.now;
      if (t.seconds === 0) finish(id);
      else engine.schedule(engine.now + t.seconds, () => finish(id));
    } else {
      start[id] = engine.now;
      sent[t.src] += t.bytes;
      const lat = topology.latency(t.src, t.dst) * t.messages;
      const go = () =>
        net.start(topology.route(t.src, t.dst), t.bytes, () => {
          received[t.dst] += t.bytes;
          finish(id);
        });
      if (lat > 0) engine.schedule(engine.now + lat, go);
      else go();
    }
  };
  // Collect the roots first: releasing one can complete zero-time joins and release others.
  const roots = tasks.filter((t) => pending[t.id] === 0).map((t) => t.id);
  for (const id of roots) release(id);
  const events = engine.run();
  let makespan = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(end[i])) throw new Error(`task ${i} (${tasks[i].label}) never ran: the graph has a dependency cycle`);
    makespan = Math.max(makespan, end[i]);
  }
  return { start, end, makespan, events, linkBytes: net.links.map((l) => l.bytesCarried), sentBytes: sent, receivedBytes: received };
}
