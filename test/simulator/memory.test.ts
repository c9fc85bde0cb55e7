// Peak memory per worker follows the plan: a pipeline's fullest stage, as its boundaries split it.
import { memoryPerWorker } from '../../simulator/cost/memory';
import { resolvePlan } from '../../simulator/plan/resolve';
import { must, zooModel } from '../helpers/scenarios';

test('a pipeline stage that holds the big dense layers needs more memory than a balanced split', () => {
  const model = zooModel('vgg16');
  const names = model.layers.map((l) => l.name);
  const withBoundary = (b: string) => memoryPerWorker(model, must(resolvePlan({ workers: 2, batchPerWorker: 32, segments: [{ layers: [names[0], names[names.length - 1]], parallelism: 'pipeline', stages: 2, microBatches: 4, boundaries: [b] }] }, model)), 1e12);
  const early = withBoundary('conv2_1'); // stage 1 gets conv2_1…fc8: most activations and all of fc6–fc8
  const late = withBoundary('fc8'); // stage 0 gets everything but fc8
  expect(late.weightsBytes).toBeGreaterThan(early.weightsBytes * 0.9);
  expect(early.totalBytes).not.toBe(late.totalBytes);
  // The data-parallel footprint (every layer on one worker) bounds every stage from above.
  const all = memoryPerWorker(model, must(resolvePlan({ workers: 1, batchPerWorker: 32, segments: [{ layers: [names[0], names[names.length - 1]], parallelism: 'data' }] }, model)), 1e12);
  expect(late.totalBytes).toBeLessThanOrEqual(all.totalBytes);
  expect(early.totalBytes).toBeLessThanOrEqual(all.totalBytes);
});
