// Shared-memory transport between the worker threads of one process: one single-producer,
// single-consumer byte ring per ordered pair of workers in a SharedArrayBuffer, with Atomics for the
// two indices and Atomics.waitAsync to sleep without blocking the worker's event loop.
// A large message is copied once: the sender writes it into a free slot of the pair's shared slab
// and puts only its header in the ring; the receiver is handed a view of the slot itself, which
// returns to the sender when the receiver releases it (Transport.release). Small messages, and
// large ones when every slot is still held, go through the ring: copied twice (sender → ring,
// ring → a buffer the receiver keeps), never staged: frames bigger than the ring stream through it
// while the receiver drains it.
import { now } from '../clock';
import { emptyStats, Transport, TransportKind, TransportSpec, TransportStats } from './transport';
import { registerTransport } from './registry';

/** Defaults of the memory transport. */
export const MEMORY_DEFAULTS = {
  /** Per ordered pair of workers; a power of two. 8 MiB holds a mini-owt ring all-reduce chunk (3.8 MB at 2 workers) whole. */
  capacityBytes: 8 << 20,
  /** Upper bound on all rings of a run together (they are allocated up front, K·(K−1) of them). */
  totalBytes: 256 << 20,
  /** Received buffers of at least this size handed back by release() are kept for reuse… */
  poolMinBytes: 1 << 16,
  /** …up to this many bytes in all. */
  poolMaxBytes: 64 << 20,
  /** A receiver that sees no new byte from its peer for this long gives up (a peer died or a plan deadlocked). */
  stallSeconds: 300,
  /** Messages of at least this many bytes go through a slab slot (one copy); smaller ones through the ring. */
  slabMinBytes: 16 << 10,
  /** Slots per ordered pair (each the ring's capacity), as many as fit this budget for all pairs together. */
  slabTotalBytes: 256 << 20,
  maxSlotsPerPair: 2,
};


/** Two Int32 counters (bytes written, bytes read; both wrap at 2^32), padded to a cache line. */
const HEADER_BYTES = 64;
const W = 0;
const R = 1;
/** Frame header: tag length, payload length and slab slot + 1 (0: the payload follows in the ring), little-endian u32 each. */
const FRAME_HEADER = 12;

export interface MemorySetup {
  capacityBytes: number;
  stallSeconds: number;
  /** rings[from][to]; null on the diagonal. */
  rings: (SharedArrayBuffer | null)[][];
  /** slabs[from][to]: the pair's slots (a state word each, then the slots); null on the diagonal or when none fit. */
  slabs?: (SharedArrayBuffer | null)[][];
  slotsPerPair?: number;
}

/** A pair's slots: state[i] is 1 while slot i holds a message the receiver has not released. */
interface Slab {
  sab: SharedArrayBuffer;
  state: Int32Array;
  slotBytes: number;
}
const slabOf = (sab: SharedArrayBuffer, slots: number, slotBytes: number): Slab => ({ sab, state: new Int32Array(sab, 0, slots), slotBytes });
const slotOffset = (slab: Slab, i: number): number => HEADER_BYTES + i * slab.slotBytes;

interface Ring {
  header: Int32Array;
  data: Uint8Array;
  mask: number;
}
const ringOf = (sab: SharedArrayBuffer): Ring => {
  const data = new Uint8Array(sab, HEADER_BYTES);
  return { header: new Int32Array(sab, 0, 2), data, mask: data.length - 1 };
};

