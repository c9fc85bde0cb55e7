// Shared-memory transport between the worker threads of one process: one single-producer,
// single-consumer byte ring per ordered pair of workers in a SharedArrayBuffer, with Atomics for the
// two indices and Atomics.waitAsync to sleep without blocking the worker's event loop.
// A message is copied twice (sender → ring, ring → a fresh buffer the receiver keeps) and never
// staged: frames bigger than the ring stream through it while the receiver drains it.
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
};

/** Two Int32 counters (bytes written, bytes read; both wrap at 2^32), padded to a cache line. */
const HEADER_BYTES = 64;
const W = 0;
const R = 1;
/** Frame header: tag length and payload length, little-endian u32 each. */
const FRAME_HEADER = 8;

export interface MemorySetup {
  capacityBytes: number;
  stallSeconds: number;
  /** rings[from][to]; null on the diagonal. */
  rings: (SharedArrayBuffer | null)[][];
}

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

/** Waits until header[i] no longer equals `value`, calling back on the next turn of the event loop. */
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
  private readonly decoder = new TextDecoder();

  constructor(private readonly ring: Ring, private readonly stallSeconds: number, private readonly describe: string, private readonly pool: BufferPool) {}

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
      this.body = this.pool.take(v.getUint32(4, true));
      this.stage = 'tag';
      if (this.tagBytes.length === 0) this.advance();
    } else if (this.stage === 'tag') {
      this.stage = 'body';
      if (this.body.length === 0) this.advance();
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
  private readonly counters = emptyStats();
  private readonly encoder = new TextEncoder();
  private readonly pool = new BufferPool();

  constructor(setup: MemorySetup, readonly rank: number, readonly size: number) {
    this.writers = setup.rings[rank].map((sab, to) => (sab ? new RingWriter(ringOf(sab), setup.stallSeconds, `worker ${rank} → worker ${to}`) : null));
    this.readers = setup.rings.map((row, from) => (row[rank] ? new RingReader(ringOf(row[rank]!), setup.stallSeconds, `worker ${rank} ← worker ${from}`, this.pool) : null));
  }

  release(bytes: Uint8Array): void {
    this.pool.give(bytes);
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
    return w.write([head, tagBytes, data]);
  }

  async recv(from: number, tag: string): Promise<Uint8Array> {
    const r = this.readers[from];
    if (!r) throw new Error(`worker ${this.rank} cannot receive from worker ${from}`);
    const since = now();
    const a = await r.recv(tag);
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
    return { capacityBytes, stallSeconds: (spec.stallSeconds as number | undefined) ?? MEMORY_DEFAULTS.stallSeconds, rings };
  },
  open: (setup, rank, workers) => new MemoryTransport(setup, rank, workers),
};
registerTransport(memoryTransport);
