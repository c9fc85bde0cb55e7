// Collectives at the rate their library achieves and with a launch cost per call, and compute
// slowed while its worker communicates (docs/fidelity.md).
import { TaskGraph } from '../../simulator/engine/graph';
import { runGraph } from '../../simulator/engine/run';
import { buildTopology } from '../../simulator/topology/build';
import { parseHardware } from '../../simulator/hardware/load';
import type { Hardware } from '../../simulator/hardware/schema';
import { simulate, Feasible, topologyOf } from '../../simulator/simulate';
import { collective } from '../../simulator/collectives';
import { launchSeconds } from '../../simulator/collectives/achieved';
import { TRANSPORTS } from '../../simulator/collectives/transports';
import { must, plan, testHardware, zooModel } from '../helpers/scenarios';

const feasible = (r: ReturnType<typeof simulate>): Feasible => {
  if (!r.feasible) throw new Error(r.reason);
  return r;
};

describe('interference in the event engine', () => {
  test('a compute task overlapping a collective of its worker runs at 1/(1+s) for the overlap only', () => {
    const g = new TaskGraph();
    const c = g.compute(0, 1, [], 'bwd', 'backward');
    g.delay(0, 0.5, [], 'all-reduce'); // communication of worker 0, 0 → 0.5 s
    const t = runGraph(g, buildTopology({ topology: 'switch', bandwidthBytesPerSecond: 1e9, latencySeconds: 0, source: 'x' }, 2), 2, 0.5);
    // 0.5 s at 1/1.5 does 1/3 of the work; the remaining 2/3 at full rate: 0.5 + 2/3.
    expect(t.end[c]).toBeCloseTo(0.5 + 2 / 3, 12);
    g.dispose();
  });

  test('a transfer slows both its ends, and nobody else', () => {
    const g = new TaskGraph();
    const a = g.compute(0, 1, [], 'a', 'backward');
    const b = g.compute(1, 1, [], 'b', 'backward');
    const other = g.compute(2, 1, [], 'c', 'backward');
    g.transfer(0, 1, 1e9, [], 'x'); // 1 s at 1 GB/s
    const t = runGraph(g, buildTopology({ topology: 'switch', bandwidthBytesPerSecond: 1e9, latencySeconds: 0, source: 'x' }, 3), 3, 0.25);
    // 1 s at 1/1.25 does 0.8 of the work; the last 0.2 at full rate.
    expect(t.end[a]).toBeCloseTo(1.2, 12);
    expect(t.end[b]).toBeCloseTo(1.2, 12);
    expect(t.end[other]).toBe(1);
    g.dispose();
  });

  test('no interference: the same timeline as before, bit for bit', () => {
    const model = zooModel('mini-owt');
    const hw = testHardware({ workers: 4 });
    const p = plan('hybrid', model, { workers: 4, batchPerWorker: 16 });
    const slowed = { ...hw, device: { ...hw.device, interference: { computeSlowdown: 0, source: 'x' } } };
    expect(feasible(simulate(model, slowed, p)).stepTimeSeconds).toBe(feasible(simulate(model, hw, p)).stepTimeSeconds);
  });

  test('overlapped data parallelism, compute on the critical path: slower with interference, by at most s × the communication time', () => {
    const model = zooModel('mini-owt');
    const hw = testHardware({ workers: 4, bandwidth: 1e11 });
    const p = plan('data', model, { workers: 4, batchPerWorker: 16, overlap: true });
    for (const seg of p.segments) if (seg.segment.parallelism === 'data') seg.segment.bucketBytes = 1; // buckets to overlap with
    const base = feasible(simulate(model, hw, p));
    const s = 0.3;
    const slow = feasible(simulate(model, { ...hw, device: { ...hw.device, interference: { computeSlowdown: s, source: 'x' } } }, p));
    expect(slow.stepTimeSeconds).toBeGreaterThan(base.stepTimeSeconds);
    expect(slow.stepTimeSeconds - base.stepTimeSeconds).toBeLessThanOrEqual(s * base.breakdown.communicationSeconds + 1e-12);
  });
});

describe('a node\'s NICs shared by its GPUs (hierarchical portsPerGroup)', () => {
  const net = (portsPerGroup?: number) => ({ topology: 'hierarchical' as const, groupSize: 4, ...(portsPerGroup ? { portsPerGroup } : {}), levels: [{ bandwidthBytesPerSecond: 1e10, latencySeconds: 0 }, { bandwidthBytesPerSecond: 1e9, latencySeconds: 0 }], source: 'fixture' });
  const crossing = (portsPerGroup: number | undefined, flows: number) => {
    const g = new TaskGraph();
    for (let i = 0; i < flows; i++) g.transfer(i, 4 + i, 1e9, [], `x${i}`);
    const t = runGraph(g, buildTopology(net(portsPerGroup), 8), 8);
    g.dispose();
    return t.makespan;
  };
  test('one port per group: the group\'s flows to another group share it; one flow alone gets all of it', () => {
    expect(crossing(1, 1)).toBeCloseTo(1, 12);
    expect(crossing(1, 4)).toBeCloseTo(4, 12);
    expect(crossing(2, 4)).toBeCloseTo(2, 12);
    expect(crossing(undefined, 4)).toBeCloseTo(1, 12); // a port per worker, as before
  });
  test('portsPerGroup must divide groupSize', () => {
    const bad = parseHardware({ ...testHardware(), network: net(3) });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0].path).toBe('network.portsPerGroup');
  });
  test('the symmetric fast path and the full simulation agree with shared ports (hierarchical all-reduce)', () => {
    const model = zooModel('mini-owt');
    const hw = must(parseHardware({ ...testHardware({ workers: 16 }), network: net(1) }));
    const p = plan('data', model, { workers: 16, batchPerWorker: 16, topology: 'hierarchical' });
    const fast = feasible(simulate(model, hw, p));
    expect(fast.simulatedWorkers).toBe(1);
    expect(feasible(simulate(model, hw, p, { fast: false })).stepTimeSeconds).toBeCloseTo(fast.stepTimeSeconds, 9);
  });
});

