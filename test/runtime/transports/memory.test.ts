// The memory transport delivers exactly the bytes sent, whatever their size (rings smaller than the
// message stream it through), in any order of tags, and counts what it moved.
import fc from 'fast-check';
import { memoryGroup } from '../helpers';

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

test('bytes in equal bytes out, for messages smaller and larger than the ring', async () => {
  const [a, b] = memoryGroup(2, 1024);
  for (const n of [0, 1, 7, 1000, 1024, 1025, 5000, 70_000]) {
    const data = bytes(n, n);
    const [, got] = await Promise.all([a.send(1, `m${n}`, data), b.recv(0, `m${n}`)]);
    expect(Buffer.from(got).equals(Buffer.from(data))).toBe(true);
  }
  expect(a.stats().bytesSent).toBe(b.stats().bytesReceived);
});

test('property: any sizes, received in any order of tags, arrive intact', async () => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 8 }),
    fc.integer({ min: 6, max: 11 }),
    fc.boolean(),
    async (sizes, logCap, reverse) => {
      const [a, b] = memoryGroup(2, 2 ** logCap);
      const msgs = sizes.map((n, i) => ({ tag: `t${i}`, data: bytes(n, i) }));
      const sends = msgs.map((m) => a.send(1, m.tag, m.data));
      const order = reverse ? [...msgs].reverse() : msgs;
      const got = await Promise.all(order.map((m) => b.recv(0, m.tag)));
      await Promise.all(sends);
      order.forEach((m, i) => expect(Buffer.from(got[i]).equals(Buffer.from(m.data))).toBe(true));
    }), { numRuns: 40 });
});

test('received bytes are 8-byte aligned and can be viewed as floats', async () => {
  const [a, b] = memoryGroup(2);
  const f = Float32Array.from([1.5, -2, 3.25]);
  const [, got] = await Promise.all([a.send(1, 'f', new Uint8Array(f.buffer)), b.recv(0, 'f')]);
  expect(got.byteOffset % 8).toBe(0);
  expect(Array.from(new Float32Array(got.buffer, got.byteOffset, 3))).toEqual([1.5, -2, 3.25]);
});

test('sends to several workers proceed without waiting for the receivers', async () => {
  const [a, b, c] = memoryGroup(3, 1 << 16);
  // Both sends fit their rings, so they complete before anyone receives.
  await Promise.all([a.send(1, 'x', bytes(100, 1)), a.send(2, 'x', bytes(100, 2))]);
  expect((await c.recv(0, 'x'))[0]).toBe(bytes(100, 2)[0]);
  expect((await b.recv(0, 'x'))[0]).toBe(bytes(100, 1)[0]);
});

test('time spent waiting for a peer that has not sent yet is counted as waiting', async () => {
  const [a, b] = memoryGroup(2);
  const pending = b.recv(0, 'late');
  await new Promise((r) => setTimeout(r, 30));
  await a.send(1, 'late', bytes(10, 0));
  await pending;
  expect(b.stats().waitSeconds).toBeGreaterThan(0.02);
  expect(a.stats().waitSeconds).toBe(0);
});

test('sending to oneself is refused', async () => {
  const [a] = memoryGroup(2);
  await expect(a.send(0, 'x', bytes(1, 0))).rejects.toThrow(/cannot send to worker 0/);
});

describe('large messages through the shared slab (one copy)', () => {
  const big = 64 << 10; // above slabMinBytes, within a 1 MiB slot

  test('arrive as a view of shared memory; a released slot is used again; the sender may reuse its data at once', async () => {
    const [a, b] = memoryGroup(2, 1 << 20);
    const data = bytes(big, 1);
    const [, got] = await Promise.all([a.send(1, 'x', data), b.recv(0, 'x')]);
    data.fill(0); // the sender's bytes are its own again once send resolved
    expect(got.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Buffer.from(got).equals(Buffer.from(bytes(big, 1)))).toBe(true);
    b.release!(got);
    const [, again] = await Promise.all([a.send(1, 'y', bytes(big, 2)), b.recv(0, 'y')]);
    expect(again.byteOffset).toBe(got.byteOffset); // the slot came back
    b.release!(again);
    expect(() => b.release!(again)).toThrow(/released twice/);
  });

  test('while every slot is held, messages still arrive, through the ring', async () => {
    const [a, b] = memoryGroup(2, 1 << 20);
    const held: Uint8Array[] = [];
    for (let i = 0; i < 5; i++) {
      const [, got] = await Promise.all([a.send(1, `h${i}`, bytes(big, i)), b.recv(0, `h${i}`)]);
      expect(Buffer.from(got).equals(Buffer.from(bytes(big, i)))).toBe(true);
      held.push(got);
    }
    expect(held.filter((g) => g.buffer instanceof SharedArrayBuffer).length).toBeLessThan(5);
    for (const g of held) b.release!(g);
  });
});
