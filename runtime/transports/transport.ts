// The Transport interface: how one worker's bytes reach another. Deliberately small — tagged,
// ordered point-to-point messages — so that a transport is a mailbox (shared memory between
// threads, an object store between functions) and every collective (ring all-reduce, all-gather,
// broadcast…) is written once on top of it, in runtime/collectives/.
//
// Contract for implementations (memory.ts, shaped.ts, a future s3.ts):
// - send(to, tag, data) delivers `data` to worker `to` under `tag`. It may return before the
//   receiver asks for it; it resolves once `data` may be reused by the caller. It must not wait for
//   the matching recv (sends to several workers proceed together), and it should start its work
//   synchronously where it can, so a send issued just before a long computation overlaps with it.
// - recv(from, tag) resolves with the bytes `from` sent under `tag`, whenever they were sent
//   (before or after the call). A (from, to, tag) triple is used once per run; tags are short
//   strings such as "s3/grad/r1" (step, what, round), usable as object-store keys.
// - The returned bytes belong to the caller, start at a multiple of 8 bytes in their buffer
//   (so they can be viewed as Float32Array) and are never touched by the transport again.
// - release(bytes), optional, hands back bytes recv returned once the caller is done with them, so
//   the transport may reuse the buffer (allocating a fresh 4 MB buffer costs ~2–3 ms here, ten
//   times the copy itself). Callers must not touch released bytes again.
// - stats().waitSeconds counts time recv spent before the first byte of the message was sent
//   (waiting on the peer, not on the wire); everything else a transfer costs is communication.
export interface TransportStats {
  bytesSent: number;
  bytesReceived: number;
  messagesSent: number;
  waitSeconds: number;
}

export interface Transport {
  readonly rank: number;
  readonly size: number;
  send(to: number, tag: string, data: Uint8Array): Promise<void>;
  recv(from: number, tag: string): Promise<Uint8Array>;
  release?(bytes: Uint8Array): void;
  stats(): TransportStats;
  /** Releases what the transport holds (pending sends are abandoned). */
  close(): Promise<void>;
}

/** What a run asks for: a transport kind by name plus that kind's own options. */
export interface TransportSpec {
  kind: string;
  [option: string]: unknown;
}

/**
 * A kind of transport. `setup` runs once per run on the main thread and returns what every worker
 * needs to open its end; it must survive structured cloning (SharedArrayBuffers are shared, not copied).
 */
export interface TransportKind<Setup = unknown> {
  name: string;
  setup(workers: number, spec: TransportSpec): Setup;
  open(setup: Setup, rank: number, workers: number): Transport;
}

export const emptyStats = (): TransportStats => ({ bytesSent: 0, bytesReceived: 0, messagesSent: 0, waitSeconds: 0 });

/** The bytes of a Float32Array, without copying. */
export const bytesOf = (f: Float32Array): Uint8Array => new Uint8Array(f.buffer, f.byteOffset, f.byteLength);

/** The floats in received bytes, without copying (transports deliver 8-byte-aligned buffers). */
export function floatsOf(u: Uint8Array): Float32Array {
  if (u.byteOffset % 4 === 0) return new Float32Array(u.buffer, u.byteOffset, u.byteLength / 4);
  return new Float32Array(u.slice().buffer);
}
