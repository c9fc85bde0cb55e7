// Pipeline parallelism: contiguous layers in `pipeline × chunks` virtual stages (chunk c of rank p
// is virtual stage c·pipeline + p), micro-batches ordered by the schedule — GPipe (Huang et al.
// 2019: all forwards, then all backwards), 1F1B (PipeDream-Flush, Narayanan et al. 2021: warm-up
// forwards, then one forward one backward), interleaved (Narayanan et al. 2021 §2.2: chunks in
// groups of `pipeline` micro-batches). The bubble is not a formula: the event engine finds it.
// Activations cross stage boundaries point to point; with tensor parallelism each tensor rank
// sends 1/t and the next stage's ranks all-gather (their scatter/gather optimisation, §4.1).
import { collectiveSeconds } from './closed-form';
import { patternCost, roundBound } from '../collectives/collective';
import type { AnalyzedModel } from '../model/analyze';
import type { Topology } from '../topology/topology';
import { Layout, rankOf, tensorGroup } from './layout';
import { balancedGroups } from '../strategies/pipeline';
import type { Traffic } from './traffic';

/**
 * `n` contiguous groups of layers: Megatron-LM's when the model's attention layers divide evenly
 * (`blockPartition`), else balancing `weight` (forward + backward time).
 */
export function partition(model: AnalyzedModel, n: number, weight: (i: number) => number): number[][] {
  return blockPartition(model, n) ?? balancedGroups(model.order, model.order.map(weight), n);
}

/**
 * Megatron-LM's split: the same number of transformer blocks in every stage (ParallelTransformer,
 * megatron/model/transformer.py at de7dc40f: num_layers / pipeline size, then / virtual stages),
 * the embedding in the first (pre_process) and the final norm, output layer and loss in the last
 * (post_process). A block starts at the last cut before its attention layer that only one value
 * (the residual stream) crosses. Undefined when the attention layers do not divide into `n`.
 */
export function blockPartition(model: AnalyzedModel, n: number): number[][] | undefined {
  const order = model.order;
  const position = new Map(order.map((i, k) => [i, k]));
  const attention = order.map((i, k) => (model.layers[i].type === 'attention' ? k : -1)).filter((k) => k >= 0);
  if (attention.length === 0 || attention.length % n !== 0) return undefined;
  // Values crossing the cut before position k: produced before k, read at or after it.
  const lastRead = order.map(() => -1);
  order.forEach((i, k) => {
    for (const input of model.layers[i].inputs) lastRead[position.get(input)!] = Math.max(lastRead[position.get(input)!], k);
  });
  const crossing = (k: number) => lastRead.slice(0, k).filter((r) => r >= k).length;
  const per = attention.length / n;
  const cuts = [0];
  for (let s = 1; s < n; s++) {
    let k = attention[s * per];
    while (k > cuts[cuts.length - 1] + 1 && crossing(k) !== 1) k--;
    cuts.push(k);
  }
  cuts.push(order.length);
  return cuts.slice(1).map((end, s) => order.slice(cuts[s], end));
}


export interface Op {
  backward: boolean;
  micro: number;
  chunk: number;
}

/** The order in which pipeline rank `p` runs its forwards and backwards in one step. */
export function scheduleOf(layout: Layout, p: number): Op[] {
  const { pipeline: P, microBatches: M, chunks: v } = layout;
  const F = (micro: number, chunk = 0): Op => ({ backward: false, micro, chunk });
  const B = (micro: number, chunk = 0): Op => ({ backward: true, micro, chunk });
  const ops: Op[] = [];
  // Without a pipeline, micro-batches are gradient accumulation: each one's forward then its
  // backward, one micro-batch's activations alive at a time (Megatron-LM's
  // forward_backward_no_pipelining, PyTorch's accumulation loop) — the 1F1B order with no warm-up.
  if (layout.schedule === 'gpipe' && P > 1) {
    for (let m = 0; m < M; m++) for (let c = 0; c < v; c++) ops.push(F(m, c));
    for (let m = 0; m < M; m++) for (let c = v - 1; c >= 0; c--) ops.push(B(m, c));
    return ops;
  }
  // The k-th forward and backward of this rank: micro-batches in groups of P, chunk by chunk.
  const fwd = (k: number): Op => {
    const group = Math.floor(k / (P * v));
    const within = k % (P * v);
    return F(group * P + (within % P), v === 1 ? 0 : Math.floor(within / P));
  };
  const bwd = (k: number): Op => {
    const f = fwd(k);
    return B(f.micro, v - 1 - f.chunk);
  };
  const total = M * v;
  // Megatron-LM runs every forward first when an interleaved pipeline has only P micro-batches.
  const warmup = v === 1 ? Math.min(P - p - 1, total) : M === P ? total : Math.min((P - p - 1) * 2 + (v - 1) * P, total);
  let f = 0;
  let b = 0;
  for (; f < warmup; f++) ops.push(fwd(f));
  while (f < total) {
    ops.push(fwd(f++));
    ops.push(bwd(b++));
  }
  while (b < total) ops.push(bwd(b++));
  return ops;
}

