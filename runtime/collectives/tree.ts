// Tree all-reduce on a binomial tree, as the simulator charges it (simulator/collectives/tree.ts):
// ⌈log2 N⌉ rounds in which position p (bit r set, lower bits clear) sends its partial sum to
// p − 2^r, then the same tree in reverse broadcasts the total. Positions are places on the ring,
// so rank order on a switch.
import type { Transport } from '../transports/transport';
import { bytesOf, floatsOf } from '../transports/transport';
import { addInto } from './chunks';
import type { Ring } from './ring';

/** Sums `data` over all workers, in place. */
export async function treeAllReduce(t: Transport, ring: Ring, data: Float32Array, tag: string): Promise<void> {
  const n = ring.size;
  if (n === 1) return;
  const rounds = Math.ceil(Math.log2(n));
  const me = ring.rank;
  // Reduce: in round r, a position whose lowest set bit is r sends up and is done.
  let sentAt = rounds;
  for (let r = 0; r < rounds; r++) {
    const step = 1 << r;
    if (me % (2 * step) === step) {
      await t.send(me - step, `${tag}/up${r}`, bytesOf(data));
      sentAt = r;
      break;
    }
    if (me % (2 * step) === 0 && me + step < n) {
      const got = await t.recv(me + step, `${tag}/up${r}`);
      addInto(data, floatsOf(got));
      t.release?.(got);
    }
  }
  // Broadcast: receive the total from the parent of the round it sent in, pass it to its children.
  if (me !== 0) {
    const got = await t.recv(me - (1 << sentAt), `${tag}/down${sentAt}`);
    data.set(floatsOf(got));
    t.release?.(got);
  }
  for (let r = Math.min(sentAt, rounds) - 1; r >= 0; r--) {
    const child = me + (1 << r);
    if (child < n) await t.send(child, `${tag}/down${r}`, bytesOf(data));
  }
}
