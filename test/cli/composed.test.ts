// The composed plan dimensions on the command line: simulate and tune a transformer with --tp,
// --pp, --zero …, and one line per bad input naming the field, exit 2.
import { runCli, tempDir } from '../helpers/cli';
import { hardwarePath, modelPath } from '../helpers/scenarios';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const gpt2 = modelPath('gpt2');
const selene = hardwarePath('selene-a100');

describe('composed plans on the command line', () => {
  test('simulate GPT-2 with tensor and pipeline parallelism, ZeRO-1 and selective recomputation', async () => {
    const r = await runCli('simulate', '--model', gpt2, '--hardware', selene, '--strategy', 'data', '--workers', '16', '--batch', '8',
      '--tp', '2', '--pp', '2', '--zero', '1', '--recompute', 'selective', '--micro-batch', '2', '--precision', 'bf16', '--optimizer', 'adam', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.feasible).toBe(true);
    expect(doc.plan).toMatchObject({ tensor: 2, pipeline: 2, zero: 1, recompute: 'selective', microBatch: 2, precision: 'bf16', optimizer: 'adam' });
    expect(doc.samplesPerStep).toBe(4 * 8);
    expect(doc.flops.mfu).toBeGreaterThan(0);
    expect(doc.flops.mfu).toBeLessThan(1);
  });

  test('--trace and --stragglers monte-carlo on a composed plan say they do not apply, and write nothing', async () => {
    const dir = tempDir();
    const trace = join(dir, 't.json');
    const r = await runCli('simulate', '--model', gpt2, '--hardware', selene, '--strategy', 'data', '--workers', '4', '--batch', '8', '--tp', '2',
      '--trace', trace, '--stragglers', 'monte-carlo', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^note: --trace is not available for composed plans/m);
    expect(r.stderr).toMatch(/^note: --stragglers monte-carlo is not available for composed plans/m);
    expect(() => readFileSync(trace)).toThrow();
    expect(JSON.parse(r.stdout).feasible).toBe(true);
  });

  test('bad degrees are refused naming the field', async () => {
    const r = await runCli('simulate', '--model', gpt2, '--hardware', selene, '--strategy', 'data', '--workers', '6', '--batch', '8', '--tp', '5');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/workers: 6 is not a multiple of tensor × pipeline \(5 × 1\)/);
    expect(r.stderr).toMatch(/tensor: 5 does not divide the 12 heads of layer "h0.attn"/);
    const z = await runCli('simulate', '--model', gpt2, '--hardware', selene, '--strategy', 'data', '--workers', '4', '--batch', '8', '--zero', '5');
    expect(z.code).toBe(2);
    expect(z.stderr).toMatch(/--zero: must be 0, 1, 2, 3 or fsdp/);
    const i = await runCli('simulate', '--model', gpt2, '--hardware', selene, '--strategy', 'data', '--workers', '4', '--batch', '8', '--schedule', 'interleaved', '--micro-batch', '3');
    expect(i.code).toBe(2);
    expect(i.stderr).toMatch(/microBatch: 3 must divide batchPerWorker \(8\)/);
    expect(i.stderr).toMatch(/schedule: interleaved needs pipeline ≥ 2/);
  });

  test('fp8 on a device without it is infeasible, saying why', async () => {
    const r = await runCli('simulate', '--model', gpt2, '--hardware', selene, '--strategy', 'data', '--workers', '8', '--batch', '8', '--precision', 'fp8', '--json');
    expect(r.code).toBe(3); // infeasible: neither success nor bad input (README, exit codes)
    expect(JSON.parse(r.stdout).reason).toMatch(/no fp8 rate/);
  });

  test('a plan file from before loads; a pipeline segment with a pipeline degree says how to rewrite it', async () => {
    const dir = tempDir();
    const old = join(dir, 'old.json');
    writeFileSync(old, JSON.stringify({ workers: 4, batchPerWorker: 8, precision: 'mixed', segments: [{ layers: ['tokens', 'loss'], parallelism: 'data', sync: 'ring-allreduce' }] }));
    expect((await runCli('simulate', '--model', gpt2, '--hardware', selene, '--plan', old)).code).toBe(0);
    const mixed = join(dir, 'mixed.json');
    writeFileSync(mixed, JSON.stringify({ workers: 4, batchPerWorker: 8, pipeline: 2, segments: [{ layers: ['tokens', 'loss'], parallelism: 'pipeline', stages: 4 }] }));
    const r = await runCli('simulate', '--model', gpt2, '--hardware', selene, '--plan', mixed);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/segments: tensor and pipeline degrees compose with one data segment over the whole model/);
    // A per-segment shorthand on a transformer says how to write it instead.
    const s = await runCli('simulate', '--model', gpt2, '--hardware', selene, '--strategy', 'pipeline', '--workers', '4', '--batch', '8');
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/segments: gpt2 is a transformer: give one data segment over the whole model and split it with "tensor" and "pipeline"/);
  });

  test('tune on GPT-2 searches the composed dimensions and writes a plan that loads', async () => {
    const out = join(tempDir(), 'plan.json');
    const r = await runCli('tune', '--model', gpt2, '--hardware', selene, '--workers', '16', '--global-batch', '64', '--tp', '2', '--optimizer', 'adam', '--out', out, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.plan.tensor).toBe(2);
    expect(doc.best.memory.fits).toBe(true);
    expect(doc.families.length).toBeGreaterThan(0);
    const plan = JSON.parse(readFileSync(out, 'utf8'));
    expect((await runCli('simulate', '--model', gpt2, '--hardware', selene, '--plan', out)).code).toBe(0);
    expect(plan.workers).toBe(16);
  });
});

describe('one split description for simulator and runtime', () => {
  test('a model-parallel depthwise layer with depthMultiplier 2 on 4 workers but 2 input channels is refused before any worker starts', async () => {
    const dir = tempDir();
    const model = join(dir, 'dw.json');
    writeFileSync(model, JSON.stringify({ name: 'dw', input: [8, 8, 2], layers: [
      { name: 'dw', type: 'depthwiseConv2d', kernel: 3, depthMultiplier: 2, padding: 'same' }, { name: 'fc', type: 'dense', units: 8 }] }));
    const r = await runCli('simulate', '--model', model, '--hardware', hardwarePath('k20-pcie2-2014'), '--strategy', 'model', '--workers', '4', '--batch', '8');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/layer "dw" has 2 units, fewer than 4 workers/);
  });
});