/** Micro-batch chunks whose activations rank `p` holds at once at most under its schedule. */
export function inFlight(layout: Layout, p: number): number {
  let live = 0;
  let peak = 0;
  for (const op of scheduleOf(layout, p)) {
    live += op.backward ? -1 : 1;
    peak = Math.max(peak, live);
  }
  return peak;
}

/**
 * Seconds to send `bytes` from stage `p` to `p + 1` (all replicas and tensor ranks at once): each
 * tensor rank sends 1/t of the tensor point to point (`send`), then the receiving stage's tensor
 * ranks all-gather it (`gather`; Narayanan et al. 2021 §4.1, scatter/gather). Counts its bytes in `traffic`.
 */
export function p2pParts(layout: Layout, topo: Topology, bytes: number, p: number, traffic: Traffic): { send: number; gather: number } {
  if (bytes === 0) return { send: 0, gather: 0 };
  const to = (p + 1) % layout.pipeline;
  const t = layout.tensor;
  const pattern = () => {
    const out: [number, number][] = [];
    for (let d = 0; d < layout.data; d++) for (let r = 0; r < t; r++) out.push([rankOf(layout, d, p, r), rankOf(layout, d, to, r)]);
    return out;
  };
  const key = `p2p:${layout.data}x${t}x${layout.pipeline}:${p}`;
  const c = patternCost(topo, pattern, key);
  const chunk = bytes / t;
  const send = c.uniform ? c.latency + chunk / c.rate : roundBound(topo, pattern, chunk, key);
  traffic.p2p(chunk, layout.data * t);
  if (t > 1) traffic.collective('all-gather', topo, tensorGroup(layout, 0, to), bytes, layout.data);
  return { send, gather: t > 1 ? collectiveSeconds('all-gather', topo, tensorGroup(layout, 0, to), bytes) : 0 };
}

/**
 * Parameters per tensor rank of the copy of a tied word embedding that the last pipeline rank
 * keeps for its output layer (Megatron-LM 2021: with pipeline > 1 the first and last stages each
 * hold the table; the last one's gradients join its data-parallel all-reduce and its optimizer
 * step, and the two copies' gradients are all-reduced between the stages before the step).
 * 0 without pipeline parallelism or an untied head.
 */
export function tiedEmbeddingCopy(model: AnalyzedModel, layout: Layout): number {
  if (layout.pipeline < 2) return 0;
  const head = model.layers.find((l) => l.type === 'lmHead' && (l.layer as { tiedTo?: string }).tiedTo);
  if (!head) return 0;
  return ((head.layer as { vocabulary: number }).vocabulary * head.inputShapes[0][head.inputShapes[0].length - 1]) / layout.tensor;
}

/** Seconds of the all-reduce of the tied embedding's gradients between the first and last pipeline ranks (all tensor ranks and replicas at once). */
export function tiedEmbeddingSync(layout: Layout, topo: Topology, bytes: number, traffic: Traffic): number {
  if (bytes === 0 || layout.pipeline < 2) return 0;
  const pair = [rankOf(layout, 0, 0, 0), rankOf(layout, 0, layout.pipeline - 1, 0)];
  traffic.collective('ring-allreduce', topo, pair, bytes, layout.data * layout.tensor);
  return collectiveSeconds('ring-allreduce', topo, pair, bytes);
}

