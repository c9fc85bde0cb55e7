// Tensors to one flat float32 message and back: what crosses a pipeline boundary, and what ZeRO and
// data parallelism reduce, travel as one vector each.
import * as tf from '@tensorflow/tfjs-core';

/** The values of `ts`, one after the other. */
export function concatValues(ts: readonly tf.Tensor[]): Float32Array {
  const out = new Float32Array(ts.reduce((a, t) => a + t.size, 0));
  writeValues(ts, out);
  return out;
}

/** A backend that hands out a view of a tensor's memory (tfjs-backend-wasm: its heap) instead of a copy. */
interface HeapViews {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/**
 * The values of `ts`, one after the other, written into `out` (at least their total size): no
 * array is allocated where the backend lends a view of the tensor's memory. A data-parallel step
 * on mini-owt otherwise made two 7.6 MB arrays a step (dataSync's copies, the flat vector), which
 * V8 keeps in its large-object space and collects with mark-compacts on the worker's own time.
 */
export function writeValues(ts: readonly tf.Tensor[], out: Float32Array): void {
  const b = tf.backend() as unknown as Partial<HeapViews>;
  let off = 0;
  for (const t of ts) {
    const values = typeof b.typedArrayFromHeap === 'function' && t.dtype === 'float32' ? b.typedArrayFromHeap(t) : (t.dataSync() as Float32Array);
    out.set(values, off);
    off += t.size;
  }
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
