// The shaped transport delivers the same bytes as the transport it wraps, never before the modelled
// arrival time (bytes / bandwidth after the sender's port is free, plus latency): slower than the
// bare memory transport by construction.
import { now } from '../../../runtime/clock';
import { shapedTransport } from '../../../runtime/transports/shaped';
import '../../../runtime/transports';
import type { Transport } from '../../../runtime/transports';
import { memoryGroup } from '../helpers';

function shapedGroup(workers: number, bandwidthBytesPerSecond: number, latencySeconds: number): Transport[] {
  const setup = shapedTransport.setup(workers, { kind: 'shaped', bandwidthBytesPerSecond, latencySeconds });
  return Array.from({ length: workers }, (_, r) => shapedTransport.open(setup, r, workers));
}

test('bytes in equal bytes out', async () => {
  const [a, b] = shapedGroup(2, 1e9, 0);
  const data = Uint8Array.from({ length: 10_000 }, (_, i) => i % 251);
  const [, got] = await Promise.all([a.send(1, 't', data), b.recv(0, 't')]);
  expect(Buffer.from(got).equals(Buffer.from(data))).toBe(true);
  expect(a.stats().bytesSent).toBe(10_000);
  expect(b.stats().bytesReceived).toBe(10_000);
});

test('a message arrives no earlier than bytes/bandwidth + latency after it was sent', async () => {
  const [a, b] = shapedGroup(2, 1e6, 0.005);
  const t0 = now();
  const [, got] = await Promise.all([a.send(1, 't', new Uint8Array(20_000)), b.recv(0, 't')]);
  expect(got.length).toBe(20_000);
  expect(now() - t0).toBeGreaterThanOrEqual(20_000 / 1e6 + 0.005);
});

test('messages from one sender queue behind each other on its port', async () => {
  const [a, b, c] = shapedGroup(3, 1e6, 0);
  const t0 = now();
  await Promise.all([a.send(1, 't', new Uint8Array(10_000)), a.send(2, 't', new Uint8Array(10_000)), b.recv(0, 't'), c.recv(0, 't')]);
  expect(now() - t0).toBeGreaterThanOrEqual(0.02);
});

test('the shaped transport is slower than the memory transport it wraps', async () => {
  const size = 50_000;
  const [ma, mb] = memoryGroup(2);
  let t0 = now();
  await Promise.all([ma.send(1, 't', new Uint8Array(size)), mb.recv(0, 't')]);
  const memory = now() - t0;
  const [sa, sb] = shapedGroup(2, 1e7, 1e-3);
  t0 = now();
  await Promise.all([sa.send(1, 't', new Uint8Array(size)), sb.recv(0, 't')]);
  const shaped = now() - t0;
  // By construction shaped ≥ size/bandwidth + latency = 6 ms; the memory copy of 50 kB is far less.
  expect(shaped).toBeGreaterThanOrEqual(size / 1e7 + 1e-3);
  expect(shaped).toBeGreaterThan(memory);
});