describe('collectives as achieved', () => {
  const withCollectives = (hw: Hardware, c: Hardware['collectives']): Hardware => ({ ...hw, collectives: c });

  test('a bandwidth fraction f divides every link rate by 1/f: the ring all-reduce\'s bandwidth term grows by 1/f', () => {
    const hw = testHardware({ workers: 8, bandwidth: 1e9, latency: 0 });
    const ranks = [0, 1, 2, 3, 4, 5, 6, 7];
    const ring = collective('ring-allreduce');
    const full = ring.time(topologyOf(hw, 8), ranks, 8e8);
    const achieved = ring.time(topologyOf(withCollectives(hw, { source: 'x', bandwidthFraction: [0.8] }), 8), ranks, 8e8);
    expect(achieved).toBeCloseTo(full / 0.8, 9);
  });

  test('hierarchical networks take one fraction per level', () => {
    const hw = must(parseHardware({ ...testHardware(), network: { topology: 'hierarchical', groupSize: 4, levels: [{ bandwidthBytesPerSecond: 1e10, latencySeconds: 0 }, { bandwidthBytesPerSecond: 1e9, latencySeconds: 0 }], source: 'fixture' }, collectives: { source: 'fixture', bandwidthFraction: [0.5, 0.25] } }));
    const rates = topologyOf(hw, 8).links.map((l) => l.bandwidthBytesPerSecond);
    expect(new Set(rates)).toEqual(new Set([5e9, 2.5e8]));
    const bad = parseHardware({ ...hw, collectives: { source: 'fixture', bandwidthFraction: [0.5] } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0].path).toBe('collectives.bandwidthFraction');
  });

  test('a level that names its transport gets that transport\'s published fraction and launch; the file\'s own collectives block wins', () => {
    const hw = must(parseHardware({ ...testHardware(), network: { topology: 'hierarchical', groupSize: 4, levels: [{ bandwidthBytesPerSecond: 1e10, latencySeconds: 0, transport: 'nvlink' }, { bandwidthBytesPerSecond: 1e9, latencySeconds: 0, transport: 'ethernet-tcp' }], source: 'fixture' } }));
    expect(new Set(topologyOf(hw, 8).links.map((l) => l.bandwidthBytesPerSecond))).toEqual(new Set([1e10 * TRANSPORTS.nvlink.bandwidthFraction, 1e9 * TRANSPORTS['ethernet-tcp'].bandwidthFraction]));
    expect(launchSeconds(hw)).toBe(TRANSPORTS['ethernet-tcp'].launchSeconds);
    const own = { ...hw, collectives: { source: 'fixture', bandwidthFraction: [1, 1], launchSeconds: 0 } };
    expect(new Set(topologyOf(own, 8).links.map((l) => l.bandwidthBytesPerSecond))).toEqual(new Set([1e10, 1e9]));
    expect(launchSeconds(own)).toBe(0);
    expect(parseHardware({ ...testHardware(), network: { ...testHardware().network, transport: 'carrier-pigeon' } }).ok).toBe(false);
  });

  test('each collective call pays its launch once: after backprop, one launch per bucket on the critical path', () => {
    const model = zooModel('mini-owt');
    const hw = testHardware({ workers: 4, bandwidth: 1e9 });
    const p = plan('data', model, { workers: 4, batchPerWorker: 16, overlap: false });
    for (const s of p.segments) if (s.segment.parallelism === 'data') s.segment.bucketBytes = 1; // a bucket per layer with weights
    const buckets = model.layers.filter((l) => l.parameters > 0).length;
    const base = feasible(simulate(model, hw, p));
    const launched = feasible(simulate(model, withCollectives(hw, { source: 'x', launchSeconds: 1e-3 }), p));
    expect(launched.stepTimeSeconds - base.stepTimeSeconds).toBeCloseTo(buckets * 1e-3, 9);
    // The same in the full simulation as on the fast path.
    const full = feasible(simulate(model, withCollectives(hw, { source: 'x', launchSeconds: 1e-3 }), p, { fast: false }));
    expect(full.stepTimeSeconds).toBeCloseTo(launched.stepTimeSeconds, 9);
  });
});
