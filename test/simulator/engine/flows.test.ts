// Max-min fair sharing of links between flows (progressive filling).
import fc from 'fast-check';
import { Engine } from '../../../simulator/engine/engine';
import { FlowNetwork, maxMinRates } from '../../../simulator/engine/flows';

const link = (id: number, bw: number) => ({ id, name: `l${id}`, bandwidthBytesPerSecond: bw });

describe('max-min fair rates', () => {
  test('the textbook example: a long flow and two short ones on two unit links', () => {
    // Flow 0 crosses both links, flows 1 and 2 one each: every flow gets 1/2.
    expect(maxMinRates([link(0, 1), link(1, 1)], [[0, 1], [0], [1]])).toEqual([0.5, 0.5, 0.5]);
  });

  test('a flow bottlenecked elsewhere leaves the rest of a link to the others', () => {
    // Link 0 (10) shared by flows 0 and 1; flow 1 also crosses link 1 (2): flow 1 gets 2, flow 0 gets 8.
    expect(maxMinRates([link(0, 10), link(1, 2)], [[0], [0, 1]])).toEqual([8, 2]);
  });

  test('rates never exceed any link they cross, and every flow has a saturated bottleneck', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 6 }).chain((caps) =>
        fc.tuple(fc.constant(caps), fc.array(fc.uniqueArray(fc.integer({ min: 0, max: caps.length - 1 }), { minLength: 1, maxLength: caps.length }), { minLength: 1, maxLength: 8 }))),
      ([caps, routes]) => {
        const links = caps.map((c, i) => link(i, c));
        const rates = maxMinRates(links, routes);
        const load = caps.map((_, l) => routes.reduce((a, r, i) => a + (r.includes(l) ? rates[i] : 0), 0));
        load.forEach((x, l) => expect(x).toBeLessThanOrEqual(caps[l] * (1 + 1e-9)));
        routes.forEach((r, i) => expect(r.some((l) => load[l] >= caps[l] * (1 - 1e-9) && routes.every((q, j) => !q.includes(l) || rates[j] <= rates[i] * (1 + 1e-9)))).toBe(true));
      },
    ));
  });

  test('two flows on one link finish together at twice the time of one', () => {
    const e = new Engine();
    const done: number[] = [];
    const net = new FlowNetwork(e, [link(0, 100)], () => done.push(e.now));
    net.start([0], 100, 0);
    net.start([0], 100, 1);
    e.run();
    expect(done).toEqual([2, 2]);
  });

  test('a flow speeds up when its competitor ends', () => {
    const e = new Engine();
    const done: [number, number][] = [];
    const net = new FlowNetwork(e, [link(0, 100)], (token) => done.push([token, e.now]));
    net.start([0], 50, 7); // shares at 50/s: ends at 1
    net.start([0], 150, 8); // 50 by t=1, then 100 alone at 100/s: ends at 2
    e.run();
    expect(done).toEqual([[7, 1], [8, 2]]);
    expect(net.bytesCarried[0]).toBe(200);
  });
});
