// What a training library does when the hardware file does not say (docs/fidelity.md, "Defaults").
// A file written from datasheets gives link rates and peak FLOP/s; a real run never gets all of
// them. Where the file has no `collectives`, `device.variability` or `device.interference` block,
// loading it fills the block in from this one table, each figure with its source, so the resolved
// hardware (and `simulate --json`) says what was assumed. A file overrides any of them by giving
// the block itself (e.g. `variability: { computeCv: 0, source: "..." }` to switch stragglers off).
import type { Hardware, Network } from './schema';
import { TRANSPORTS, UNNAMED_TRANSPORT } from '../collectives/transports';

export interface FidelityDefault {
  value: number;
  source: string;
}

/** The defaults, one row per mechanism. Not fitted to any speedup. */
export const FIDELITY_DEFAULTS = {
  /**
   * Step-to-step and GPU-to-GPU spread of one worker's compute time (coefficient of variation).
   */
  computeCv: {
    value: 0.013,
    source: 'Sinha et al., "Not All GPUs Are Created Equal", SC22: identical NVIDIA GPUs (V100, A100) in production clusters differ by 8% on average, up to 22%, in sustained performance under power and thermal management (GPU Boost) — a range over thousands of GPUs, about 6 standard deviations: σ ≈ 1.3%. Host-side step-to-step jitter is not included (no published figure we can cite); `trainplan calibrate` measures the whole spread. A device with fixed clocks (no GPU Boost, e.g. Tesla K20) lacks this mechanism: its file says so',
  },
  /**
   * Compute slowdown while the worker's own collective is in flight.
   */
  computeSlowdown: {
    value: 0.05,
    source: 'NCCL runs each ring channel as one thread block on an SM and opens 2–4 channels over PCIe and network transports: 2.5–5% of an 80-SM V100 (fewer of a larger GPU, more of a smaller one), and its memory traffic (≈3 × the link rate) is a few % of HBM bandwidth: ~5% while a collective is in flight. For scale, up to 18.9% on average measured on NVLink-rich nodes with far higher collective bandwidth (Characterizing Compute-Communication Overlap in GPU-Accelerated Distributed Deep Learning, arXiv:2507.03114)',
  },
} as const satisfies Record<string, FidelityDefault>;

/** The transport named on each network level (one entry for flat networks). */
function levelTransports(n: Network) {
  return n.topology === 'hierarchical' ? n.levels.map((l) => l.transport) : [n.transport];
}

const tag = (s: string) => `default (simulator/hardware/defaults.ts): ${s}`;

/**
 * The hardware with every fidelity block it lacks filled in: the collectives from each level's
 * named transport, or the unnamed-transport figures (simulator/collectives/transports.ts);
 * variability and interference from FIDELITY_DEFAULTS. Blocks the file gives stand as given.
 */
export function withFidelityDefaults(hw: Hardware): Hardware {
  const device = {
    ...hw.device,
    variability: hw.device.variability ?? { computeCv: FIDELITY_DEFAULTS.computeCv.value, source: tag(FIDELITY_DEFAULTS.computeCv.source) },
    interference: hw.device.interference ?? { computeSlowdown: FIDELITY_DEFAULTS.computeSlowdown.value, source: tag(FIDELITY_DEFAULTS.computeSlowdown.source) },
  };
  const own = hw.collectives;
  if (own?.bandwidthFraction !== undefined && own.launchSeconds !== undefined) return { ...hw, device };
  const achieved = levelTransports(hw.network).map((t) => (t ? TRANSPORTS[t] : UNNAMED_TRANSPORT));
  const named = [...new Set(levelTransports(hw.network).map((t) => t ?? 'unnamed'))].join(', ');
  const collectives = {
    source: own ? `${own.source}; the rest ${tag(`published figures for ${named}`)}` : tag(`published figures for ${named} (simulator/collectives/transports.ts)`),
    bandwidthFraction: own?.bandwidthFraction ?? achieved.map((a) => a.bandwidthFraction),
    launchSeconds: own?.launchSeconds ?? Math.max(...achieved.map((a) => a.launchSeconds)),
  };
  return { ...hw, device, collectives };
}
