// What each pipeline rank runs, in order, under Megatron-LM's 1F1B and interleaved schedules: its
// forwards and backwards with the point-to-point exchanges between them. Megatron-LM (commit
// de7dc40f, the SC'21 scripts' commit; unchanged in this respect at 2e90a342, 2022) runs every
// exchange as one blocking batch — p2p_communication.py `_communicate` posts the batch's sends and
// receives with torch.distributed.batch_isend_irecv, waits for every request, then calls
// torch.cuda.synchronize() — so a rank computes nothing while its batch is in flight, and a batch
// finishes only once each peer has reached the batch holding the matching receive or send. Where
// the exchanges fall is schedules.py's: 1F1B sends a forward's output together with receiving the
// gradient for the next backward, and a backward's gradient together with receiving the next
// input; the interleaved schedule runs a forward and a backward, then one batch that sends both
// results and receives both next inputs.
import type { Layout } from './layout';
import { Op, scheduleOf } from './pipeline';

/** A direction on the pipeline ring: `next` is rank p + 1 (mod P), `prev` is p − 1. */
export type Peer = 'next' | 'prev';

/** One blocking batch of point-to-point operations: what it sends and where it receives from. */
export interface Exchange {
  exchange: true;
  sends: Peer[];
  receives: Peer[];
}

export type Step = Op | Exchange;

export const isExchange = (s: Step): s is Exchange => (s as Exchange).exchange === true;

const batch = (sends: (Peer | false)[], receives: (Peer | false)[]): Exchange => ({
  exchange: true,
  sends: sends.filter((s): s is Peer => !!s),
  receives: receives.filter((r): r is Peer => !!r),
});

/**
 * Rank `p`'s forwards and backwards (in `scheduleOf`'s order) with the exchanges Megatron-LM puts
 * between them. Only for the 1F1B and interleaved schedules with pipeline ≥ 2.
 */
export function exchangesOf(layout: Layout, p: number): Step[] {
  const { pipeline: P, chunks: v, microBatches: M } = layout;
  const ops = scheduleOf(layout, p);
  const fwd = ops.filter((o) => !o.backward);
  const bwd = ops.filter((o) => o.backward);
  const firstStage = (chunk: number) => p === 0 && chunk === 0;
  const lastStage = (chunk: number) => p === P - 1 && chunk === v - 1;
  const sendOut = (op: Op): Peer | false => (op.backward ? !firstStage(op.chunk) && 'prev' : !lastStage(op.chunk) && 'next');
  const out: Step[] = v === 1 ? oneForwardOneBackward(P, M, p, fwd, bwd, sendOut) : interleaved(P, v, M, p, fwd, bwd, sendOut);
  return out.filter((s) => !isExchange(s) || s.sends.length + s.receives.length > 0);
}

/** schedules.py `forward_backward_pipelining_without_interleaving`. */
function oneForwardOneBackward(P: number, M: number, p: number, fwd: Op[], bwd: Op[], sendOut: (op: Op) => Peer | false): Step[] {
  const warmup = Math.min(P - p - 1, M);
  const remaining = M - warmup;
  const prev = p > 0 && 'prev';
  const next = p < P - 1 && 'next';
  const out: Step[] = [];
  for (let i = 0; i < warmup; i++) out.push(batch([], [prev]), fwd[i], batch([sendOut(fwd[i])], []));
  if (remaining > 0) out.push(batch([], [prev]));
  for (let i = 0; i < remaining; i++) {
    // The forward's output goes out with the receive of the gradient for the backward that follows.
    out.push(fwd[warmup + i], batch([sendOut(fwd[warmup + i])], [next]));
    // The backward's gradient goes out with the receive of the next forward's input.
    out.push(bwd[i], batch([sendOut(bwd[i])], [i < remaining - 1 && prev]));
  }
  for (let i = remaining; i < M; i++) out.push(batch([], [next]), bwd[i], batch([sendOut(bwd[i])], []));
  return out;
}

/** The interleaved schedule's exchanges (schedules.py `forward_backward_pipelining_with_interleaving`). */
function interleaved(P: number, v: number, M: number, p: number, fwd: Op[], bwd: Op[], sendOut: (op: Op) => Peer | false): Step[] {
  const total = M * v;
  // Chunk of the k-th forward (backward: mirrored), k possibly negative (Python's modulo).
  const chunkOf = (k: number, forward: boolean) => {
    const c = Math.floor((((k % (P * v)) + P * v) % (P * v)) / P);
    return forward ? c : v - 1 - c;
  };
  // All forwards first when there are only as many micro-batches as stages; else the warm-up.
  const allWarmup = M === P;
  const warmup = allWarmup ? total : Math.min((P - p - 1) * 2 + (v - 1) * P, total);
  const out: Step[] = [];
  if (p > 0) out.push(batch([], ['prev']));
  for (let k = 0; k < warmup; k++) {
    out.push(fwd[k]);
    const recvPrev = !(p === 0 && chunkOf(k + 1, true) === 0) && k !== total - 1;
    const recvNext = k === warmup - 1 && !allWarmup && p !== P - 1;
    out.push(batch([sendOut(fwd[k])], [recvPrev && 'prev', recvNext && 'next']));
  }
  const remaining = total - warmup;
  for (let k = 0; k < remaining; k++) {
    const f = fwd[warmup + k];
    const b = bwd[k];
    out.push(f, b);
    // The first rank is P − 1 forwards ahead of the last; it receives nothing for a first chunk.
    const recvPrev = k !== remaining - 1 && !(p === 0 && chunkOf(warmup + k - (P - 1), true) === v - 1);
    const recvNext = !(p === P - 1 && chunkOf(k - (P - 1), false) === 0);
    out.push(batch([sendOut(f), sendOut(b)], [recvPrev && 'prev', recvNext && 'next']));
  }
  if (allWarmup && p !== P - 1) out.push(batch([], ['next']));
  for (let k = remaining; k < total; k++) {
    out.push(bwd[k]);
    const recvNext = k !== total - 1 && !(p === P - 1 && chunkOf(k + 1, false) === v - 1);
    out.push(batch([sendOut(bwd[k])], [recvNext && 'next']));
  }
  return out;
}
