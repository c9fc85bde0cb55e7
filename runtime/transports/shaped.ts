// A transport with a given bandwidth and latency, wrapped around a real one, so that one machine can
// stand in for networks of many speeds (validation sweeps compute density this way). It models a
// switch: each worker's port is full duplex at `bandwidthBytesPerSecond`; a message leaves when the
// sender's port is free, takes bytes/bandwidth, arrives `latencySeconds` later and, if the receiver's
// port is busy with other messages, queues behind them. Sends return at once (the NIC does the work);
// receivers wait for the modelled arrival time.
import { now, sleepUntil } from '../clock';
import { Transport, TransportKind, TransportSpec, TransportStats, emptyStats } from './transport';
import { registerTransport, transportKind } from './registry';

export interface ShapedSetup {
  inner: { kind: string; setup: unknown };
  bandwidthBytesPerSecond: number;
  latencySeconds: number;
}

/** Suffix of the 8-byte message carrying the modelled departure time of the message it precedes. */
const STAMP = '\u0000t';

export class ShapedTransport implements Transport {
  private outFree = 0;
  private inFree = 0;
  private readonly counters = emptyStats();

  constructor(private readonly inner: Transport, private readonly bandwidth: number, private readonly latency: number) {}

  get rank(): number {
    return this.inner.rank;
  }
  get size(): number {
    return this.inner.size;
  }

  send(to: number, tag: string, data: Uint8Array): Promise<void> {
    const start = Math.max(now(), this.outFree);
    const done = start + data.byteLength / this.bandwidth;
    this.outFree = done;
    this.counters.bytesSent += data.byteLength;
    this.counters.messagesSent++;
    const stamp = new Float64Array([done]);
    return Promise.all([this.inner.send(to, tag + STAMP, new Uint8Array(stamp.buffer)), this.inner.send(to, tag, data)]).then(() => undefined);
  }

  async recv(from: number, tag: string): Promise<Uint8Array> {
    // One after the other: the data follows its stamp on the same channel, so it is there when the
    // stamp is, and two receives waiting at once would both count the wait (the inner transport's
    // waitSeconds), doubling the waiting a run reports.
    const stamp = await this.inner.recv(from, tag + STAMP);
    const data = await this.inner.recv(from, tag);
    const sent = new Float64Array(stamp.buffer, stamp.byteOffset, 1)[0];
    const arrived = Math.max(sent, this.inFree + data.byteLength / this.bandwidth);
    this.inFree = arrived;
    await sleepUntil(arrived + this.latency);
    this.counters.bytesReceived += data.byteLength;
    return data;
  }

  release(bytes: Uint8Array): void {
    this.inner.release?.(bytes);
  }

  stats(): TransportStats {
    return { ...this.counters, waitSeconds: this.inner.stats().waitSeconds };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export const shapedTransport: TransportKind<ShapedSetup> = {
  name: 'shaped',
  setup(workers: number, spec: TransportSpec): ShapedSetup {
    const bw = spec.bandwidthBytesPerSecond as number;
    const lat = (spec.latencySeconds as number | undefined) ?? 0;
    if (!(bw > 0)) throw new Error('shaped transport needs bandwidthBytesPerSecond > 0');
    if (!(lat >= 0)) throw new Error('shaped transport needs latencySeconds ≥ 0');
    const innerSpec = (spec.inner as TransportSpec | undefined) ?? { kind: 'memory' };
    const kind = transportKind(innerSpec.kind);
    if (!kind) throw new Error(`unknown transport ${innerSpec.kind}`);
    return { inner: { kind: innerSpec.kind, setup: kind.setup(workers, innerSpec) }, bandwidthBytesPerSecond: bw, latencySeconds: lat };
  },
  open(setup, rank, workers) {
    const inner = transportKind(setup.inner.kind)!.open(setup.inner.setup, rank, workers);
    return new ShapedTransport(inner, setup.bandwidthBytesPerSecond, setup.latencySeconds);
  },
};
registerTransport(shapedTransport);
