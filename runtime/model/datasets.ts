// The data a run trains on: the model's training.dataset when it names a loader the runtime has,
// synthetic samples otherwise (speed measurements need no real data).
import type { Model } from '../../simulator/model/schema';
import { DataSource, shuffledSource, syntheticSource } from './data';
import { loadMnist, MNIST_PIXELS } from './mnist';

/** Throws one line when the data set cannot be read or does not fit the model's input. */
export function dataSourceFor(model: Model, seed: number, classes: number): DataSource {
  const ds = model.training?.dataset;
  if (!ds?.loader) return syntheticSource(seed, model.input, classes);
  const pixels = model.input.reduce((a, b) => a * b, 1);
  if (pixels !== MNIST_PIXELS || classes !== 10) throw new Error(`training.dataset: the mnist loader gives 28×28×1 images in 10 classes; model ${model.name} takes [${model.input.join(', ')}] and ${classes} classes`);
  const split = loadMnist(ds.path);
  return shuffledSource(seed, split.train, { x: split.validation.x, labels: split.validation.labels });
}
