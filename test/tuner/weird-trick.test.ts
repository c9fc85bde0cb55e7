// The tuner finds Krizhevsky's one weird trick by itself on his machine, given the gradient
// synchronisation of its day (a sharded parameter server, as his own conv-layer sync was).
import { tune } from '../../tuner/tune';
import { zooHardware, zooModel } from '../helpers/scenarios';

const model = zooModel('alexnet-owt');
const k20 = zooHardware('k20-pcie2-2014');

test('alexnet-owt × k20 at 8×128 with 2014 synchronisation: convolutions data-parallel, every dense layer model-parallel', async () => {
  const r = await tune(model, k20, { workers: 8, batch: 128, syncs: ['parameter-server'] });
  const segs = r.best!.plan.segments;
  expect(r.best!.family).toBe('hybrid');
  expect(segs.map((s) => [s.parallelism, ...s.layers])).toEqual([['data', 'conv1', 'pool5'], ['model', 'fc6', 'fc8']]);
  expect(r.best!.result.speedup).toBeGreaterThan(1.2 * r.families.data!.result.speedup);
});

test('with ring all-reduce overlapped with backprop (2017 on), data parallelism catches up on this machine', async () => {
  // A finding, not a target: 244 MB of gradients ring-reduced at 1.5 GB/s per flow hide under a
  // 260 ms backward pass; the hybrid's exchanges cannot hide under its short FC rounds.
  const r = await tune(model, k20, { workers: 8, batch: 128 });
  const hybrid = r.families.hybrid!.result.speedup;
  const data = r.families.data!.result.speedup;
  expect(Math.abs(data / hybrid - 1)).toBeLessThan(0.02);
});
