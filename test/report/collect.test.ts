// What a report is drawn from: boxes that account for every task of the run, layers placed
// where the plan puts them.
import { gunzipSync } from 'node:zlib';
import { COMPUTE, TRANSFER } from '../../simulator/engine/graph';
import { simulate, topologyOf } from '../../simulator/simulate';
import { placement } from '../../report/placement';
import { timelineSection } from '../../report/timeline';
import { plan, zooHardware, zooModel } from '../helpers/scenarios';

const model = zooModel('alexnet-owt');
const hw = zooHardware('k20-pcie2-2014');

test('the timeline has a box per compute task on its worker and per transfer on its sender and on every link it crosses', () => {
  const p = plan('hybrid', model, { workers: 4, batchPerWorker: 64, topology: hw.network.topology });
  const r = simulate(model, hw, p, { keepTimeline: true, fast: false });
  if (!r.feasible || !r.timeline) throw new Error('expected a feasible run with its timeline');
  const { graph: g, timeline: t } = r.timeline;
  const topo = topologyOf(hw, 4);
  const s = timelineSection(g, t, 4, topo);
  let compute = 0;
  let transfers = 0;
  let hops = 0;
  for (let i = 0; i < g.size; i++) {
    if (!(t.end[i] > t.start[i])) continue;
    if (g.kinds[i] === COMPUTE) compute++;
    else if (g.kinds[i] === TRANSFER) {
      transfers++;
      hops += topo.route(g.where[i], g.dst[i]).length;
    }
  }
  const onTracks = (re: RegExp) => s.track.filter((k) => re.test(s.tracks[k])).length;
  expect(onTracks(/compute$/)).toBe(compute);
  expect(onTracks(/^link /)).toBe(hops);
  expect(onTracks(/communication$/)).toBeGreaterThanOrEqual(transfers);
  expect(s.window[1]).toBeGreaterThan(s.window[0]);
  // The download is the same run in Chrome trace format.
  const trace = JSON.parse(gunzipSync(Buffer.from(s.traceGzipBase64!, 'base64')).toString('utf8'));
  expect(trace.traceEvents.filter((e: { ph: string; pid: number }) => e.ph === 'X' && e.pid < 4).length).toBeGreaterThan(compute);
  g.dispose();
});

test('placement: the hybrid replicates convolutions and shards the fully connected layers; a pipeline puts each layer on one stage, in order', () => {
  const hybrid = placement(model, plan('hybrid', model, { workers: 8, batchPerWorker: 128, topology: hw.network.topology }));
  expect(hybrid.map((x) => x.kind)).toEqual(model.layers.map((l) => (l.name.startsWith('fc') ? 'model' : 'data')));
  const pipe = placement(model, plan('pipeline', model, { workers: 4, batchPerWorker: 128, topology: hw.network.topology }));
  const stages = pipe.map((x) => (x.kind === 'pipeline' ? x.stage : -1));
  expect(stages.every((k) => k >= 0 && k < 4)).toBe(true);
  expect(stages).toEqual([...stages].sort((a, b) => a - b));
  expect(new Set(stages).size).toBe(4);
});
