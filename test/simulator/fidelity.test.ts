// Published speedups, reproduced from the published hardware (scenarios/hardware/k20-pcie2-2014.json:
// datasheets, one fitted conv efficiency — fitted to the one-GPU time, not to any speedup).
// Krizhevsky 2014 (arXiv:1404.5997) Table 1, one-column AlexNet, 128 images per GPU:
//   (K·128, K·128): 2 GPUs 1.95x, 4 GPUs 3.74x, 8 GPUs 6.25x;  (K·128, 128): 1.93x, 3.66x, 6.09x.
import { simulate, Feasible } from '../../simulator/simulate';
import { plan, zooHardware, zooModel } from '../helpers/scenarios';

const model = zooModel('alexnet-owt');
const k20 = zooHardware('k20-pcie2-2014');
const speedup = (strategy: string, workers: number, extra: object = {}) => {
  const r = simulate(model, k20, plan(strategy, model, { workers, batchPerWorker: 128, ...extra }));
  if (!r.feasible) throw new Error(r.reason);
  return (r as Feasible).speedup;
};

describe('Krizhevsky 2014 on 8 K20s', () => {
  test('the one-GPU step takes the paper\'s 98.05 h / 90 epochs (the one fitted number)', () => {
    const r = simulate(model, k20, plan('single', model, { workers: 1, batchPerWorker: 128 })) as Feasible;
    expect(r.stepTimeSeconds).toBeCloseTo((98.05 * 3600) / (90 * Math.ceil(1_281_167 / 128)), 3);
  });

  test.each([
    [2, 1.95],
    [4, 3.74],
    [8, 6.25],
  ])('hybrid (round-robin, fcBatch = all) on %i GPUs is within 3%% of the paper\'s %fx', (k, paper) => {
    expect(Math.abs(speedup('hybrid', k) / paper - 1)).toBeLessThan(0.03);
  });

  test('updating the FC layers after every 128 images (fcBatch 128) is never faster than once per step', () => {
    for (const k of [2, 4, 8]) expect(speedup('hybrid', k, { fcBatch: 128 })).toBeLessThanOrEqual(speedup('hybrid', k) + 1e-9);
  });

  test('data parallelism with the synchronisation of its day (sharded parameter server after backprop) is clearly slower than the hybrid', () => {
    expect(speedup('data', 8, { sync: 'parameter-server', overlap: false })).toBeLessThan(0.7 * speedup('hybrid', 8));
    expect(speedup('data', 8, { sync: 'ring-allreduce', overlap: false })).toBeLessThan(0.8 * speedup('hybrid', 8));
  });
});
