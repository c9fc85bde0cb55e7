// ZeRO (Rajbhandari et al. 2020) / FSDP: the data-parallel replicas shard what every replica
// would otherwise keep — stage 1 the optimizer state, 2 also the gradients, 3 also the weights.
// Bytes per parameter follow the ZeRO paper's mixed-precision accounting: 16-bit weights (2) and
// gradients (2) and fp32 master weights (4) in the optimizer state with Adam's two moments (4 + 4)
// or SGD's momentum (4); in fp32, weights and gradients are 4 each and the state holds no master copy.
import type { Layout } from './layout';

export interface StateBytes {
  weights: number;
  gradients: number;
  optimizer: number;
}

/** Bytes per parameter before sharding. */
export function bytesPerParameter(layout: Layout): StateBytes {
  const half = layout.precision !== 'fp32';
  const moments = layout.optimizer === 'adam' ? 8 : 4;
  return { weights: half ? 2 : 4, gradients: half ? 2 : 4, optimizer: moments + (half ? 4 : 0) };
}

/** Bytes one rank holds for `parameters` parameters once the data-parallel replicas shard them. */
export function shardedStateBytes(parameters: number, layout: Layout): StateBytes {
  const b = bytesPerParameter(layout);
  const d = layout.data;
  return {
    weights: (parameters * b.weights) / (layout.zero >= 3 ? d : 1),
    gradients: (parameters * b.gradients) / (layout.zero >= 2 ? d : 1),
    optimizer: (parameters * b.optimizer) / (layout.zero >= 1 ? d : 1),
  };
}

/** Bytes the optimizer step reads and writes per parameter it updates (master, moments, 16-bit copy, gradient). */
export function updateBytesPerParameter(layout: Layout): number {
  const b = bytesPerParameter(layout);
  return 2 * b.optimizer + b.gradients + 2 * b.weights;
}
