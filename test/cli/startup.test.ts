// Start-up: a command loads only its own module and what it imports, so --help, inspect and
// simulate never load TensorFlow.js, the tuner's thread pool or the S3 SDK (timings are in
// `npm run bench`, not asserted here). Needs dist/ (npm test builds it first).
import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { COMMANDS, version } from '../../cli/main';
import { hardwarePath, modelPath, ROOT } from '../helpers/scenarios';

/** The packages a CLI invocation loaded, in a fresh process (its output goes to stdout; the list to stderr). */
function packages(...args: string[]): string[] {
  const script = `const m = require(${JSON.stringify(`${ROOT}/dist/cli/main.js`)});
    m.main(['node', 'trainplan', ...${JSON.stringify(args)}]).then(() => {
      const pk = Object.keys(require.cache).map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f)?.[1]).filter(Boolean);
      process.stderr.write(JSON.stringify([...new Set(pk)]));
    });`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  return JSON.parse(r.stderr);
}

const heavy = ['@tensorflow/tfjs-core', 'piscina', '@aws-sdk/client-s3', 's3rver'];

test.each([
  ['--help', ['--help']],
  ['--version', ['--version']],
  ['inspect', ['inspect', '--model', modelPath('alexnet-owt')]],
  ['simulate', ['simulate', '--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014'), '--strategy', 'hybrid', '--workers', '8', '--batch', '128']],
])('%s loads neither TensorFlow.js, the thread pool nor the S3 SDK', (_name, args) => {
  const pk = packages(...args);
  expect(pk).toContain('commander');
  for (const h of heavy) expect(pk).not.toContain(h);
});

test('the top-level help lists each command with the summary its own module gives it', () => {
  for (const [name, c] of Object.entries(COMMANDS)) {
    const program = new Command('trainplan');
    c.load().register(program);
    expect(program.commands.find((x) => x.name() === name)?.description()).toBe(c.summary);
  }
});

test('--version is the package version', () => {
  expect(version()).toBe(require('../../package.json').version);
});
