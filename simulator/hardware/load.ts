// Reads and validates hardware files, with the cross-field rules zod cannot express.
import { ok, problem, Problem, Result } from '../errors';
import { parseWith, readJsonFile } from '../validate';
import { Hardware } from './schema';
import { withFidelityDefaults } from './defaults';
import { tensorCoreRate } from '../cost/gemm-shape';

export function parseHardware(data: unknown): Result<Hardware> {
  const h = parseWith(Hardware, data);
  if (!h.ok) return h;
  const problems: Problem[] = [];
  const hw = h.value;
  if (hw.network.topology === 'hierarchical' && hw.workers % hw.network.groupSize !== 0 && hw.workers > hw.network.groupSize)
    problems.push(problem('network.groupSize', `must divide workers (${hw.workers}) when there is more than one group`));
  if (hw.network.topology === 'hierarchical' && hw.network.portsPerGroup !== undefined && hw.network.groupSize % hw.network.portsPerGroup !== 0)
    problems.push(problem('network.portsPerGroup', `must divide groupSize (${hw.network.groupSize}): each port serves as many workers`));
  const levels = hw.network.topology === 'hierarchical' ? 2 : 1;
  const fractions = hw.collectives?.bandwidthFraction;
  if (fractions && fractions.length !== levels)
    problems.push(problem('collectives.bandwidthFraction', `must have ${levels} entr${levels === 1 ? 'y' : 'ies'}, one per network level (${hw.network.topology})`));
  const shape = hw.device.matmulMeasuredShape;
  if (shape) {
    const bw = hw.device.achievedMemoryBandwidthBytesPerSecond ?? hw.device.memoryBandwidthBytesPerSecond ?? Infinity;
    const rates = Object.entries(hw.device.matmulFlopsByPrecision ?? {});
    if (!rates.length) problems.push(problem('device.matmulMeasuredShape', 'needs matmulFlopsByPrecision, the rate measured on it'));
    for (const [key, rate] of rates) {
      const tensorCores = tensorCoreRate(rate, shape, bw, hw.device.multiprocessors);
      const peak = hw.device.peakFlopsByPrecision?.[key];
      if (tensorCores === undefined)
        problems.push(problem('device.matmulMeasuredShape', `${shape.m}×${shape.n}×${shape.k} moves more bytes than matmulFlopsByPrecision.${key} leaves time for at the device's memory bandwidth`));
      // A rate not itself measured on the shape (extrapolated from another precision's) can
      // imply tensor cores faster than the datasheet's: refuse it rather than simulate them.
      else if (peak !== undefined && tensorCores > peak)
        problems.push(problem(`device.matmulFlopsByPrecision.${key}`, `on matmulMeasuredShape ${shape.m}×${shape.n}×${shape.k} leaves tensor cores at ${(tensorCores / 1e12).toFixed(0)} TFLOP/s once its memory time is taken out, above peakFlopsByPrecision.${key} (${(peak / 1e12).toFixed(0)})`));
    }
  }
  return problems.length ? { ok: false, problems } : ok(hw);
}

/**
 * A hardware file, validated and resolved: the fidelity blocks it does not give are filled in
 * from the defaults' table (simulator/hardware/defaults.ts), each with its source. parseHardware
 * alone validates without resolving (data already resolved, test fixtures).
 */
export function loadHardware(file: string): Result<Hardware> {
  const h = readHardwareFile(file);
  return h.ok ? ok(withFidelityDefaults(h.value)) : h;
}

/** A hardware file validated as written, nothing filled in: for commands that rewrite the file. */
export function readHardwareFile(file: string): Result<Hardware> {
  const d = readJsonFile(file);
  return d.ok ? parseHardware(d.value) : d;
}

/** Efficiency of `type` on this device (fraction of peak), falling back to `default`. */
export function efficiencyOf(hw: Hardware, type: string): number {
  return hw.device.efficiency[type] ?? hw.device.efficiency.default;
}

/**
 * Efficiency of `type` for a call over `samples` samples: the large-batch efficiency scaled by the
 * device's saturating batch curve b / (b + halfBatch), where the hardware file has one.
 */
export function efficiencyAt(hw: Hardware, type: string, samples: number): number {
  const halves = hw.device.batchEfficiency?.halfBatch;
  const half = halves?.[type] ?? halves?.default ?? 0;
  return half > 0 && samples > 0 ? (efficiencyOf(hw, type) * samples) / (samples + half) : efficiencyOf(hw, type);
}
