// Builds the link graph of each topology in DESIGN.md from a hardware file's `network`.
// Every link is one direction of a full-duplex port: a transfer uses the sender's "up" links
// and the receiver's "down" links, so traffic in opposite directions does not contend.
import type { Network, ObjectStore } from '../hardware/schema';
import { LinkSet, Topology } from './topology';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** 0..n−1 cut into consecutive groups of `size`. */
const chunks = (n: number, size: number) => range(Math.ceil(n / size)).map((k) => range(Math.min(size, n - k * size)).map((i) => k * size + i));

/** Every worker has a port (up, down) to one non-blocking switch. */
function star(n: number, bw: number, latency: number, prefix = ''): Topology {
  const ls = new LinkSet();
  const up = range(n).map((i) => ls.add(`${prefix}w${i}.up`, bw));
  const down = range(n).map((i) => ls.add(`${prefix}w${i}.down`, bw));
  return {
    workers: n, links: ls.links,
    route: (s, d) => (s === d ? [] : [up[s], down[d]]),
    latency: (s, d) => (s === d ? 0 : latency),
    groups: () => [range(n)],
  };
}

/** Bidirectional ring: a link per direction between neighbours; shortest way round. */
function ring(n: number, bw: number, latency: number): Topology {
  const ls = new LinkSet();
  const cw = range(n).map((i) => ls.add(`w${i}->w${(i + 1) % n}`, bw));
  const ccw = range(n).map((i) => ls.add(`w${i}->w${(i - 1 + n) % n}`, bw));
  const hops = (s: number, d: number) => {
    const f = (d - s + n) % n;
    return f <= n - f ? { dir: 1, k: f } : { dir: -1, k: n - f };
  };
  return {
    workers: n, links: ls.links,
    route(s, d) {
      const { dir, k } = hops(s, d);
      return range(k).map((j) => (dir > 0 ? cw[(s + j) % n] : ccw[(s - j + n * n) % n]));
    },
    latency: (s, d) => hops(s, d).k * latency,
    groups: () => [range(n)],
  };
}

/** Leaves in groups of `fanout` behind a switch; group switches share an uplink to the root. */
function tree(n: number, bw: number, latency: number, fanout: number, uplink: number, root?: number): Topology {
  const ls = new LinkSet();
  const up = range(n).map((i) => ls.add(`w${i}.up`, bw));
  const down = range(n).map((i) => ls.add(`w${i}.down`, bw));
  const g = Math.ceil(n / fanout);
  const gUp = range(g).map((i) => ls.add(`sw${i}.up`, uplink));
  const gDown = range(g).map((i) => ls.add(`sw${i}.down`, uplink));
  const rootLink = root === undefined ? [] : [ls.add('root', root)];
  const grp = (i: number) => Math.floor(i / fanout);
  return {
    workers: n, links: ls.links,
    route(s, d) {
      if (s === d) return [];
      if (grp(s) === grp(d)) return [up[s], down[d]];
      return [up[s], gUp[grp(s)], ...rootLink, gDown[grp(d)], down[d]];
    },
    // Crossing the root adds two more hops of switch latency.
    latency: (s, d) => (s === d ? 0 : grp(s) === grp(d) ? latency : 2 * latency),
    groups: () => chunks(n, fanout),
  };
}

/**
 * Groups on a fast fabric (level 0) and a slower level-1 fabric between groups, reached through
 * `ports` ports per group (default: one per worker), each shared by the workers it serves: a
 * node's NIC carries every flow its GPUs send to other nodes.
 */
