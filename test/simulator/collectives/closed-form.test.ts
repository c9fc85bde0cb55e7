// Each collective, simulated event by event on an idle network, against its closed-form α-β cost.
import { collective } from '../../../simulator/collectives';
import { TaskGraph } from '../../../simulator/engine/graph';
import { runGraph } from '../../../simulator/engine/run';
import { buildTopology } from '../../../simulator/topology/build';
import type { Network } from '../../../simulator/hardware/schema';

const alpha = 2e-5;
const beta = 1e9;
const S = 64e6;
const sw: Network = { topology: 'switch', bandwidthBytesPerSecond: beta, latencySeconds: alpha, source: 'test' };

function simulated(name: string, network: Network, n: number, bytes = S): number {
  const topo = buildTopology(network, n);
  const ranks = [...Array(n).keys()];
  const g = new TaskGraph();
  collective(name).lower(g, topo, ranks, bytes, ranks.map(() => -1), name);
  return runGraph(g, topo, n).makespan;
}

describe.each([2, 3, 4, 8, 16])('on a switch of %i workers', (n) => {
  test('ring all-reduce takes 2(N−1)·(α + S/(N·B))', () => {
    const closed = 2 * (n - 1) * (alpha + S / n / beta);
    expect(simulated('ring-allreduce', sw, n)).toBeCloseTo(closed, 12);
    expect(collective('ring-allreduce').time(buildTopology(sw, n), [...Array(n).keys()], S)).toBeCloseTo(closed, 12);
  });
  test('tree all-reduce takes 2⌈log2 N⌉·(α + S/B)', () => {
    expect(simulated('tree-allreduce', sw, n)).toBeCloseTo(2 * Math.ceil(Math.log2(n)) * (alpha + S / beta), 12);
  });
  test('sharded parameter server takes 2·(α + (N−1)/N · S/B)', () => {
    expect(simulated('parameter-server', sw, n)).toBeCloseTo(2 * (alpha + ((n - 1) / n) * S / beta), 12);
  });
  test('all-gather of S bytes takes (N−1)·(α + S/(N·B))', () => {
    expect(simulated('all-gather', sw, n)).toBeCloseTo((n - 1) * (alpha + S / n / beta), 12);
  });
  test('reduce-scatter takes (N−1)·(α + S/(N·B))', () => {
    expect(simulated('reduce-scatter', sw, n)).toBeCloseTo((n - 1) * (alpha + S / n / beta), 12);
  });
  test('direct broadcast takes α + (N−1)·S/B: the root link carries every copy', () => {
    expect(simulated('broadcast', sw, n)).toBeCloseTo(alpha + ((n - 1) * S) / beta, 12);
  });
});

test('hierarchical all-reduce takes 2(g−1)(α0 + S/(g·B0)) + 2(G−1)(α1 + S/(g·G·B1))', () => {
  const net: Network = { topology: 'hierarchical', groupSize: 4, levels: [{ bandwidthBytesPerSecond: 1e10, latencySeconds: 1e-6 }, { bandwidthBytesPerSecond: 1e9, latencySeconds: 5e-6 }], source: 'test' };
  const g = 4;
  const G = 4;
  const closed = 2 * (g - 1) * (1e-6 + S / g / 1e10) + 2 * (G - 1) * (5e-6 + S / g / G / 1e9);
  expect(simulated('hierarchical-allreduce', net, 16)).toBeCloseTo(closed, 12);
  expect(collective('hierarchical-allreduce').time(buildTopology(net, 16), [...Array(16).keys()], S)).toBeCloseTo(closed, 12);
});

test('on a ring topology a ring all-reduce uses only neighbour links', () => {
  const ring: Network = { topology: 'ring', bandwidthBytesPerSecond: beta, latencySeconds: alpha, source: 'test' };
  expect(simulated('ring-allreduce', ring, 6)).toBeCloseTo(2 * 5 * (alpha + S / 6 / beta), 12);
});

test('a flat ring across nodes runs at its slowest hop: closed form and event simulation agree', () => {
  // 4 nodes of 4: three fast hops inside each node, one slow hop out of it. The ring moves in
  // lockstep, so every one of its 2(N−1) steps costs the slow hop (largest latency, slowest rate).
  const net: Network = { topology: 'hierarchical', groupSize: 4, levels: [{ bandwidthBytesPerSecond: 1e10, latencySeconds: 1e-6 }, { bandwidthBytesPerSecond: 1e9, latencySeconds: 5e-6 }], source: 'test' };
  const n = 16;
  const closed = 2 * (n - 1) * (5e-6 + S / n / 1e9);
  expect(collective('ring-allreduce').time(buildTopology(net, n), [...Array(n).keys()], S)).toBeCloseTo(closed, 12);
  expect(simulated('ring-allreduce', net, n)).toBeCloseTo(closed, 12);
});

describe('grouped parameter server (TensorFlow 1.x distributed_replicated)', () => {
  const levels = [{ bandwidthBytesPerSecond: 1e10, latencySeconds: 1e-6 }, { bandwidthBytesPerSecond: 1e9, latencySeconds: 5e-6 }];
  const net: Network = { topology: 'hierarchical', groupSize: 4, portsPerGroup: 1, levels, source: 'test' };
  test('one server per group: average in the group, push and pull through each port (G−1)/G·S, copy back — the hierarchical all-reduce\'s bytes', () => {
    const g = 4;
    const G = 4;
    const closed = 2 * (g - 1) * (1e-6 + S / g / 1e10) + 2 * (5e-6 + ((G - 1) / G) * S / 1e9);
    expect(simulated('grouped-parameter-server', net, 16)).toBeCloseTo(closed, 12);
    expect(collective('grouped-parameter-server').time(buildTopology(net, 16), [...Array(16).keys()], S)).toBeCloseTo(closed, 12);
  });
  test('one server for four single-GPU groups: its port carries every other group\'s push and pull, 2(α + (G−1)·S/B)', () => {
    const single: Network = { ...net, groupSize: 1 };
    const topo = buildTopology(single, 4);
    const g = new TaskGraph();
    collective('grouped-parameter-server').lower(g, topo, [0, 1, 2, 3], S, [-1, -1, -1, -1], 'ps', { servers: 1 });
    expect(runGraph(g, topo, 4).makespan).toBeCloseTo(2 * (5e-6 + (3 * S) / 1e9), 12);
  });
  test('fewer servers than groups only slows it: the servers\' ports carry more', () => {
    const topo = buildTopology(net, 16);
    const run = (servers: number) => {
      const g = new TaskGraph();
      collective('grouped-parameter-server').lower(g, topo, [...Array(16).keys()], S, new Array(16).fill(-1), 'ps', { servers });
      return runGraph(g, topo, 16).makespan;
    };
    expect(run(2)).toBeGreaterThan(run(4) * 1.2);
    expect(run(8)).toBeCloseTo(run(4), 12);
  });
});