// Atomics.waitAsync is in Node ≥ 16 but in TypeScript's lib only from es2024.
type WaitAsync = (a: Int32Array, i: number, v: number, timeoutMs?: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/**
 * Waits until header[i] no longer equals `value`, asleep on the event loop. No spinning first:
 * tried on the 2-core development machine (8-byte ping-pong between two worker threads, median
 * one way), spinning 20 µs before sleeping gave 38 µs, 50 µs gave 67–74 µs, 500 µs 0.5–1.2 ms,
 * and sleeping at once 16.5 µs: a spinning thread takes the core its peer needs.
 */
function whenChanged(ring: Ring, i: number, value: number, stallSeconds: number, then: (ok: boolean) => void): void {
  const r = waitAsync(ring.header, i, value, stallSeconds * 1000);
  if (!r.async) queueMicrotask(() => then(true));
  else void r.value.then((v) => then(v !== 'timed-out'));
}

interface PendingFrame {
  parts: Uint8Array[];
  part: number;
  offset: number;
  resolve(): void;
  reject(e: Error): void;
}

class RingWriter {
  private readonly frames: PendingFrame[] = [];
  private waiting = false;
  constructor(private readonly ring: Ring, private readonly stallSeconds: number, private readonly describe: string) {}

  write(parts: Uint8Array[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.frames.push({ parts, part: 0, offset: 0, resolve, reject });
      if (!this.waiting) this.pump(); // synchronously: a send issued before a long computation is already in the ring
    });
  }

  private pump(): void {
    const { header, data, mask } = this.ring;
    const cap = mask + 1;
    while (this.frames.length) {
      const f = this.frames[0];
      let w = Atomics.load(header, W);
      const r = Atomics.load(header, R);
      let free = cap - ((w - r) | 0);
      if (free === 0) {
        this.waiting = true;
        whenChanged(this.ring, R, r, this.stallSeconds, (ok) => {
          this.waiting = false;
          if (ok) this.pump();
          else this.fail(new Error(`${this.describe}: the receiver read nothing for ${this.stallSeconds} s`));
        });
        return;
      }
      while (free > 0 && f.part < f.parts.length) {
        const src = f.parts[f.part];
        const n = Math.min(free, src.length - f.offset);
        const p = w & mask;
        const first = Math.min(n, cap - p);
        data.set(src.subarray(f.offset, f.offset + first), p);
        if (n > first) data.set(src.subarray(f.offset + first, f.offset + n), 0);
        f.offset += n;
        free -= n;
        w = (w + n) | 0;
        if (f.offset === src.length) {
          f.part++;
          f.offset = 0;
        }
      }
      Atomics.store(header, W, w);
      Atomics.notify(header, W);
      if (f.part === f.parts.length) {
        this.frames.shift();
        f.resolve();
      }
    }
  }

  fail(e: Error): void {
    for (const f of this.frames.splice(0)) f.reject(e);
  }
}

interface Arrival {
  body: Uint8Array;
  /** When this frame's header was read: the message had started arriving. */
  headerTime: number;
}

class RingReader {
  private readonly arrived = new Map<string, Arrival>();
  private readonly waiters = new Map<string, { resolve(a: Arrival): void; reject(e: Error): void }>();
  private waiting = false;
  private readonly head = new Uint8Array(FRAME_HEADER);
  private stage: 'header' | 'tag' | 'body' = 'header';
  private got = 0;
  private tagBytes = new Uint8Array(0);
  private body: Uint8Array = new Uint8Array(0);
  private headerTime = 0;
  /** The payload is a slab slot's view, not bytes still to come through the ring. */
  private inSlot = false;
  private readonly decoder = new TextDecoder();

  constructor(private readonly ring: Ring, private readonly stallSeconds: number, private readonly describe: string, private readonly pool: BufferPool, private readonly slab: Slab | null) {}

  recv(tag: string): Promise<Arrival> {
    const a = this.arrived.get(tag);
    if (a) {
      this.arrived.delete(tag);
      return Promise.resolve(a);
    }
    if (this.waiters.has(tag)) return Promise.reject(new Error(`${this.describe}: two receives wait for tag ${tag}`));
    return new Promise((resolve, reject) => {
      this.waiters.set(tag, { resolve, reject });
      if (!this.waiting) this.pump();
    });
  }

  /** Reads frames while someone waits; frames for other tags are kept until asked for. */
  private pump(): void {
    const { header, data, mask } = this.ring;
    const cap = mask + 1;
    while (this.waiters.size > 0) {
      const w = Atomics.load(header, W);
      let r = Atomics.load(header, R);
      let avail = (w - r) | 0;
      if (avail === 0) {
        this.waiting = true;
        whenChanged(this.ring, W, w, this.stallSeconds, (ok) => {
          this.waiting = false;
          if (ok) this.pump();
          else this.fail(new Error(`${this.describe}: nothing arrived for ${this.stallSeconds} s (waiting for ${[...this.waiters.keys()].join(', ')})`));
        });
        return;
      }
      while (avail > 0 && this.waiters.size > 0) {
        const dst = this.stage === 'header' ? this.head : this.stage === 'tag' ? this.tagBytes : this.body;
        const n = Math.min(avail, dst.length - this.got);
        const p = r & mask;
        const first = Math.min(n, cap - p);
        dst.set(data.subarray(p, p + first), this.got);
        if (n > first) dst.set(data.subarray(0, n - first), this.got + first);
        this.got += n;
        avail -= n;
        r = (r + n) | 0;
        if (this.got === dst.length) this.advance();
      }
      Atomics.store(header, R, r);
      Atomics.notify(header, R);
    }
  }

