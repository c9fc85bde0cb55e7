// The exchanges of a model segment's input: every row of every worker in exactly one round, and
// weight updates every fcBatch samples.
import fc from 'fast-check';
import { exchangeRounds, updateChunks } from '../../../runtime/executors/rounds';

test.each(['all-gather', 'round-robin', 'chunked'] as const)('%s covers every worker\'s batch exactly once', (ex) => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8 }), (k, m) => {
    const b = k * m;
    const seen = new Set<string>();
    for (const round of exchangeRounds(ex, k, b)) for (const p of round) for (let i = 0; i < p.count; i++) {
      const key = `${p.owner}/${p.first + i}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
    expect(seen.size).toBe(k * b);
  }));
});

test('round counts: all-gather 1, round-robin and chunked K', () => {
  expect(exchangeRounds('all-gather', 4, 8)).toHaveLength(1);
  expect(exchangeRounds('round-robin', 4, 8)).toHaveLength(4);
  expect(exchangeRounds('chunked', 4, 8).every((r) => r.length === 4 && r.every((p) => p.count === 2))).toBe(true);
});

test('update chunks split rows at every multiple of fcBatch, carrying what came before', () => {
  expect(updateChunks(64, 0, 64)).toEqual([{ first: 0, count: 64, update: true }]);
  expect(updateChunks(32, 0, 64)).toEqual([{ first: 0, count: 32, update: false }]);
  expect(updateChunks(32, 32, 64)).toEqual([{ first: 0, count: 32, update: true }]);
  expect(updateChunks(64, 0, 32)).toEqual([{ first: 0, count: 32, update: true }, { first: 32, count: 32, update: true }]);
  fc.assert(fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 50 }), (rows, done, fcBatch) => {
    const cs = updateChunks(rows, done, fcBatch);
    expect(cs.reduce((a, c) => a + c.count, 0)).toBe(rows);
    let since = done % fcBatch;
    for (const c of cs) {
      since += c.count;
      expect(c.update).toBe(since === fcBatch);
      expect(since).toBeLessThanOrEqual(fcBatch);
      if (c.update) since = 0;
    }
  }));
});
