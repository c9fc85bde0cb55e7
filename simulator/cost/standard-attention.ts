// PyTorch's "standard attention" (the score path written as separate PyTorch ops, no fused
// kernel) as FlashAttention-2's benchmark runs it, costed by the simulator's kernel model: an
// independent, published measurement of the attention-score path on an A100 to check that model
// against (scripts/attention-check.ts, test/simulator/cost/standard-attention.test.ts).
//
// The benchmark's `attention_pytorch` (Dao-AILab/flash-attention benchmarks/
// benchmark_flash_attention.py at 60499abc, July 2023), non-causal, dropout 0, fp16, on a packed
// [b, s, 3, heads, d] input, and the kernels PyTorch runs for it:
// - forward: Q and K rearranged to [b·heads, s, d] (their batch and head strides do not merge:
//   a copy each); `baddbmm` with beta 0 (QKᵀ, the scale in the product's epilogue); `softmax`
//   (reads and writes each score); dropout at p = 0 returns its input (no kernel); `einsum` with V
//   rearranged the same way (a copy) and one `bmm` (P·V), whose output is viewed, not copied;
// - backward: the `bmm`'s two products (dP, dV); softmax backward (6 bytes a score); `baddbmm`'s
//   two (dQ, dK), each then multiplied by the scale in a pass of its own (autograd's formula for
//   baddbmm multiplies by alpha after the product); `unbind`'s backward stacks the three
//   gradients into the packed input (reads and writes each).
import type { Kernels } from '../model/layers';
import { scoreProducts, SOFTMAX_BYTES } from '../model/layers/attention';
import type { Hardware } from '../hardware/schema';
import { KernelCost } from './kernels';

export interface AttentionBenchmark {
  heads: number;
  headDim: number;
  batch: number;
  sequence: number;
}

/** The kernels of one sample (all heads) of the benchmark's PyTorch attention. */
export function standardAttentionKernels({ heads: q, headDim: d, sequence: s }: AttentionBenchmark): Kernels {
  const scores = q * s * s;
  const perHead = s * q * d; // elements of one of Q, K, V (or their gradients) per sample
  return {
    gemms: scoreProducts(s, q, d),
    dividedBytes: { forward: 3 * 4 * perHead, backward: 2 * 4 * perHead + 3 * 4 * perHead },
    scoreBytes: { forward: SOFTMAX_BYTES.forward * scores, backward: SOFTMAX_BYTES.backward * scores },
    wholeBytes: { forward: 0, backward: 0 },
    launches: 6,
  };
}

/** FLOPs the benchmark credits a forward + backward with: 3.5 × the forward's 4·b·s²·heads·d (its FlashAttention count). */
export function benchmarkFlops({ heads, headDim, batch, sequence }: AttentionBenchmark): number {
  return 3.5 * 4 * batch * sequence ** 2 * heads * headDim;
}

/** Predicted forward and backward time (s) and the speed the benchmark would report (TFLOP/s). */
export function predictStandardAttention(kc: KernelCost, b: AttentionBenchmark): { forward: number; backward: number; tflops: number } {
  const t = kc.kernels(standardAttentionKernels(b), b.batch, 1, false);
  return { forward: t.forward, backward: t.backward, tflops: benchmarkFlops(b) / (t.forward + t.backward) / 1e12 };
}

/**
 * Published speeds (TFLOP/s, forward + backward) of the "Pytorch" bars of Dao 2023
 * (FlashAttention-2, arXiv 2307.08691) Fig. 4 (a) and (b), A100 80 GB SXM4, without causal mask:
 * hidden 2,048, 16,384 tokens a batch. Sequence 16k ran out of memory.
 */
export const PUBLISHED_STANDARD_ATTENTION: readonly (AttentionBenchmark & { tflops: number })[] = [
  ...([[512, 36], [1024, 40], [2048, 43], [4096, 45], [8192, 46]] as const).map(([s, tflops]) => ({ heads: 32, headDim: 64, batch: 16384 / s, sequence: s, tflops })),
  ...([[512, 53], [1024, 67], [2048, 76], [4096, 79], [8192, 86]] as const).map(([s, tflops]) => ({ heads: 16, headDim: 128, batch: 16384 / s, sequence: s, tflops })),
];

/**
 * The same bars on an H100 80 GB SXM5 (Dao 2023's H100 figure, assets/flash2_h100_fwd_bwd_benchmark.png
 * in Dao-AILab/flash-attention; the same benchmark run with FlashAttention-2's A100 kernels).
 */
export const PUBLISHED_STANDARD_ATTENTION_H100: readonly (AttentionBenchmark & { tflops: number })[] = [
  ...([[512, 62], [1024, 72], [2048, 81], [4096, 86], [8192, 87]] as const).map(([s, tflops]) => ({ heads: 32, headDim: 64, batch: 16384 / s, sequence: s, tflops })),
  ...([[512, 93], [1024, 120], [2048, 145], [4096, 160], [8192, 167]] as const).map(([s, tflops]) => ({ heads: 16, headDim: 128, batch: 16384 / s, sequence: s, tflops })),
];

/**
 * The score bandwidth (bytes/s) at which the model's predictions of the published bars are right
 * on geometric mean, everything else as the device file states it: a one-parameter fit to
 * PUBLISHED_STANDARD_ATTENTION (bisection on the mean of log(predicted / published), which falls
 * as the bandwidth does). Undefined when even the device's whole memory bandwidth predicts too slow.
 */
export function fitScoreBandwidth(hw: Hardware, published = PUBLISHED_STANDARD_ATTENTION): number | undefined {
  const meanLogError = (bw: number): number => {
    const kc = new KernelCost({ ...hw, device: { ...hw.device, scoreBandwidthBytesPerSecond: bw } }, 'fp16');
    return published.reduce((sum, p) => sum + Math.log(predictStandardAttention(kc, p).tflops / p.tflops), 0) / published.length;
  };
  let hi = hw.device.achievedMemoryBandwidthBytesPerSecond ?? hw.device.memoryBandwidthBytesPerSecond;
  if (hi === undefined || meanLogError(hi) < 0) return undefined;
  let lo = hi / 100;
  for (let i = 0; i < 60; i++) {
    const mid = Math.sqrt(lo * hi);
    if (meanLogError(mid) > 0) hi = mid;
    else lo = mid;
  }
  return Math.sqrt(lo * hi);
}
