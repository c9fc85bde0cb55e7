// Synthetic training data: sample s (a global index over the whole run) is a pure function of
// (seed, s), so every plan trains on the same samples and runs are comparable.
import { Rng, streamKey } from './rng';

export interface Batch {
  x: Float32Array;
  labels: Int32Array;
}

/** Inputs uniform in [−1, 1); labels uniform over the classes. */
export function syntheticBatch(seed: number, samples: readonly number[], inputShape: readonly number[], classes: number): Batch {
  const per = inputShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(samples.length * per);
  const labels = new Int32Array(samples.length);
  samples.forEach((s, i) => {
    const rng = new Rng(streamKey(seed, 'data', s));
    labels[i] = rng.int(classes);
    rng.fillUniform(x.subarray(i * per, (i + 1) * per), -1, 1);
  });
  return { x, labels };
}

/** Only the labels of `samples` (the first draw of each sample's stream, as in syntheticBatch). */
export function syntheticLabels(seed: number, samples: readonly number[], classes: number): Int32Array {
  return Int32Array.from(samples, (s) => new Rng(streamKey(seed, 'data', s)).int(classes));
}
