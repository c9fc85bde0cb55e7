// The last check before a simulation's figures are reported or ranked: every number finite. The
// hardware schema bounds its figures to physical ranges (hardware/ranges.ts), but a product of
// extremes within them, or a price of 1e300 $/h, can still overflow; a NaN or Infinity step time
// must never come out as "feasible" (JSON would print it as null, and tune would rank it).
import type { Feasible } from './simulate';

/** Paths of the numbers in a feasible result that are not finite ([] when all are). */
export function nonFiniteFigures(r: Feasible): string[] {
  const bad: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) bad.push(`${path} = ${v}`);
    } else if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    }
  };
  // The timeline is the engine's working state, and a device's capacity may be Infinity on purpose
  // (the speedup baseline is simulated with unbounded memory): neither is a reported figure.
  const { timeline: _t, plan: _p, memory, band, ...figures } = r;
  walk(figures, '');
  // A Monte Carlo band has no deterministic step (stragglers.ts monteCarloBand leaves it NaN: not applicable).
  if (band) walk(Number.isNaN(band.deterministicSeconds) ? { ...band, deterministicSeconds: 0 } : band, 'band');
  walk({ ...memory, capacityBytes: 0 }, 'memory');
  return bad;
}