function hierarchical(n: number, groupSize: number, l0: { bandwidthBytesPerSecond: number; latencySeconds: number }, l1: { bandwidthBytesPerSecond: number; latencySeconds: number }, ports = groupSize): Topology {
  const inner = star(n, l0.bandwidthBytesPerSecond, l0.latencySeconds, 'l0.');
  const ls = new LinkSet();
  for (const l of inner.links) ls.add(l.name, l.bandwidthBytesPerSecond);
  const grp = (i: number) => Math.floor(i / groupSize);
  const perPort = groupSize / ports;
  // Worker i's port: its group's (local index / workers per port)-th.
  const portOf = (i: number) => (ports === groupSize ? i : grp(i) * ports + Math.floor((i % groupSize) / perPort));
  const portCount = ports === groupSize ? n : Math.ceil(n / groupSize) * ports;
  const up = range(portCount).map((p) => ls.add(`l1.p${p}.up`, l1.bandwidthBytesPerSecond));
  const down = range(portCount).map((p) => ls.add(`l1.p${p}.down`, l1.bandwidthBytesPerSecond));
  return {
    workers: n, links: ls.links,
    route: (s, d) => (s === d ? [] : grp(s) === grp(d) ? inner.route(s, d) : [up[portOf(s)], down[portOf(d)]]),
    latency: (s, d) => (s === d ? 0 : grp(s) === grp(d) ? l0.latencySeconds : l1.latencySeconds),
    groups: () => chunks(n, groupSize),
  };
}

/**
 * Adds an object store to a topology: every worker has its own path to the store (one link each
 * way at the per-worker bandwidth), and all of them share the store's aggregate bandwidth.
 * Requests pay the store's request latency.
 */
export function withObjectStore(topo: Topology, store: ObjectStore, reduceSecondsPerByte: number): Topology {
  const ls = new LinkSet();
  for (const l of topo.links) ls.add(l.name, l.bandwidthBytesPerSecond);
  const n = topo.workers;
  const up = Array.from({ length: n }, (_, i) => ls.add(`w${i}.s3.up`, store.bandwidthBytesPerSecondPerWorker));
  const down = Array.from({ length: n }, (_, i) => ls.add(`w${i}.s3.down`, store.bandwidthBytesPerSecondPerWorker));
  const agg = store.aggregateBandwidthBytesPerSecond ? [ls.add('s3.aggregate', store.aggregateBandwidthBytesPerSecond)] : [];
  const puts = up.map((l) => [l, ...agg]);
  const gets = down.map((l) => [...agg, l]);
  return {
    workers: n, links: ls.links,
    // Each route is one array, handed out every time (the rate memo knows routes by identity).
    route: (s, d) => (d === n ? puts[s] : s === n ? gets[d] : topo.route(s, d)),
    latency: (s, d) => (s === n || d === n ? store.requestLatencySeconds : topo.latency(s, d)),
    groups: () => topo.groups(),
    store: { index: n, pollIntervalSeconds: store.pollIntervalSeconds ?? 0, reduceSecondsPerByte },
    stableRoutes: topo.stableRoutes,
  };
}

const cache = new WeakMap<Network, Map<number, Topology>>();

/** Topologies are immutable once built, so each (network, workers) is built once. */
export function buildTopology(network: Network, workers: number): Topology {
  let m = cache.get(network);
  if (!m) cache.set(network, (m = new Map()));
  let t = m.get(workers);
  if (!t) m.set(workers, (t = memoRoutes(makeTopology(network, workers))));
  return t;
}

/** Routes are asked for on every transfer: keep each (src, dst) route once (up to 256 workers). */
function memoRoutes(t: Topology): Topology {
  const n = t.workers + 1; // one more node for an object store
  if (n > 257) return t;
  const cache: (number[] | undefined)[] = new Array(n * n);
  const route = t.route.bind(t);
  return { ...t, groups: t.groups.bind(t), latency: t.latency.bind(t), route: (s, d) => (cache[s * n + d] ??= route(s, d)), stableRoutes: true };
}

function makeTopology(network: Network, workers: number): Topology {
  switch (network.topology) {
    case 'switch':
      return star(workers, network.bandwidthBytesPerSecond, network.latencySeconds);
    case 'ring':
      return ring(workers, network.bandwidthBytesPerSecond, network.latencySeconds);
    case 'tree':
      return tree(workers, network.bandwidthBytesPerSecond, network.latencySeconds, network.fanout ?? 2, network.uplinkBandwidthBytesPerSecond ?? network.bandwidthBytesPerSecond, network.rootBandwidthBytesPerSecond);
    case 'pcie-pairs':
      return tree(workers, network.bandwidthBytesPerSecond, network.latencySeconds, 2, network.uplinkBandwidthBytesPerSecond ?? network.bandwidthBytesPerSecond, network.rootBandwidthBytesPerSecond);
    case 'hierarchical':
      return hierarchical(workers, network.groupSize, network.levels[0], network.levels[1], network.portsPerGroup);
  }
}
