// Sweeps: the same strategies simulated over one axis — workers, network bandwidth, compute
// density (device FLOP/s per network byte/s, set by scaling the device's peak) or batch size.
import type { Hardware } from './hardware/schema';
import type { AnalyzedModel } from './model/analyze';
import { strategyResolved, ShorthandOptions } from './plan/shorthand';
import { simulate, Feasible } from './simulate';

export const AXES = ['workers', 'bandwidth', 'density', 'batch'] as const;
export type Axis = (typeof AXES)[number];

/** Each axis's title with its unit (the --plot chart and the report's sweep chart). */
export const AXIS_TITLES: Record<Axis, string> = {
  workers: 'workers',
  bandwidth: 'network bandwidth per worker (bytes/s)',
  density: 'compute density (FLOP/s per byte/s of network)',
  batch: 'batch per worker (samples)',
};

export interface SweepPoint {
  axis: Axis;
  x: number;
  strategy: string;
  workers: number;
  feasible: boolean;
  stepTimeSeconds?: number;
  samplesPerSecond?: number;
  /** Global batch: samples per step of the whole plan. */
  samplesPerStep?: number;
  speedup?: number;
  efficiency?: number;
  exposedCommunicationSeconds?: number;
  /** The p10–p90 band of the step time, where the device has variability. */
  band?: Feasible['band'];
  reason?: string;
}

/** Network bandwidth per worker of a hardware file (the slowest level of a hierarchical one). */
export function networkBandwidth(hw: Hardware): number {
  return hw.network.topology === 'hierarchical' ? Math.min(...hw.network.levels.map((l) => l.bandwidthBytesPerSecond)) : hw.network.bandwidthBytesPerSecond;
}

/** Compute density: FLOP/s of one device per byte/s of its network link. */
export const density = (hw: Hardware): number => hw.device.peakFlops / networkBandwidth(hw);

function withBandwidth(hw: Hardware, bw: number): Hardware {
  const n = hw.network;
  if (n.topology === 'hierarchical') {
    const scale = bw / networkBandwidth(hw);
    return { ...hw, network: { ...n, levels: n.levels.map((l) => ({ ...l, bandwidthBytesPerSecond: l.bandwidthBytesPerSecond * scale })) } };
  }
  const scale = bw / n.bandwidthBytesPerSecond;
  return { ...hw, network: { ...n, bandwidthBytesPerSecond: bw, ...('uplinkBandwidthBytesPerSecond' in n && n.uplinkBandwidthBytesPerSecond ? { uplinkBandwidthBytesPerSecond: n.uplinkBandwidthBytesPerSecond * scale } : {}), ...('rootBandwidthBytesPerSecond' in n && n.rootBandwidthBytesPerSecond ? { rootBandwidthBytesPerSecond: n.rootBandwidthBytesPerSecond * scale } : {}) } } as Hardware;
}

/** The hardware and plan options of one sweep point. */
export function variant(hw: Hardware, axis: Axis, x: number, base: ShorthandOptions): { hw: Hardware; o: ShorthandOptions } {
  switch (axis) {
    case 'workers':
      return { hw: { ...hw, workers: Math.max(hw.workers, x) }, o: { ...base, workers: x } };
    case 'batch':
      return { hw, o: { ...base, batchPerWorker: x } };
    case 'bandwidth':
      return { hw: withBandwidth(hw, x), o: base };
    case 'density': {
      // Keep the network, scale the device: FLOP/s = density × bytes/s (memory bandwidth scales alike).
      const scale = (x * networkBandwidth(hw)) / hw.device.peakFlops;
      const mem = hw.device.memoryBandwidthBytesPerSecond;
      return { hw: { ...hw, device: { ...hw.device, peakFlops: hw.device.peakFlops * scale, ...(mem ? { memoryBandwidthBytesPerSecond: mem * scale } : {}) } }, o: base };
    }
  }
}

export function sweep(
  model: AnalyzedModel, hw: Hardware, axis: Axis, values: number[], strategies: string[], base: ShorthandOptions,
  progress?: (done: number, total: number) => void,
): SweepPoint[] {
  const points: SweepPoint[] = [];
  const total = values.length * strategies.length;
  for (const x of values)
    for (const strategy of strategies) {
      const v = variant(hw, axis, x, { ...base, topology: hw.network.topology });
      const workers = strategy === 'single' ? 1 : v.o.workers;
      const p = strategyResolved(strategy, model, { ...v.o, workers });
      const point: SweepPoint = { axis, x, strategy, workers, feasible: false };
      if (!p.ok) point.reason = p.problems.map((q) => q.message).join('; ');
      else {
        const r = simulate(model, v.hw, p.value);
        if (r.feasible) Object.assign(point, { feasible: true, stepTimeSeconds: r.stepTimeSeconds, samplesPerSecond: r.samplesPerSecond, samplesPerStep: r.samplesPerStep, speedup: r.speedup, efficiency: r.efficiency, exposedCommunicationSeconds: r.breakdown.exposedCommunicationSeconds, ...(r.band ? { band: r.band } : {}) });
        else point.reason = r.reason;
      }
      points.push(point);
      progress?.(points.length, total);
    }
  return points;
}
