// inspect: the per-layer table and the JSON document, and --help listing the commands.
import { modelPath } from '../helpers/scenarios';
import { runCli } from '../helpers/cli';

test('inspect prints the AlexNet table with totals', async () => {
  const r = await runCli('inspect', '--model', modelPath('alexnet-owt'));
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/layer\s+type\s+output\s+parameters\s+fwd GFLOP\s+act MB/);
  expect(r.stdout).toMatch(/fc6\s+dense\s+\[4096\]\s+37,752,832/);
  expect(r.stdout).toMatch(/total\s+61,100,840\s+1\.429/);
});

test('inspect --json gives parameters, flopsPerSample and layers[]', async () => {
  const doc = JSON.parse((await runCli('inspect', '--model', modelPath('resnet50'), '--json')).stdout);
  expect(doc.parameters).toBe(25_557_032);
  expect(doc.flopsPerSample).toBeGreaterThan(8e9);
  expect(doc.layers.length).toBeGreaterThan(100);
  expect(doc.layers[0]).toEqual(expect.objectContaining({ name: expect.any(String), outputShape: expect.any(Array), parameters: expect.any(Number), forwardFlops: expect.any(Number), activationBytes: expect.any(Number) }));
});

test('--help lists the subcommands', async () => {
  const r = await runCli('--help');
  expect(r.code).toBe(0);
  for (const c of ['inspect', 'simulate', 'sweep', 'tune', 'run', 'calibrate', 'validate']) expect(r.stdout + r.stderr).toMatch(new RegExp(`\\b${c}\\b`));
});
