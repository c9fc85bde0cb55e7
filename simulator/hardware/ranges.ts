// Physical ranges of the hardware figures the simulator divides by or adds up. The schema accepted
// any positive double, and the extremes broke the arithmetic: a bandwidth of 1e-310 B/s made a
// transfer take Infinity seconds (the engine then reported a dependency cycle), a peak of 5e-324
// FLOP/s or a latency of 1e308 s gave a NaN step time that tune picked as best. Each bound is wide
// — orders of magnitude beyond any machine built or announced — so it rejects only nonsense, and
// with it every step time stays a finite double (the simulator also checks that: simulate.ts).
import { z } from 'zod';

export const PHYSICAL = {
  /**
   * B/s of one link or port. 1 B/s (a 10-baud modem is ~1 B/s) to 1e15 B/s: NVLink 5 is 1.8e12 B/s
   * per GPU (NVIDIA Blackwell datasheet, 2024), so the ceiling leaves ~500× headroom.
   */
  bandwidthBytesPerSecond: { min: 1, max: 1e15 },
  /** FLOP/s of one device: 1e3 (a 1950s computer) to 1e21 (B200 is ~4.5e15 dense FP8, datasheet 2024). */
  flops: { min: 1e3, max: 1e21 },
  /** Bytes of one device's memory: 1 B to 1e15 B (an H200 has 1.41e11; NVIDIA datasheet 2024). */
  memoryBytes: { min: 1, max: 1e15 },
  /** Seconds of one latency, overhead or cold start: at most a day (a store answering slower is down). */
  seconds: { max: 86_400 },
} as const;

const num = (n: number) => (n >= 1e5 ? n.toExponential().replace('e+', 'e') : String(n));
const say = (lo: number, hi: number, unit: string) => `must be a number from ${num(lo)} to ${num(hi)}${unit ? ` ${unit}` : ''}`;

/** A positive figure within [min, max]; the message names the range and unit. */
export const within = (r: { min: number; max: number }, unit: string) => {
  const error = say(r.min, r.max, unit);
  return z.number({ error }).min(r.min, { error }).max(r.max, { error });
};

/** A duration from 0 to PHYSICAL.seconds.max. */
export const duration = () => {
  const error = say(0, PHYSICAL.seconds.max, 's');
  return z.number({ error }).min(0, { error }).max(PHYSICAL.seconds.max, { error });
};
