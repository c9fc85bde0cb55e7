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

/**
 * Where a run's samples come from. Sample s is a global index over the whole run (step × samples
 * per step + position), so every plan sees the same samples in the same steps.
 */
export interface DataSource {
  batch(samples: readonly number[]): Batch;
  labels(samples: readonly number[]): Int32Array;
  /** Held-out samples (real data sets only). */
  validation?: Batch;
}

export function syntheticSource(seed: number, inputShape: readonly number[], classes: number): DataSource {
  return { batch: (s) => syntheticBatch(seed, s, inputShape, classes), labels: (s) => syntheticLabels(seed, s, classes) };
}

/**
 * A labelled training set read in epochs: epoch e visits every image once in an order shuffled by
 * (seed, e) (Fisher–Yates), and sample s is image order_e[s mod n] with e = ⌊s / n⌋.
 */
export function shuffledSource(seed: number, train: { x: Float32Array; labels: Int32Array; count: number }, validation?: Batch): DataSource {
  const n = train.count;
  const per = train.x.length / n;
  const orders = new Map<number, Uint32Array>();
  const order = (epoch: number) => {
    let o = orders.get(epoch);
    if (!o) {
      o = Uint32Array.from({ length: n }, (_, i) => i);
      const rng = new Rng(streamKey(seed, 'epoch', epoch));
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [o[i], o[j]] = [o[j], o[i]];
      }
      if (orders.size > 2) orders.delete(orders.keys().next().value!);
      orders.set(epoch, o);
    }
    return o;
  };
  const image = (s: number) => order(Math.floor(s / n))[s % n];
  return {
    batch(samples) {
      const x = new Float32Array(samples.length * per);
      const labels = new Int32Array(samples.length);
      samples.forEach((s, i) => {
        const k = image(s);
        x.set(train.x.subarray(k * per, (k + 1) * per), i * per);
        labels[i] = train.labels[k];
      });
      return { x, labels };
    },
    labels: (samples) => Int32Array.from(samples, (s) => train.labels[image(s)]),
    validation,
  };
}
