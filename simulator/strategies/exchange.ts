// Collectives as strategies use them: the network part (the collective's own sub-graph, or its
// closed-form time on the symmetric fast path) between the host-side work each worker does on
// its own stream — packing what it sends and unpacking (and summing) what it receives — where the
// device has a hostCopyBytesPerSecond (a framework without in-place collectives).
import { collective, type CollectiveOptions } from '../collectives';
import type { Lowering } from './context';
import { launchSeconds } from '../collectives/achieved';
import { collectiveTraffic } from '../collectives/traffic';

/** Bytes a rank packs before and unpacks after a collective of `bytes` over N ranks (root: index 0). */
function hostBytes(name: string, bytes: number, n: number, index: number): { pack: number; unpack: number } {
  switch (name) {
    case 'all-gather':
      return { pack: bytes / n, unpack: bytes }; // bytes is the gathered whole
    case 'reduce-scatter':
      return { pack: bytes, unpack: bytes }; // split the whole, sum N−1 pieces of 1/N into one
    case 'broadcast':
      return index === 0 ? { pack: bytes, unpack: 0 } : { pack: 0, unpack: bytes };
    case 'reduce':
      return index === 0 ? { pack: 0, unpack: (n - 1) * bytes } : { pack: bytes, unpack: 0 };
    default:
      return { pack: bytes, unpack: bytes }; // all-reduces: the gradient out, the sum back
  }
}

/**
 * Lowers collective `name` among `ranks` (rank = worker index) with host-side packing around it.
 * `ready[i]` is the task after which ranks[i] may start; returns per rank the task after which it
 * holds the result.
 */
export function runCollective(c: Lowering, name: string, ranks: number[], bytes: number, ready: number[], label: string, options?: CollectiveOptions): number[] {
  const n = ranks.length;
  // On the symmetric fast path only rank 0 is simulated (ready has one entry).
  const local = c.simulated === 1 && n > 1 ? [ranks[0]] : ranks;
  // Host-side work on each rank's own stream, after tasks[i] (none where collectives work in place).
  const hostWork = (kind: 'pack' | 'unpack', workers: number[], tasks: number[]): number[] =>
    !c.cost.hostCopies ? tasks : workers.map((w, i) => {
      const seconds = c.cost.hostCopy(hostBytes(name, bytes, n, i)[kind]);
      return seconds > 0 ? c.g.compute(w, seconds, [tasks[i]], `${kind} ${label}`, 'comm') : tasks[i];
    });
  let packed = hostWork('pack', local, ready);
  // Each call's fixed cost (launch, set-up, negotiation) before its first transfer.
  const launch = n > 1 ? launchSeconds(c.hw) : 0;
  let done: number[];
  if (local.length === 1 && n > 1) {
    // Symmetric fast path: every rank does what rank 0 does; the network part is a closed form.
    done = [c.g.delay(0, launch + collective(name).time(c.topo, ranks, bytes, undefined, options), [packed[0]], label)];
    c.closedFormBytes.set(c.g.step, (c.closedFormBytes.get(c.g.step) ?? 0) + collectiveTraffic(name, c.topo, ranks, bytes, options).sent);
  } else {
    if (launch > 0) packed = packed.map((t, i) => c.g.delay(local[i], launch, [t], `${label} launch`));
    done = n === 1 ? packed : collective(name).lower(c.g, c.topo, ranks, bytes, packed, label, options);
  }
  return hostWork('unpack', ranks.slice(0, done.length), done);
}
