// A board: what workers that share nothing but an object store can do together. Each key is
// published once, by one worker, and read by any number of them, whenever they ask (a read waits
// until the key is there). The serverless synchronisations (s3-allreduce, s3-scatter-reduce) are
// written on this, not on point-to-point messages, because that is how they use the store.
import type { Transport } from '../transports/transport';

export interface Board {
  readonly rank: number;
  readonly size: number;
  /** Makes `data` readable under `key` (once per key per run); resolves once it is stored. */
  publish(key: string, data: Uint8Array): Promise<void>;
  /** The bytes published under `key`, waiting until they are there: the caller's to keep, 8-byte aligned. */
  read(key: string): Promise<Uint8Array>;
}

/** The board a transport also is (the s3 transport), if any. */
export function boardOf(t: Transport): Board | undefined {
  const b = t as Partial<Board> & Transport;
  return typeof b.publish === 'function' && typeof b.read === 'function' ? (b as Board & Transport) : undefined;
}
