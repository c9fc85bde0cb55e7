// The event queue orders by time, then priority, then insertion (never by a string id).
import fc from 'fast-check';
import { EventQueue } from '../../../simulator/engine/queue';
import { Engine } from '../../../simulator/engine/engine';

describe('event queue', () => {
  test('pops in (time, priority, sequence) order', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 2 })), { maxLength: 200 }), (items) => {
      const q = new EventQueue();
      items.forEach(([t, p], i) => q.push(t, p, 0, i));
      const out: [number, number, number][] = [];
      const e = q.popped;
      while (q.pop()) {
        const [priority, seq] = EventQueue.priorityAndSeq(e.order);
        expect(e.arg).toBe(seq); // the payload travels with its event
        out.push([e.time, priority, seq]);
      }
      expect(out).toHaveLength(items.length);
      const sorted = [...out].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
      expect(out).toEqual(sorted);
    }));
  });

  test('ten events at the same time fire in insertion order (9 before 10)', () => {
    const e = new Engine();
    const fired: number[] = [];
    const record = e.on((i) => fired.push(i));
    for (let i = 0; i < 12; i++) e.schedule(1, record, i);
    e.run();
    expect(fired).toEqual([...Array(12).keys()]);
  });

  test('refuses an event in the past', () => {
    const e = new Engine();
    const nothing = e.on(() => undefined);
    const check = e.on(() => expect(() => e.schedule(1, nothing, 0)).toThrow(/in the past/));
    e.schedule(2, check, 0);
    e.run();
  });
});
