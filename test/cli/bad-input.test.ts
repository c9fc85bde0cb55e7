// Malformed model, hardware and plan files: exit code 2, one line per problem naming the
// field's path, never a stack trace.
import { readFileSync } from 'node:fs';
import { hardwarePath, modelPath } from '../helpers/scenarios';
import { runCli, tempFile } from '../helpers/cli';

const alex = JSON.parse(readFileSync(modelPath('alexnet-owt'), 'utf8'));
const k20 = JSON.parse(readFileSync(hardwarePath('k20-pcie2-2014'), 'utf8'));
const tiny = (layers: object[], input = [32, 32, 3]) => ({ name: 'bad', input, layers });
const conv = (o: object = {}) => ({ name: 'c1', type: 'conv2d', filters: 8, kernel: 3, ...o });

const badModels: [string, unknown, RegExp][] = [
  ['not JSON', '{"name": "x", layers: [', /not valid JSON/],
  ['unknown layer type', tiny([{ name: 'x', type: 'conv4d', filters: 1, kernel: 1 }]), /layers\[0\]\.type: must be one of conv2d/],
  ['negative filters', tiny([conv({ filters: -3 })]), /layers\[0\]\.filters: must be a positive integer/],
  ['non-integer kernel', tiny([conv({ kernel: 2.5 })]), /layers\[0\]\.kernel: must be a positive integer or \[h, w\]/],
  ['missing units', tiny([conv(), { name: 'fc', type: 'dense' }]), /layers\[1\]\.units: must be a positive integer/],
  ['kernel larger than its input', tiny([conv({ kernel: 11, stride: 4 }), conv({ name: 'c2', kernel: 11 })]), /layers\[1\]\.kernel: window 11 does not fit an input of extent 6/],
  ['dangling inputs', tiny([conv(), { name: 'sum', type: 'add', inputs: ['c1', 'nope'] }]), /layers\[1\]\.inputs\[1\]: no layer named "nope"/],
  ['cycle', tiny([{ ...conv(), inputs: ['c2'] }, conv({ name: 'c2', inputs: ['c1'] }), { name: 'fc', type: 'dense', units: 2, inputs: ['c2'] }]), /layers\[0\]\.inputs: cycle among layers "c1", "c2"/],
  ['duplicate name', tiny([conv(), conv()]), /layers\[1\]\.name: duplicate layer name "c1"/],
  ['no layers', tiny([]), /layers: must have at least one layer/],
  ['missing name and input', { layers: [conv()] }, /name: .*\n.*input: /],
  ['unknown field', tiny([conv({ filtres: 3 })]), /layers\[0\]: Unrecognized key: "filtres"/],
  ['add of different shapes', tiny([conv({ inputs: ['input'] }), conv({ name: 'c2', filters: 4, inputs: ['input'] }), { name: 's', type: 'add', inputs: ['c1', 'c2'] }]), /layers\[2\]\.inputs: inputs have different shapes/],
  ['dropout rate out of range', tiny([conv(), { name: 'd', type: 'dropout', rate: 1.5 }]), /layers\[1\]\.rate: must be a number in \[0, 1\)/],
  ['3D conv on an image', tiny([{ name: 'v', type: 'conv3d', filters: 2, kernel: 3 }]), /layers\[0\]\.type: needs an input of rank 4/],
  ['unused branch', tiny([conv({ inputs: ['input'] }), conv({ name: 'c2', inputs: ['input'] })]), /layers\[0\]: output of "c1" is never used/],
];

describe('inspect rejects malformed models with exit code 2 and the field path', () => {
  test.each(badModels)('%s', async (_name, content, message) => {
    const r = await runCli('inspect', '--model', tempFile('model.json', content));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stdout).toBe('');
  });

  test('a missing file is one clear line', async () => {
    const r = await runCli('inspect', '--model', '/nonexistent/model.json');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('/nonexistent/model.json: file not found');
  });

  test('several problems give one line each', async () => {
    const r = await runCli('inspect', '--model', tempFile('m.json', tiny([conv({ filters: 0, kernel: -1 }), { name: 'x', type: 'nope' }])));
    expect(r.stderr.trim().split('\n')).toHaveLength(3);
  });
});

