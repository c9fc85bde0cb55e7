// Tensors to one flat vector and back: writeValues copies what dataSync would give, on a backend
// that lends views of its memory (wasm) and on one that does not (cpu), into a vector kept across
// calls, and leaves the tensors as they were.
import * as tf from '@tensorflow/tfjs-core';
import { activateBackend } from '../../../runtime/backends';
import { concatValues, splitValues, writeValues } from '../../../runtime/executors/pack';

test.each(['cpu', 'wasm'])('writeValues on %s: the same values as dataSync, in order, into a kept vector; concatValues and splitValues round-trip', async (backend) => {
  await activateBackend(backend);
  // The path under test: wasm lends views of its heap, cpu does not.
  expect(typeof (tf.backend() as unknown as { typedArrayFromHeap?: unknown }).typedArrayFromHeap === 'function').toBe(backend === 'wasm');
  const shapes = [[3, 4], [5], [2, 2, 2]];
  const ts = shapes.map((s, k) => tf.tensor(Array.from({ length: s.reduce((a, b) => a * b, 1) }, (_, i) => k * 100 + i * 0.5 - 1), s));
  const expected = ts.flatMap((t) => Array.from(t.dataSync()));
  const kept = new Float32Array(expected.length + 3).fill(7);
  writeValues(ts, kept);
  expect(Array.from(kept.subarray(0, expected.length))).toEqual(expected);
  expect(Array.from(kept.subarray(expected.length))).toEqual([7, 7, 7]); // nothing past the values
  // Written again after the tensors changed: the new values, not the old ones.
  const doubled = ts.map((t) => tf.mul(t, 2));
  writeValues(doubled, kept);
  expect(Array.from(kept.subarray(0, expected.length))).toEqual(expected.map((x) => 2 * x));
  const flat = concatValues(ts);
  expect(Array.from(flat)).toEqual(expected);
  const back = splitValues(flat, shapes);
  back.forEach((t, k) => {
    expect(t.shape).toEqual(shapes[k]);
    expect(Array.from(t.dataSync())).toEqual(Array.from(ts[k].dataSync()));
  });
  expect(ts.every((t) => !t.isDisposed)).toBe(true);
  tf.dispose([...ts, ...doubled, ...back]);
});
