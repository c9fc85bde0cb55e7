// One clock for every thread of a run: seconds since the Unix epoch with sub-millisecond resolution
// (each worker thread has its own performance.timeOrigin, so performance.now() alone is not shared).
export const now = (): number => (performance.timeOrigin + performance.now()) / 1000;

/** Waits until the shared clock reads `t`: a timer for the bulk, then a short spin (timers are ~1 ms coarse). */
export async function sleepUntil(t: number): Promise<void> {
  const SPIN_SECONDS = 0.0015;
  for (let left = t - now(); left > SPIN_SECONDS; left = t - now()) {
    await new Promise((r) => setTimeout(r, (left - SPIN_SECONDS) * 1000));
  }
  while (now() < t) {
    /* spin */
  }
}
