// Lowers the 1F1B and interleaved schedules with blocking point-to-point exchanges, as Megatron-LM
// runs them (simulator/parallel/exchanges.ts says where each exchange falls and why it blocks).
// A send and its receive form a pair on a channel — activations from rank p to p + 1, gradients
// from p to p − 1, matched first to first as NCCL matches a pair's operations in order. A pair's
// transfer starts once both ranks have reached the batches holding it; a rank's batch ends when
// every pair in it has arrived, and the rank then all-gathers what it received over its tensor
// group before computing again (scatter/gather, after the batch in `_communicate`).
import type { TaskGraph } from '../engine/graph';
import { exchangesOf, isExchange } from './exchanges';
import type { Layout } from './layout';
import type { Op } from './pipeline';

interface Posted {
  /** The task after which the rank posted its side (its last computation or exchange). */
  ready: number;
  /** Sender's side only: seconds of the point-to-point transfer and of the receiver's gather. */
  send?: number;
  gather?: number;
}

/** One direction between two neighbouring ranks: sends and receives posted, in order, and each pair's arrival. */
class Channel {
  sends: Posted[] = [];
  receives: Posted[] = [];
  arrived: number[] = [];
}

/**
 * Adds every rank's forwards, backwards and exchanges of one step to `g`. `boundary[j]` is the
 * transfer into virtual stage j (its activations; its gradients go back over the same boundary);
 * `last[p]` is rank p's latest task, updated as the ranks advance; `runOp` adds a computation after
 * the given dependencies; `produced` gives the end of a stage's forward or backward of a
 * micro-batch (−1 if not yet added): an exchange never lets a computation run before its input.
 */
export function lowerExchanges(
  g: TaskGraph, layout: Layout, stages: number, boundary: { send: number; gather: number }[], last: number[],
  runOp: (p: number, op: Op, deps: number[]) => number, produced: (stage: number, micro: number, backward: boolean) => number,
): void {
  const P = layout.pipeline;
  const programs = Array.from({ length: P }, (_, p) => exchangesOf(layout, p));
  const activations = Array.from({ length: P }, () => new Channel());
  const gradients = Array.from({ length: P }, () => new Channel());
  const next = new Array<number>(P).fill(0);
  // The forward and backward a rank last ran: an exchange sends their results.
  const lastForward: (Op | undefined)[] = new Array(P).fill(undefined);
  const lastBackward: (Op | undefined)[] = new Array(P).fill(undefined);
  // Rank p's open batch: the pairs it waits for ([channel, index]).
  const open: ([Channel, number][] | undefined)[] = new Array(P).fill(undefined);
  const pairUp = (c: Channel, n: number, src: number) => {
    if (c.arrived[n] !== undefined || !c.sends[n] || !c.receives[n]) return;
    const s = c.sends[n];
    c.arrived[n] = g.delay(src, s.send!, [s.ready, c.receives[n].ready].filter((d) => d >= 0), c === activations[src] ? 'send activations' : 'send gradients');
  };
  let left = programs.reduce((a, x) => a + x.length, 0);
  while (left > 0) {
    let progressed = false;
    for (let p = 0; p < P; p++) {
      while (next[p] < programs[p].length) {
        const step = programs[p][next[p]];
        if (!isExchange(step)) {
          const j = step.chunk * P + p;
          const input = step.backward ? (j === stages - 1 ? -2 : produced(j + 1, step.micro, true)) : j === 0 ? -2 : produced(j - 1, step.micro, false);
          if (input === -1) throw new Error(`pipeline schedule ${layout.schedule}: rank ${p} reached stage ${j}'s ${step.backward ? 'backward' : 'forward'} of micro-batch ${step.micro} before its input was sent (a bug in its exchanges)`);
          runOp(p, step, [last[p]].filter((d) => d >= 0));
          if (step.backward) lastBackward[p] = step;
          else lastForward[p] = step;
        } else {
          if (!open[p]) {
            const waits: [Channel, number][] = [];
            const ready = last[p];
            for (const to of step.sends) {
              const op = to === 'next' ? lastForward[p]! : lastBackward[p]!;
              const j = op.chunk * P + p;
              // Activations out of stage j cross boundary j + 1; gradients out of it, boundary j.
              const b = boundary[to === 'next' ? j + 1 : j];
              const c = to === 'next' ? activations[p] : gradients[p];
              c.sends.push({ ready, send: b.send, gather: b.gather });
              waits.push([c, c.sends.length - 1]);
              pairUp(c, c.sends.length - 1, p);
            }
            for (const from of step.receives) {
              const src = from === 'prev' ? (p - 1 + P) % P : (p + 1) % P;
              const c = from === 'prev' ? activations[src] : gradients[src];
              c.receives.push({ ready });
              waits.push([c, c.receives.length - 1]);
              pairUp(c, c.receives.length - 1, src);
            }
            open[p] = waits;
          }
          const waits = open[p]!;
          if (waits.some(([c, n]) => c.arrived[n] === undefined)) break;
          const received = step.receives.length;
          const gather = waits.slice(waits.length - received).reduce((a, [c, n]) => a + c.sends[n].gather!, 0);
          const arrived = waits.map(([c, n]) => c.arrived[n]);
          last[p] = gather > 0 ? g.delay(p, gather, arrived, 'gather received') : g.join(arrived, 'exchange done');
          open[p] = undefined;
        }
        next[p]++;
        left--;
        progressed = true;
      }
    }
    if (!progressed) throw new Error(`pipeline schedule ${layout.schedule} deadlocked: ranks wait at steps ${next.join(', ')} (a bug in its exchanges)`);
  }
}
