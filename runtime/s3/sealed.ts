// Objects a reader can tell are whole, and waiting for one to appear. Amazon S3 never shows half an
// object, but s3rver writes an object's file in place, so a GET racing the PUT can return a prefix of
// it. Every object the runtime exchanges therefore ends in an 8-byte trailer (its payload length and
// a magic number); a body without a matching trailer is treated as not there yet and polled again.
import { S3Stalled } from './errors';
import { ObjectStore, sleep } from './object-store';

const TRAILER_BYTES = 8;
/** "tpln", little-endian. */
const MAGIC = 0x6e6c7074;

/** The payload followed by its trailer, in a fresh buffer (so the caller may reuse `data` at once). */
export function seal(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.byteLength + TRAILER_BYTES);
  out.set(data);
  const v = new DataView(out.buffer, data.byteLength, TRAILER_BYTES);
  v.setUint32(0, data.byteLength, true);
  v.setUint32(4, MAGIC, true);
  return out;
}

/** The payload of a whole sealed body (a view at the body's offset), or null for a partial one. */
export function unseal(body: Uint8Array): Uint8Array | null {
  if (body.byteLength < TRAILER_BYTES) return null;
  const n = body.byteLength - TRAILER_BYTES;
  const v = new DataView(body.buffer, body.byteOffset + n, TRAILER_BYTES);
  if (v.getUint32(4, true) !== MAGIC || v.getUint32(0, true) !== n) return null;
  return body.subarray(0, n);
}

export interface WaitOptions {
  pollSeconds: number;
  /** Give up (S3Stalled) when the object has not appeared after this long. */
  stallSeconds: number;
  signal?: AbortSignal;
}

export interface Arrived {
  data: Uint8Array;
  /** Seconds from the call until the store last answered "not there yet" (0 if it was there at once). */
  waitedSeconds: number;
}

export async function publish(store: ObjectStore, key: string, data: Uint8Array): Promise<void> {
  await store.put(key, seal(data));
}

/** Polls for a sealed object until it is there and whole, then returns its payload. */
export async function awaitObject(store: ObjectStore, key: string, o: WaitOptions): Promise<Arrived> {
  const t0 = performance.now();
  let waited = 0;
  for (;;) {
    if (o.signal?.aborted) throw new Error(`stopped waiting for ${key}: ${String(o.signal.reason ?? 'closed')}`);
    const body = await store.get(key);
    const data = body && unseal(body);
    if (data) return { data, waitedSeconds: waited };
    waited = (performance.now() - t0) / 1000;
    if (waited > o.stallSeconds) throw new S3Stalled(store.endpoint, key, o.stallSeconds);
    await sleep(o.pollSeconds);
  }
}
