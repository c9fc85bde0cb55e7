// Loading scenario files in tests, failing loudly on any problem.
import { join } from 'node:path';
import { loadHardware } from '../../simulator/hardware/load';
import type { Hardware } from '../../simulator/hardware/schema';
import { AnalyzedModel, loadModel, parseModel } from '../../simulator/model/analyze';
import { strategyResolved, ShorthandOptions } from '../../simulator/plan/shorthand';
import type { ResolvedPlan } from '../../simulator/plan/resolve';
import type { Result } from '../../simulator/errors';

export const ROOT = join(__dirname, '..', '..');
export const modelPath = (name: string) => join(ROOT, 'scenarios', 'models', `${name}.json`);
export const hardwarePath = (name: string) => join(ROOT, 'scenarios', 'hardware', `${name}.json`);

export function must<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return r.value;
}
export const zooModel = (name: string): AnalyzedModel => must(loadModel(modelPath(name)));
export const zooHardware = (name: string): Hardware => must(loadHardware(hardwarePath(name)));
export const modelFrom = (data: unknown): AnalyzedModel => must(parseModel(data));
export const plan = (strategy: string, model: AnalyzedModel, o: ShorthandOptions): ResolvedPlan => must(strategyResolved(strategy, model, o));

/** A small hardware description for property tests. */
export function testHardware(o: { workers?: number; bandwidth?: number; latency?: number; topology?: 'switch' | 'ring' | 'pcie-pairs' | 'tree'; peak?: number; memBw?: number } = {}): Hardware {
  return {
    name: 'test', source: 'test fixture',
    device: { name: 'dev', source: 'test fixture', peakFlops: o.peak ?? 1e12, memoryBytes: 1e12, ...(o.memBw ? { memoryBandwidthBytesPerSecond: o.memBw } : {}), efficiency: { default: 0.5, dense: 0.8 } },
    workers: o.workers ?? 8,
    network: { topology: o.topology ?? 'switch', bandwidthBytesPerSecond: o.bandwidth ?? 1e9, latencySeconds: o.latency ?? 1e-5, source: 'test fixture' },
  } as Hardware;
}
