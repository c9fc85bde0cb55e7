// Balanced contiguous chunks of a flat array, and element-wise sums: shared by the collectives.
export function chunkBounds(n: number, parts: number, i: number): [number, number] {
  return [Math.floor((n * i) / parts), Math.floor((n * (i + 1)) / parts)];
}

export function addInto(dst: Float32Array, src: Float32Array): void {
  if (dst.length !== src.length) throw new Error(`cannot add ${src.length} values into ${dst.length}`);
  for (let i = 0; i < dst.length; i++) dst[i] += src[i];
}