  private advance(): void {
    this.got = 0;
    if (this.stage === 'header') {
      const v = new DataView(this.head.buffer);
      this.headerTime = now();
      this.tagBytes = new Uint8Array(v.getUint32(0, true));
      const length = v.getUint32(4, true);
      const slot = v.getUint32(8, true);
      this.inSlot = slot > 0;
      if (this.inSlot && !this.slab) throw new Error(`${this.describe}: a message in a slab slot, but this pair has no slab`);
      this.body = this.inSlot ? new Uint8Array(this.slab!.sab, slotOffset(this.slab!, slot - 1), length) : this.pool.take(length);
      this.stage = 'tag';
      if (this.tagBytes.length === 0) this.advance();
    } else if (this.stage === 'tag') {
      this.stage = 'body';
      if (this.body.length === 0 || this.inSlot) this.advance();
    } else {
      this.stage = 'header';
      const tag = this.decoder.decode(this.tagBytes);
      const arrival = { body: this.body, headerTime: this.headerTime };
      const waiter = this.waiters.get(tag);
      if (waiter) {
        this.waiters.delete(tag);
        waiter.resolve(arrival);
      } else if (this.arrived.has(tag)) {
        this.fail(new Error(`${this.describe}: tag ${tag} sent twice`));
      } else this.arrived.set(tag, arrival);
    }
  }

  fail(e: Error): void {
    for (const w of this.waiters.values()) w.reject(e);
    this.waiters.clear();
  }
}

/** Buffers handed back by release(), by size, for the next message of that size. */
class BufferPool {
  private readonly free = new Map<number, Uint8Array[]>();
  private bytes = 0;
  take(n: number): Uint8Array {
    const b = this.free.get(n)?.pop();
    if (b) {
      this.bytes -= n;
      return b;
    }
    // Not zero-filled (every byte is about to be written), and on its own ArrayBuffer at offset 0.
    return Buffer.allocUnsafeSlow(n);
  }
  give(b: Uint8Array): void {
    const n = b.byteLength;
    if (n < MEMORY_DEFAULTS.poolMinBytes || this.bytes + n > MEMORY_DEFAULTS.poolMaxBytes || b.byteOffset !== 0 || b.buffer.byteLength !== n) return;
    const list = this.free.get(n) ?? [];
    if (list.includes(b)) throw new Error('a received buffer was released twice');
    list.push(b);
    this.free.set(n, list);
    this.bytes += n;
  }
}

export class MemoryTransport implements Transport {
  private readonly writers: (RingWriter | null)[];
  private readonly readers: (RingReader | null)[];
  /** outSlabs[to]: where this worker puts large messages for `to`; inSlabs: by buffer, the slabs others fill for it. */
  private readonly outSlabs: (Slab | null)[];
  private readonly inSlabs = new Map<ArrayBufferLike, Slab>();
  /** Slot views handed to callers and not yet released, so that a double release is caught. */
  private readonly held = new Map<Slab, Set<number>>();
  private readonly counters = emptyStats();
  private readonly encoder = new TextEncoder();
  private readonly pool = new BufferPool();

  constructor(setup: MemorySetup, readonly rank: number, readonly size: number) {
    const slots = setup.slotsPerPair ?? 0;
    const slab = (from: number, to: number) => {
      const sab = setup.slabs?.[from]?.[to];
      return sab && slots > 0 ? slabOf(sab, slots, setup.capacityBytes) : null;
    };
    this.outSlabs = Array.from({ length: size }, (_, to) => slab(rank, to));
    this.writers = setup.rings[rank].map((sab, to) => (sab ? new RingWriter(ringOf(sab), setup.stallSeconds, `worker ${rank} → worker ${to}`) : null));
    this.readers = setup.rings.map((row, from) => {
      if (!row[rank]) return null;
      const s = slab(from, rank);
      if (s) this.inSlabs.set(s.sab, s);
      return new RingReader(ringOf(row[rank]!), setup.stallSeconds, `worker ${rank} ← worker ${from}`, this.pool, s);
    });
  }

