// How a model-parallel segment's input reaches every worker (DESIGN.md, plan `exchange`), as a list
// of rounds; each round is a set of rows, each row range owned by the worker whose data-parallel
// layers produced it. Workers compute the segment on a round's rows together, then send each
// owner the gradient of its rows.
//   all-gather:  one round, everyone's whole batch.
//   round-robin: K rounds, worker j's batch in round j (Krizhevsky 2014 §4, scheme (b)).
//   chunked:     K rounds, 1/K of every worker's batch in each.
export interface RowRange {
  owner: number;
  /** First row in the owner's batch, and how many. */
  first: number;
  count: number;
}
export type Round = RowRange[];

export function exchangeRounds(exchange: 'all-gather' | 'round-robin' | 'chunked', workers: number, batchPerWorker: number): Round[] {
  const owners = Array.from({ length: workers }, (_, o) => o);
  switch (exchange) {
    case 'all-gather':
      return [owners.map((o) => ({ owner: o, first: 0, count: batchPerWorker }))];
    case 'round-robin':
      return owners.map((o) => [{ owner: o, first: 0, count: batchPerWorker }]);
    case 'chunked': {
      const c = batchPerWorker / workers;
      return owners.map((k) => owners.map((o) => ({ owner: o, first: k * c, count: c })));
    }
  }
}

export const roundRows = (r: Round): number => r.reduce((a, p) => a + p.count, 0);

/** Splits `rows` (starting `done` samples after the last update) at every multiple of `fcBatch`. */
export function updateChunks(rows: number, done: number, fcBatch: number): { first: number; count: number; update: boolean }[] {
  const out: { first: number; count: number; update: boolean }[] = [];
  let first = 0;
  let since = done % fcBatch;
  while (first < rows) {
    const count = Math.min(rows - first, fcBatch - since);
    since += count;
    out.push({ first, count, update: since === fcBatch });
    if (since === fcBatch) since = 0;
    first += count;
  }
  return out;
}
