// Tensors to one flat float32 message and back: what crosses a pipeline boundary, and what ZeRO and
// data parallelism reduce, travel as one vector each.
import * as tf from '@tensorflow/tfjs-core';

/** The values of `ts`, one after the other. */
export function concatValues(ts: readonly tf.Tensor[]): Float32Array {
  const out = new Float32Array(ts.reduce((a, t) => a + t.size, 0));
  let off = 0;
  for (const t of ts) {
    out.set(t.dataSync() as Float32Array, off);
    off += t.size;
  }
  return out;
}

/** `flat` cut in order into pieces of `shapes`' sizes: views of its memory, not copies. */
export function splitFloats(flat: Float32Array, shapes: readonly (readonly number[])[]): Float32Array[] {
  let off = 0;
  return shapes.map((shape) => flat.subarray(off, (off += shape.reduce((a, b) => a * b, 1))));
}

/**
 * Tensors of `shapes` cut from `flat` in order. The tensors may keep `flat`'s memory (tfjs-backend-cpu
 * does not copy), so the caller must not hand `flat` back to a transport for reuse.
 */
export function splitValues(flat: Float32Array, shapes: readonly (readonly number[])[]): tf.Tensor[] {
  return splitFloats(flat, shapes).map((piece, k) => tf.tensor(piece, [...shapes[k]]));
}