  release(bytes: Uint8Array): void {
    const slab = this.inSlabs.get(bytes.buffer);
    if (!slab) return this.pool.give(bytes);
    const slot = (bytes.byteOffset - HEADER_BYTES) / slab.slotBytes;
    if (!this.held.get(slab)?.delete(slot)) throw new Error('a received buffer was released twice');
    Atomics.store(slab.state, slot, 0);
  }

  send(to: number, tag: string, data: Uint8Array): Promise<void> {
    const w = this.writers[to];
    if (!w) return Promise.reject(new Error(`worker ${this.rank} cannot send to worker ${to}`));
    const tagBytes = this.encoder.encode(tag);
    const head = new Uint8Array(FRAME_HEADER);
    const v = new DataView(head.buffer);
    v.setUint32(0, tagBytes.length, true);
    v.setUint32(4, data.byteLength, true);
    this.counters.bytesSent += data.byteLength;
    this.counters.messagesSent++;
    const slot = this.claimSlot(to, data.byteLength);
    if (slot < 0) return w.write([head, tagBytes, data]);
    // Written before the frame that announces it: the ring's release-store of its write index orders them.
    const slab = this.outSlabs[to]!;
    new Uint8Array(slab.sab, slotOffset(slab, slot), data.byteLength).set(data);
    v.setUint32(8, slot + 1, true);
    return w.write([head, tagBytes]);
  }

  /** A free slot of the slab to `to` for a message of `bytes`, marked in use; −1 for the ring. */
  private claimSlot(to: number, bytes: number): number {
    const slab = this.outSlabs[to];
    if (!slab || bytes < MEMORY_DEFAULTS.slabMinBytes || bytes > slab.slotBytes) return -1;
    for (let i = 0; i < slab.state.length; i++) if (Atomics.compareExchange(slab.state, i, 0, 1) === 0) return i;
    return -1;
  }

  async recv(from: number, tag: string): Promise<Uint8Array> {
    const r = this.readers[from];
    if (!r) throw new Error(`worker ${this.rank} cannot receive from worker ${from}`);
    const since = now();
    const a = await r.recv(tag);
    const slab = this.inSlabs.get(a.body.buffer);
    if (slab) {
      const held = this.held.get(slab) ?? new Set<number>();
      held.add((a.body.byteOffset - HEADER_BYTES) / slab.slotBytes);
      this.held.set(slab, held);
    }
    this.counters.waitSeconds += Math.max(0, a.headerTime - since);
    this.counters.bytesReceived += a.body.byteLength;
    return a.body;
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    const e = new Error(`worker ${this.rank}: transport closed`);
    for (const w of this.writers) w?.fail(e);
    for (const r of this.readers) r?.fail(e);
  }
}

function ringCapacity(workers: number, requested?: number): number {
  const pairs = Math.max(1, workers * (workers - 1));
  let cap = requested ?? MEMORY_DEFAULTS.capacityBytes;
  if (requested === undefined) while (cap > 64 << 10 && cap * pairs > MEMORY_DEFAULTS.totalBytes) cap >>= 1;
  if (cap < 64 || (cap & (cap - 1)) !== 0) throw new Error(`memory transport capacity must be a power of two ≥ 64 bytes, got ${cap}`);
  return cap;
}

export const memoryTransport: TransportKind<MemorySetup> = {
  name: 'memory',
  setup(workers: number, spec: TransportSpec): MemorySetup {
    const capacityBytes = ringCapacity(workers, spec.capacityBytes as number | undefined);
    const rings = Array.from({ length: workers }, (_, from) =>
      Array.from({ length: workers }, (_, to) => (from === to ? null : new SharedArrayBuffer(HEADER_BYTES + capacityBytes))));
    const pairs = Math.max(1, workers * (workers - 1));
    const slotsPerPair = Math.min(MEMORY_DEFAULTS.maxSlotsPerPair, Math.floor(MEMORY_DEFAULTS.slabTotalBytes / (pairs * capacityBytes)));
    const slabs = Array.from({ length: workers }, (_, from) =>
      Array.from({ length: workers }, (_, to) => (from === to || slotsPerPair === 0 ? null : new SharedArrayBuffer(HEADER_BYTES + slotsPerPair * capacityBytes))));
    return { capacityBytes, stallSeconds: (spec.stallSeconds as number | undefined) ?? MEMORY_DEFAULTS.stallSeconds, rings, slabs, slotsPerPair };
  },
  open: (setup, rank, workers) => new MemoryTransport(setup, rank, workers),
};
registerTransport(memoryTransport);