const badHardware: [string, (h: any) => void, RegExp][] = [
  ['missing source', (h) => delete h.device.source, /device\.source: must say where the figures come from/],
  ['negative bandwidth', (h) => (h.network.bandwidthBytesPerSecond = -1), /network\.bandwidthBytesPerSecond: must be a number from 1 to 1e15 B\/s/],
  ['efficiency above 1', (h) => (h.device.efficiency.conv2d = 1.5), /device\.efficiency\.conv2d: must be a number in \(0, 1\]/],
  ['no default efficiency', (h) => delete h.device.efficiency.default, /device\.efficiency: must have a "default" entry/],
  ['unknown topology', (h) => (h.network.topology = 'torus'), /network\.topology: must be one of switch, ring, tree, pcie-pairs, hierarchical/],
  ['zero workers', (h) => (h.workers = 0), /workers: must be a positive integer/],
  ['hierarchical with one level', (h) => (h.network = { topology: 'hierarchical', groupSize: 4, levels: [{ bandwidthBytesPerSecond: 1, latencySeconds: 0 }], source: 'x y z' }), /network\.levels: must have exactly two levels/],
];

describe('simulate rejects malformed hardware files', () => {
  test.each(badHardware)('%s', async (_name, mutate, message) => {
    const h = structuredClone(k20);
    mutate(h);
    const r = await runCli('simulate', '--model', modelPath('alexnet-owt'), '--hardware', tempFile('hw.json', h), '--strategy', 'data', '--workers', '2', '--batch', '8');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

const goodPlan = { workers: 2, batchPerWorker: 8, segments: [{ layers: ['conv1', 'pool5'], parallelism: 'data' }, { layers: ['fc6', 'fc8'], parallelism: 'model' }] };
const badPlans: [string, (p: any) => void, RegExp][] = [
  ['unknown layer', (p) => (p.segments[0].layers[1] = 'pool9'), /segments\[0\]\.layers\[1\]: no layer named "pool9" in model alexnet-owt/],
  ['gap between segments', (p) => (p.segments[1].layers[0] = 'fc7'), /segments\[1\]\.layers\[0\]: must be "fc6"/],
  ['segments stop early', (p) => (p.segments[1].layers[1] = 'fc7'), /segments\[1\]\.layers\[1\]: segments end at "fc7" but the model continues to "fc8"/],
  ['fcBatch that does not divide the step', (p) => (p.segments[1].fcBatch = 5), /segments\[1\]\.fcBatch: must divide the samples of a step \(16\)/],
  ['data after model', (p) => (p.segments = [{ layers: ['conv1', 'conv1'], parallelism: 'model' }, { layers: ['pool1', 'fc8'], parallelism: 'data' }]), /segments\[1\]\.parallelism: a data segment cannot follow a model segment/],
  ['unknown parallelism', (p) => (p.segments[0].parallelism = 'tensor'), /segments\[0\]\.parallelism: parallelism must be one of data, model, pipeline/],
  ['unknown sync', (p) => (p.segments[0].sync = 'gossip'), /segments\[0\]\.sync: must be one of ring-allreduce/],
  ['parameter servers for a sync without them', (p) => (p.segments[0].parameterServers = 4), /segments\[0\]\.parameterServers: only a grouped-parameter-server has parameter servers \(sync is ring-allreduce\)/],
  ['pipeline boundaries out of order', (p) => (p.segments = [{ layers: ['conv1', 'fc8'], parallelism: 'pipeline', stages: 2, boundaries: ['conv1'] }]), /segments\[0\]\.boundaries\[0\]: "conv1" must come after "conv1" and inside the segment/],
];

describe('simulate rejects malformed plans', () => {
  test('the good plan is accepted', async () => {
    const r = await runCli('simulate', '--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014'), '--plan', tempFile('plan.json', goodPlan), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).family).toBe('hybrid');
  });
  test.each(badPlans)('%s', async (_name, mutate, message) => {
    const p = structuredClone(goodPlan);
    mutate(p);
    const r = await runCli('simulate', '--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014'), '--plan', tempFile('plan.json', p));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
  test('a strategy without its batch is a usage error', async () => {
    const r = await runCli('simulate', '--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014'), '--strategy', 'data', '--workers', '2');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--batch: required with --strategy data/);
  });
  void alex;
});
