// How a model-parallel layer is divided: worker r of K owns a contiguous range of output units
// (dense) or channels (convolutions). Ranges are balanced to within one unit.

export type UnitRange = readonly [start: number, end: number];

export function unitRange(units: number, workers: number, rank: number): UnitRange {
  return [Math.floor((units * rank) / workers), Math.floor((units * (rank + 1)) / workers)];
}

export function unitRanges(units: number, workers: number): UnitRange[] {
  return Array.from({ length: workers }, (_, r) => unitRange(units, workers, r));
}

/**
 * Columns [a·inner, b·inner) of a row-major array seen as [rows, cols], where `axis` splits the
 * shape into rows (dims before it) and cols (dims from it on): the slice of a parameter along `axis`.
 */
export function sliceAlong(data: Float32Array, shape: readonly number[], axis: number, range: UnitRange): Float32Array {
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const cols = shape[axis] * inner;
  const rows = data.length / cols;
  const [c0, c1] = [range[0] * inner, range[1] * inner];
  const w = c1 - c0;
  const out = new Float32Array(rows * w);
  for (let r = 0; r < rows; r++) out.set(data.subarray(r * cols + c0, r * cols + c1), r * w);
  return out;
}

/** The inverse of sliceAlong: writes `part` into `full` at `range` along `axis`. */
export function placeAlong(full: Float32Array, shape: readonly number[], axis: number, range: UnitRange, part: Float32Array): void {
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const cols = shape[axis] * inner;
  const rows = full.length / cols;
  const [c0, c1] = [range[0] * inner, range[1] * inner];
  const w = c1 - c0;
  for (let r = 0; r < rows; r++) full.set(part.subarray(r * w, (r + 1) * w), r * cols + c0);
}

/** Splits channels-last data into consecutive channel groups of the given widths (plain loops:
 * tfjs-backend-wasm slices and concatenates along the last axis at ~10 ms per million floats). */
export function splitChannels(data: Float32Array, widths: readonly number[]): Float32Array[] {
  const c = widths.reduce((a, b) => a + b, 0);
  const rows = data.length / c;
  let off = 0;
  return widths.map((w) => {
    const out = new Float32Array(rows * w);
    for (let r = 0, src = off, dst = 0; r < rows; r++, src += c) for (let j = 0; j < w; j++) out[dst++] = data[src + j];
    off += w;
    return out;
  });
}

/** The inverse of splitChannels. */
export function joinChannels(pieces: readonly Float32Array[], widths: readonly number[]): Float32Array {
  const c = widths.reduce((a, b) => a + b, 0);
  const rows = widths.length ? pieces[0].length / widths[0] : 0;
  const out = new Float32Array(rows * c);
  let off = 0;
  pieces.forEach((p, q) => {
    const w = widths[q];
    for (let r = 0, dst = off, src = 0; r < rows; r++, dst += c) for (let j = 0; j < w; j++) out[dst + j] = p[src++];
    off += w;
  });
  return out;
}
