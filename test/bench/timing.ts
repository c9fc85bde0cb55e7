// Timing helpers for benchmarks: warm up, then repeat until a minimum time has passed.
export function perSecond(fn: () => void, minSeconds = 2): { perSecond: number; seconds: number; runs: number } {
  for (let i = 0; i < 3; i++) fn();
  const t0 = process.hrtime.bigint();
  let runs = 0;
  let seconds = 0;
  while (seconds < minSeconds) {
    fn();
    runs++;
    seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  }
  return { perSecond: runs / seconds, seconds, runs };
}

export function once(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
