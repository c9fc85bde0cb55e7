// Sliding-window arithmetic shared by convolutions and pooling: output sizes for each padding mode.
export type Padding = number | readonly number[] | 'same' | 'valid';

export function expand(v: number | readonly number[] | undefined, n: number, dflt: number): number[] {
  if (v === undefined) return Array(n).fill(dflt);
  if (typeof v === 'number') return Array(n).fill(v);
  return [...v];
}

/** Output extent of a window of size k, stride s, on an input of extent n. */
export function windowOut(n: number, k: number, s: number, pad: Padding, axis: number): number {
  if (pad === 'same') return Math.ceil(n / s);
  const p = pad === 'valid' ? 0 : typeof pad === 'number' ? pad : pad[axis];
  return Math.floor((n + 2 * p - k) / s) + 1;
}

/** Spatial output dims, or an error message when the window does not fit. */
export function spatialOut(
  dims: readonly number[], kernel: number[], stride: number[], pad: Padding,
): number[] | string {
  const out: number[] = [];
  for (let i = 0; i < dims.length; i++) {
    const o = windowOut(dims[i], kernel[i], stride[i], pad, i);
    if (!(o >= 1)) return `window ${kernel[i]} does not fit an input of extent ${dims[i]} (axis ${i})`;
    out.push(o);
  }
  return out;
}
