// Seeded pseudo-random numbers for weights, synthetic data and dropout masks. Every stream is keyed
// by what it is for (seed, layer, sample index...), never by which worker draws it, so that the same
// run under any plan sees the same numbers.

/** 32-bit FNV-1a over the parts, then a murmur3 finaliser: a stream key from (seed, "data", sample...). */
export function streamKey(...parts: (number | string)[]): number {
  let h = 0x811c9dc5;
  const mix = (b: number) => {
    h ^= b & 0xff;
    h = Math.imul(h, 0x01000193);
  };
  for (const p of parts) {
    if (typeof p === 'number') {
      const v = Math.floor(p);
      // Two 32-bit halves so sample indices past 2^32 keep distinct keys.
      for (const w of [v >>> 0, Math.floor(v / 2 ** 32) >>> 0]) for (let s = 0; s < 32; s += 8) mix(w >>> s);
    } else for (let i = 0; i < p.length; i++) mix(p.charCodeAt(i));
    mix(0x1f); // separator, so ("ab","c") and ("a","bc") differ
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32 (Tommy Ettinger, public domain): small, fast, and good enough for initialisation. */
export class Rng {
  private state: number;
  constructor(key: number) {
    this.state = key >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Fills `out` with uniform values in [lo, hi). */
  fillUniform(out: Float32Array, lo: number, hi: number): Float32Array {
    const w = hi - lo;
    for (let i = 0; i < out.length; i++) out[i] = lo + w * this.next();
    return out;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}
