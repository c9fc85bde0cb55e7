// Multi-head self-attention with its input (Q, K, V) and output projections, as one layer:
// [sequence, hidden] → [sequence, hidden]. Grouped-query attention shares each K/V head among
// heads / kvHeads query heads (Ainslie et al. 2023).
//
// FLOPs (multiply-add = 2, per sample of s positions): projections 2·s·h·(q + 2·kv)·d + 2·s·q·d·h;
// scores QKᵀ and their product with V 2·2·s²·q·d. The whole s×s square is counted even when
// `causal`: Megatron-LM's kernels compute it and Narayanan et al. 2021 eq. 3 counts it. Backward:
// twice the forward (gradients of both operands of every product; of the weights for projections).
// Softmax and masking are element-wise and left out, as eq. 3 leaves them out.
import type { z } from 'zod';
import type { AttentionLayer } from '../schema';
import { Gemm, Kernels, LayerKind, registerLayerKind, Shape } from './kind';
import { dropoutMaskBytes } from './embedding';
import { hiddenStates, isProblem, megatronBlockSplit } from './sequence';

type Attention = z.infer<typeof AttentionLayer>;

/** Heads, K/V heads and head dimension of an attention layer on hidden size h. */
export function attentionDims(l: Attention, h: number): { q: number; kv: number; d: number } {
  return { q: l.heads, kv: l.kvHeads ?? l.heads, d: l.headDim ?? h / l.heads };
}

function projectionWeights(l: Attention, h: number): number {
  const { q, kv, d } = attentionDims(l, h);
  return h * (q + 2 * kv) * d + q * d * h;
}

/**
 * The score path's two batched products per sample, one per head (q heads, head dimension d,
 * sequence s): scores = Q·Kᵀ ([s × d]·[d × s]) and context = P·V ([s × s]·[s × d]).
 */
export function scoreProducts(s: number, q: number, d: number): Gemm[] {
  return [
    { rows: s, cols: s, inner: d, count: q, divided: true, scores: true },
    { rows: s, cols: d, inner: s, count: q, divided: true, scores: true },
  ];
}

/** Bytes per score of a softmax over 16-bit scores: forward reads and writes one; backward reads the output and its gradient and writes one. */
export const SOFTMAX_BYTES = { forward: 4, backward: 6 } as const;

export const attention: LayerKind<Attention> = {
  type: 'attention',
  outputShape(l, [x]) {
    const hs = hiddenStates(x, 'attention');
    if (isProblem(hs)) return hs;
    if (l.headDim === undefined && hs.h % l.heads) return { field: 'heads', message: `${l.heads} heads do not divide hidden size ${hs.h} (give headDim)` };
    const kv = l.kvHeads ?? l.heads;
    if (kv > l.heads || l.heads % kv) return { field: 'kvHeads', message: `${kv} must divide heads (${l.heads})` };
    return x;
  },
  cost(l, [x]) {
    const [s, h] = x;
    const { q, kv, d } = attentionDims(l, h);
    const linear = 2 * s * projectionWeights(l, h);
    const core = 2 * 2 * s * s * q * d;
    const bias = l.useBias ?? true ? (q + 2 * kv) * d + h : 0;
    return {
      parameters: projectionWeights(l, h) + bias,
      forwardFlops: linear + core, backwardInputFlops: linear + 2 * core, backwardWeightFlops: linear, splitUnits: q,
    };
  },
  // Q, K and V column-parallel by head, the output projection row-parallel: each rank runs
  // heads/t heads end to end; one all-reduce of the output forward, one of the input gradient
  // backward (Shoeybi et al. 2019, Fig. 3b). The output bias is added after the reduction, on every rank.
  split: (l, [x], _o, c) => megatronBlockSplit('heads', l.heads, x, c.parameters, l.useBias ?? true),
  // Korthikanti et al. 2022 §4.1 (their 11sbh + 5as²b bytes at 16-bit for multi-head attention):
  // whole — the input (2sbh) and the output dropout mask (sbh); split — Q and K (4sbh), V (2sbh),
  // the output projection's input (2sbh); core — softmax output (2as²b), its dropout mask (as²b)
  // and the dropout output (2as²b; without dropout, backprop reuses the softmax output).
  stash(l, [x]: Shape[]) {
    const [s, h] = x;
    const { q, kv, d } = attentionDims(l, h);
    const scores = q * s * s;
    const coreValues = l.dropout ? 2 * scores : scores;
    const coreBytes = dropoutMaskBytes(l.dropout, scores);
    return {
      wholeValues: s * h, wholeBytes: dropoutMaskBytes(l.dropout, s * h),
      splitValues: s * d * (2 * q + 2 * kv) + coreValues, splitBytes: coreBytes, coreValues, coreBytes,
    };
  },
  // Megatron-LM (2021) kernels: the QKV projection, batched QKᵀ per head, a fused scale-mask-softmax
  // (reads and writes the scores), dropout on the probabilities (reads, writes, and a 1-byte mask),
  // the batched product with V, the copy making the context contiguous ([b·a, s, d] to [s, b, h]),
  // the output projection, and the mask of the output dropout (the rest of bias-dropout-add is the
  // `add` layer's). Backward, as PyTorch runs it: the fused softmax's backward reads its output and
  // the incoming gradient and writes one (6 bytes a score), dropout's reads the gradient and the
  // mask and writes one (5), the context copy's gradient is copied back, and the Q/K/V split's
  // gradient is concatenated (reads and writes Q, K and V's gradients). The QKV projection's bias
  // is a pass of its own over its output (read, write), and its gradient a sum over the output's
  // gradient (read): PyTorch's F.linear of 2021 fuses the bias (addmm) only for 2-D inputs, and
  // Megatron-LM's activations are [s, b, h] (torch/nn/functional.py `linear`, ≤ 1.8).
  // The score products and the softmax and dropout passes over the scores are the score path
  // (`scores`, `scoreBytes`): a device may state the rate that path reaches (simulator/cost/kernels.ts).
  kernels(l, [x]): Kernels {
    const [s, h] = x;
    const { q, kv, d } = attentionDims(l, h);
    const scores = q * s * s;
    const context = 4 * s * q * d;
    const qkv = s * (q + 2 * kv) * d;
    const bias = l.useBias ?? true;
    const fwd = context + (bias ? 4 * qkv : 0);
    const bwd = context + 4 * qkv + (bias ? 2 * qkv : 0);
    const onScores = (softmax: number) => (softmax + (l.dropout ? 5 : 0)) * scores;
    return {
      gemms: [
        { rows: s, cols: (q + 2 * kv) * d, inner: h, count: 1, divided: true },
        ...scoreProducts(s, q, d),
        { rows: s, cols: h, inner: q * d, count: 1, divided: true },
      ],
      dividedBytes: { forward: fwd, backward: bwd },
      scoreBytes: { forward: onScores(SOFTMAX_BYTES.forward), backward: onScores(SOFTMAX_BYTES.backward) },
      wholeBytes: { forward: l.dropout ? s * h : 0, backward: l.dropout ? s * h : 0 },
      launches: (l.dropout ? 8 : 7) + (bias ? 1 : 0),
    };
  },
};

registerLayerKind(attention);
