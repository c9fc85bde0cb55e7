// Synchronisation through an object store: event by event against the closed form, request
// counts and prices, and what functions can and cannot do.
import { collective } from '../../../simulator/collectives';
import { TaskGraph } from '../../../simulator/engine/graph';
import { runGraph } from '../../../simulator/engine/run';
import type { Hardware } from '../../../simulator/hardware/schema';
import { simulate, topologyOf, Feasible } from '../../../simulator/simulate';
import { plan, zooHardware, zooModel } from '../../helpers/scenarios';

const lambda = zooHardware('lambda-s3');
const S = 40e6;

describe.each(['s3-allreduce', 's3-scatter-reduce'])('%s', (name) => {
  test.each([2, 4, 8])('on %i functions the simulation matches the closed form on an idle store', (n) => {
    // Without an aggregate limit every round is uniform, so the closed form is exact.
    const hw: Hardware = { ...lambda, objectStore: { ...lambda.objectStore!, aggregateBandwidthBytesPerSecond: undefined } };
    const topo = topologyOf(hw, n);
    const ranks = [...Array(n).keys()];
    const g = new TaskGraph();
    collective(name).lower(g, topo, ranks, S, ranks.map(() => -1), name);
    const t = runGraph(g, topo, n);
    expect(t.makespan).toBeCloseTo(collective(name).time(topo, ranks, S), 9);
    // Every byte PUT into the store is GET out at least once; the store is node n.
    expect(t.receivedBytes[n]).toBeCloseTo(t.sentBytes.slice(0, n).reduce((a, b) => a + b, 0), 0);
  });
});

test('requests are priced: scatter-reduce makes ~3N² requests, allreduce ~3N', () => {
  const model = zooModel('resnet50');
  const cost = (sync: 's3-allreduce' | 's3-scatter-reduce', n: number) => (simulate(model, lambda, plan('data', model, { workers: n, batchPerWorker: 32, sync })) as Feasible).cost!;
  const store = lambda.objectStore!;
  const n = 8;
  const ar = cost('s3-allreduce', n);
  const sr = cost('s3-scatter-reduce', n);
  expect(ar.requestDollarsPerStep).toBeCloseTo((n - 1 + 1) * store.putDollarsPerRequest + 2 * (n - 1) * store.getDollarsPerRequest, 12);
  expect(sr.requestDollarsPerStep).toBeCloseTo(n * n * store.putDollarsPerRequest + 2 * n * (n - 1) * store.getDollarsPerRequest, 12);
  expect(ar.dollarsPerStep).toBeCloseTo(ar.computeDollarsPerStep + ar.requestDollarsPerStep, 12);
  // Compute is billed per GB-second of every function.
  const r = simulate(model, lambda, plan('data', model, { workers: n, batchPerWorker: 32, sync: 's3-allreduce' })) as Feasible;
  expect(ar.computeDollarsPerStep).toBeCloseTo(n * r.stepTimeSeconds * lambda.price!.dollarsPerGBSecond! * 10, 9);
  expect(ar.dollarsPerEpoch).toBeCloseTo((ar.dollarsPerStep * 1_281_167) / (n * 32), 6);
});

test('functions cannot talk to each other: only data parallelism through the store is feasible', () => {
  const model = zooModel('alexnet-owt');
  for (const s of ['hybrid', 'model', 'pipeline']) {
    const r = simulate(model, lambda, plan(s, model, { workers: 4, batchPerWorker: 32 }));
    expect(r.feasible).toBe(false);
  }
  expect(simulate(model, lambda, plan('data', model, { workers: 4, batchPerWorker: 32, sync: 'ring-allreduce' })).feasible).toBe(false);
  expect(simulate(model, lambda, plan('data', model, { workers: 4, batchPerWorker: 32, sync: 's3-allreduce' })).feasible).toBe(true);
  expect(simulate(model, zooHardware('c5-cluster'), plan('data', model, { workers: 4, batchPerWorker: 32, sync: 's3-allreduce' })).feasible).toBe(false);
});

test('the 15-minute limit costs a cold start and a checkpoint per life, spread over its steps', () => {
  const model = zooModel('alexnet-owt');
  const r = simulate(model, lambda, plan('data', model, { workers: 4, batchPerWorker: 32, sync: 's3-scatter-reduce' })) as Feasible;
  const f = lambda.functions!;
  const running = r.stepTimeSeconds - r.restartSecondsPerStep;
  expect(r.restartSecondsPerStep).toBeCloseTo((running * (f.coldStartSeconds + f.checkpointSeconds!)) / (f.maxDurationSeconds - f.coldStartSeconds - f.checkpointSeconds!), 12);
});
