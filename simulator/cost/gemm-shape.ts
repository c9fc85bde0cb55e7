// How much of a GPU's best matrix-multiply rate a product of a given shape reaches: tile and wave
// quantisation (NVIDIA, "Matrix Multiplication Background User's Guide", DU-09799-001, §2.3 and
// §3: cuBLAS divides the output into tiles, one thread block each, and runs them in waves of one
// block per SM; a partial tile at an edge costs a whole one, and a last partial wave leaves SMs
// idle for a whole wave's time). The device's measured best rate (`matmulFlopsByPrecision`) is
// reached by shapes that fill every tile and every wave; other shapes reach the fraction of tile
// area × waves that holds useful output. cuBLAS picks its tile per shape (the guide's §2.3 lists
// 256×128, 128×256, 128×128, 256×64, 64×256, 128×64, 64×128 and 64×64; larger tiles reuse each
// loaded operand more, so they run faster, and smaller ones fill the waves of small products
// better). A smaller tile's rate is taken in proportion to its operand reuse — output elements per
// element loaded per inner step, mt·nt / (mt + nt) — against the largest's (an assumption: the
// guide says larger tiles are more efficient but gives no per-tile rates); the best tile wins.

/** cuBLAS's tile sizes on A100 (the guide's §2.3), output rows × columns of one thread block. */
export const GEMM_TILES: readonly (readonly [number, number])[] = [
  [256, 128], [128, 256], [128, 128], [256, 64], [64, 256], [128, 64], [64, 128], [64, 64],
];

const reuse = ([r, c]: readonly [number, number]): number => (r * c) / (r + c);
const BEST_REUSE = Math.max(...GEMM_TILES.map(reuse));

/** Output elements of a product over the tile area its waves occupy (tile and wave quantisation). */
function fill(rows: number, cols: number, batch: number, sms: number, [tr, tc]: readonly [number, number]): number {
  const tiles = batch * Math.ceil(rows / tr) * Math.ceil(cols / tc);
  const waves = Math.ceil(tiles / sms);
  return (batch * rows * cols) / (waves * sms * tr * tc);
}

/**
 * Fraction of the best matrix-multiply rate a product with a `rows × cols` output (`batch` of them
 * at once, as a batched GEMM runs them) reaches on a device of `sms` streaming multiprocessors.
 * The inner dimension does not enter: every tile steps through all of it.
 */
export function waveEfficiency(rows: number, cols: number, batch: number, sms: number): number {
  if (rows <= 0 || cols <= 0 || batch <= 0) return 1;
  let best = 0;
  for (const t of GEMM_TILES) best = Math.max(best, fill(rows, cols, batch, sms, t) * (reuse(t) / BEST_REUSE));
  return best;
}

/**
 * The tensor-core rate left in a matmul rate measured on an `m × n × k` product of 16-bit operands
 * once that product's memory time (its operands and output at `bytesPerSecond`) is taken out and
 * its tile and wave quantisation is undone: what products run at when compute and memory time add.
 * Undefined when the product's bytes alone would take longer than the measurement did.
 */
export function tensorCoreRate(measured: number, shape: { m: number; n: number; k: number }, bytesPerSecond: number, sms?: number): number | undefined {
  const { m, n, k } = shape;
  const flops = 2 * m * n * k;
  const compute = flops / measured - (2 * (m * k + k * n + m * n)) / bytesPerSecond;
  return compute > 0 ? flops / compute / (sms ? waveEfficiency(m, n, 1, sms) : 1) : undefined;
}
