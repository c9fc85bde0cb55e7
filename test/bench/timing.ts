// Timing helpers for benchmarks. The machine is shared and noisy: warm the JIT up first, then
// time several batches and report the median batch, which one slow spell cannot move.
export function perSecond(fn: () => void, minSeconds = 2): { perSecond: number; best: number; seconds: number; runs: number } {
  const now = () => Number(process.hrtime.bigint()) / 1e9;
  // Warm-up: until V8 has optimised the hot paths (a few hundred calls for the small simulations).
  const w0 = now();
  for (let i = 0; i < 20 || now() - w0 < Math.min(0.5, minSeconds / 4); i++) fn();
  const batches = 7;
  const rates: number[] = [];
  let runs = 0;
  const t0 = now();
  for (let b = 0; b < batches; b++) {
    const b0 = now();
    let n = 0;
    do {
      fn();
      n++;
    } while (now() - b0 < minSeconds / batches);
    rates.push(n / (now() - b0));
    runs += n;
  }
  rates.sort((a, b) => a - b);
  return { perSecond: rates[batches >> 1], best: rates[batches - 1], seconds: now() - t0, runs };
}
