// The --plot SVGs: log axes labelled inside their decades, reference lines under the data,
// a legend entry per series with its marker.
import { chart, linearTicks, logTicks, tickLabel } from '../../cli/plot';

test('log axes get 1-2-5 ticks over a few decades and powers of ten over many', () => {
  expect(logTicks(1, 64)).toEqual([1, 2, 5, 10, 20, 50]);
  expect(logTicks(10, 1e6)).toEqual([10, 100, 1000, 1e4, 1e5, 1e6]);
  expect(logTicks(0.2, 3)).toEqual([0.2, 0.3, 0.5, 1, 2, 3]);
  expect(linearTicks(0, 8)).toEqual([0, 2, 4, 6, 8]);
});

test('tick labels stay short and exact enough to read', () => {
  expect([0, 1, 2.5, 587, 1000, 1e4, 2.5e5, 1e6, 3e9, 0.001].map(tickLabel)).toEqual(['0', '1', '2.5', '587', '1000', '10k', '250k', '1M', '3G', '1e-3']);
});

test('the ideal line is drawn before (under) the data, and every series is in the legend', () => {
  const svg = chart('t', 'workers', 'speedup (×)', [
    { name: 'data', points: [[1, 1], [2, 2], [4, 4]] },
    { name: 'hybrid', points: [[1, 1], [2, 1.9], [4, 3.5]] },
    { name: 'ideal', points: [[1, 1], [2, 2], [4, 4]], dashed: true },
  ]);
  const ideal = svg.indexOf('stroke-dasharray="5 4" points=');
  const data = svg.indexOf('stroke="#0072B2" stroke-width="2.2" points=');
  expect(ideal).toBeGreaterThan(0);
  expect(data).toBeGreaterThan(ideal);
  for (const name of ['>data<', '>hybrid<', '>ideal<']) expect(svg).toContain(name);
  // Distinct x values are the ticks: 1, 2 and 4 workers.
  for (const t of ['>1</text>', '>2</text>', '>4</text>']) expect(svg).toContain(t);
});
