// Time to accuracy on the command line: the real run's report, and bad input as one line, exit 2.
import { readFileSync } from 'node:fs';
import { runCli, tempFile } from '../helpers/cli';
import { loadModel } from '../../simulator/model/analyze';
import { hardwarePath, modelPath } from '../helpers/scenarios';

const mnist = JSON.parse(readFileSync(modelPath('mnist-mlp'), 'utf8'));
const resnet = modelPath('resnet50');
const a100 = hardwarePath('dgx-a100-ib');

const oneLine = (r: { code: number; stderr: string }, message: RegExp) => {
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(message);
};

describe('bad input', () => {
  test('a noise scale ≤ 0', async () => {
    oneLine(await runCli('tune', '--model', resnet, '--hardware', a100, '--objective', 'time-to-accuracy', '--noise-scale', '0'), /--noise-scale: must be a positive number/);
    oneLine(await runCli('sweep', '--model', resnet, '--hardware', a100, '--over', 'batch', '--noise-scale', '-5'), /--noise-scale: must be a positive number/);
    oneLine(await runCli('inspect', '--model', tempFile('m.json', { ...mnist, training: { ...mnist.training, noiseScale: 0, source: 'x' } })), /training\.noiseScale: must be a positive number/);
    oneLine(await runCli('inspect', '--model', tempFile('m.json', { ...mnist, training: { ...mnist.training, noiseScale: [{ from: 0.2, value: 50 }] } })), /training\.noiseScale\[0\]\.from: the schedule must start at progress 0/);
  });

  test('a target the model cannot express', async () => {
    oneLine(await runCli('tune', '--model', resnet, '--hardware', a100, '--objective', 'time-to-accuracy', '--noise-scale', '1000', '--target', 'accuracy=1.2'), /--target: an accuracy of 1\.2 cannot be a target/);
    oneLine(await runCli('tune', '--model', resnet, '--hardware', a100, '--objective', 'time-to-accuracy', '--noise-scale', '1000', '--target', 'loss=9'), /--target: a loss of 9 cannot be a target: cross-entropy over 1000 classes/);
    oneLine(await runCli('inspect', '--model', tempFile('m.json', { ...mnist, training: { ...mnist.training, target: { metric: 'accuracy', value: 0.05 } } })), /training\.target\.value: an accuracy of 0\.05 cannot be a target: it must lie above chance \(1\/10\)/);
    oneLine(await runCli('tune', '--model', resnet, '--hardware', a100, '--objective', 'time-to-accuracy'), /--noise-scale: model resnet50 has no training\.noiseScale/);
  });

  test('a data set that cannot be read', async () => {
    const missing = tempFile('m.json', { ...mnist, training: { ...mnist.training, dataset: { ...mnist.training.dataset, path: '/nonexistent/digits' } } });
    oneLine(await runCli('run', '--model', missing, '--strategy', 'single', '--batch', '8', '--steps', '1', '--lr', '0.05', '--backend', 'cpu'), /training\.dataset: cannot read \/nonexistent\/digits\/0\.json: ENOENT/);
  });
});

test('run on MNIST, 2 workers: validation curve, steps to the target and a measured noise scale', async () => {
  const r = await runCli('run', '--model', modelPath('mnist-mlp'), '--strategy', 'data', '--workers', '2', '--batch', '32', '--steps', '12', '--evaluate-every', '4', '--lr', '0.1', '--backend', 'cpu', '--json');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc.validation).toHaveLength(3);
  expect(doc.validation[2].loss).toBeLessThan(doc.validation[0].loss + 0.5);
  expect(doc.validation[2].accuracy).toBeGreaterThan(0.3); // 12 steps of 64 real digits: well above chance (0.1)
  expect(doc.noiseScale.steps).toBe(12);
  expect(doc.noiseScale.traceCovariance).toBeGreaterThan(0);
  expect(doc.target).toEqual({ metric: 'loss', value: 0.35 });
});

test('tune --objective time-to-accuracy on ResNet-50 × the A100s stops below the memory limit and says why', async () => {
  const r = await runCli('tune', '--model', resnet, '--hardware', a100, '--objective', 'time-to-accuracy', '--noise-scale', '4096', '--max-workers', '64', '--threads', '1', '--families', 'single,data', '--json');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  const B = doc.best.samplesPerStep;
  expect(doc.accuracy.toTarget.globalBatch).toBe(B);
  expect(doc.accuracy.why.join('\n')).toMatch(/has the most throughput .* but needs .* the samples to the target: the efficiency loss outweighs the throughput gain/);
  expect(doc.best.memory.fits).toBe(true);
});

test('calibrate --noise-scale measures the model on 2 workers and writes its training section', async () => {
  const file = tempFile('mnist.json', { ...mnist, training: { ...mnist.training, noiseScale: undefined, minSamples: undefined, source: undefined } });
  const r = await runCli('calibrate', '--noise-scale', '--model', file, '--workers', '2', '--batch', '16', '--steps', '8', '--backend', 'cpu');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/gradient noise scale \d+ samples over 8 steps; wrote training\.noiseScale/);
  const m = loadModel(file);
  expect(m.ok && m.value.model.training?.noiseScale).toBeGreaterThan(0);
  expect(m.ok && m.value.model.training?.source).toMatch(/McCandlish et al\. 2018, appendix A\) averaged over 8 steps of 2 × 16 samples/);
  // The data set and target stay as they were.
  expect(m.ok && m.value.model.training?.dataset?.loader).toBe('mnist');
});
