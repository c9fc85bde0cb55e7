// Smallest and largest of many numbers. `Math.min(...xs)` passes every element as an argument and
// overflows the call stack somewhere above ~100,000 of them (collective.ts did, at 131,072 workers);
// these loop instead. Empty input gives Infinity / -Infinity, as Math.min() / Math.max() do.
export function minOf(xs: Iterable<number>): number {
  let m = Infinity;
  for (const x of xs) if (x < m || Number.isNaN(x)) m = x;
  return m;
}

export function maxOf(xs: Iterable<number>): number {
  let m = -Infinity;
  for (const x of xs) if (x > m || Number.isNaN(x)) m = x;
  return m;
}
