// Collectives in which every worker talks to every other directly (one message per pair): the
// natural algorithms on a switch, and the ones model parallelism uses for activations.
import type { Transport } from '../transports/transport';
import { bytesOf, floatsOf } from '../transports/transport';
import { addInto } from './chunks';

/** Others in the order rank+1, rank+2, …, so that not everyone sends to worker 0 first. */
export function others(t: Transport): number[] {
  return Array.from({ length: t.size - 1 }, (_, i) => (t.rank + 1 + i) % t.size);
}

/** Hands received floats back to the transport for reuse (see Transport.release). */
export function releaseFloats(t: Transport, f: Float32Array): void {
  t.release?.(new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
}

/** Every worker's `mine`, indexed by rank (pieces may differ in length). */
export async function allGatherV(t: Transport, mine: Float32Array, tag: string): Promise<Float32Array[]> {
  const peers = others(t);
  const sends = peers.map((p) => t.send(p, tag, bytesOf(mine)));
  const got = await Promise.all(peers.map((p) => t.recv(p, tag)));
  await Promise.all(sends);
  const out: Float32Array[] = Array(t.size);
  out[t.rank] = mine;
  peers.forEach((p, i) => (out[p] = floatsOf(got[i])));
  return out;
}

/**
 * pieces[o] goes to worker o; each worker gets the sum of its piece over all workers. Pieces of
 * length 0 are not sent (every worker must pass the same lengths).
 */
export async function reduceScatterV(t: Transport, pieces: Float32Array[], tag: string): Promise<Float32Array> {
  const peers = others(t);
  const sends = peers.filter((p) => pieces[p].length > 0).map((p) => t.send(p, tag, bytesOf(pieces[p])));
  const mine = new Float32Array(pieces[t.rank]);
  if (mine.length > 0)
    for (const got of await Promise.all(peers.map((p) => t.recv(p, tag)))) {
      addInto(mine, floatsOf(got));
      t.release?.(got);
    }
  await Promise.all(sends);
  return mine;
}

/** The root's side of a broadcast: returns once its data may be reused. */
export function broadcastSend(t: Transport, data: Float32Array, tag: string): Promise<void> {
  return Promise.all(others(t).map((p) => t.send(p, tag, bytesOf(data)))).then(() => undefined);
}

export async function broadcastRecv(t: Transport, root: number, tag: string): Promise<Float32Array> {
  return floatsOf(await t.recv(root, tag));
}

/** Returns when every worker has called it with the same tag. */
export async function barrier(t: Transport, tag: string): Promise<void> {
  await allGatherV(t, new Float32Array(0), tag);
}
