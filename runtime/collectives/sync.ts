// The data segment's `sync`, as a collective: which algorithm sums a gradient over all workers.
// Ring and tree all-reduce and the synchronous parameter server run on any transport; the
// store-native ones need a transport that is a Board (the s3 transport), exactly as serverless
// workers can only meet in the store. Not here, so never chosen by tune for the runtime: the
// hierarchical all-reduce (the runtime's workers share one machine, a one-level network) and the
// asynchronous parameter server (its workers would train on stale weights, which the lock-step
// executors do not model).
import type { SYNCS } from '../../simulator/plan/schema';
import type { Transport } from '../transports/transport';
import { ringAllReduce } from './allreduce';
import { parameterServerPushPull } from './parameter-server';
import { treeAllReduce } from './tree';
import { boardOf } from './board';
import type { Ring } from './ring';
import { s3AllReduce } from './s3-allreduce';
import { s3ScatterReduce } from './s3-scatter-reduce';

export type Sync = (typeof SYNCS)[number];

/** The synchronisations the runtime executes, and what each needs of the transport. */
export const RUNTIME_SYNCS: Partial<Record<Sync, { needsBoard: boolean }>> = {
  'ring-allreduce': { needsBoard: false },
  'tree-allreduce': { needsBoard: false },
  'parameter-server': { needsBoard: false },
  's3-allreduce': { needsBoard: true },
  's3-scatter-reduce': { needsBoard: true },
};

/** Sums `data` over all workers, in place, the way `sync` says. */
export async function allReduceBy(sync: Sync, t: Transport, ring: Ring, data: Float32Array, tag: string): Promise<void> {
  if (sync === 'ring-allreduce') return ringAllReduce(t, ring, data, tag);
  if (sync === 'tree-allreduce') return treeAllReduce(t, ring, data, tag);
  if (sync === 'parameter-server') return parameterServerPushPull(t, data, tag);
  const b = boardOf(t);
  if (!b) throw new Error(`${sync} synchronises through an object store: it needs the s3 transport`);
  if (sync === 's3-allreduce') return s3AllReduce(b, data, tag);
  if (sync === 's3-scatter-reduce') return s3ScatterReduce(b, data, tag);
  throw new Error(`the runtime does not implement ${sync}`);
}
