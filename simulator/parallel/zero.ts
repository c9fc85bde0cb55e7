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

/**
 * Bytes the optimizer step reads and writes per parameter it updates, pass by pass as Megatron-LM
 * (2021, Float16OptimizerWithFloat16Params with apex's multi-tensor kernels) runs it in mixed
 * precision: copy the 16-bit gradients into fp32 main gradients (read g, write 4); unscale them
 * and check for inf/NaN (read and write 4); the gradient norm for clipping (read 4); the fused
 * optimizer (read master weight, gradient and moments, write master weight and moments); copy the
 * master weights back to the 16-bit model (read 4, write w); zero the gradient buffer (write g).
 * In fp32 the gradients are the main ones: norm, optimizer, zeroing.
 */
export function updateBytesPerParameter(layout: Layout): number {
  const b = bytesPerParameter(layout);
  const moments = layout.optimizer === 'adam' ? 8 : 4;
  const optimizer = 4 + 4 + moments + (4 + moments);
  if (layout.precision === 'fp32') return 4 + optimizer + b.gradients;
  return b.gradients + 4 + 8 + 4 + optimizer + (4 + b.weights) + b.gradients;
}
