// Process start-up of the CLI, as a user's shell or a sweep script pays it: `node cli/trainplan.js`
// for --help, inspect and simulate (AlexNet-OWT hybrid on 8 K20s), beside a bare `node -e 0` timed
// in the same rounds. Targets (issue 13): --help and inspect under 0.3 s, simulate under 0.5 s.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'cli', 'trainplan.js');
const scenario = (kind: string, name: string) => join(ROOT, 'scenarios', kind, `${name}.json`);

const CASES: [string, string[]][] = [
  ['node -e 0', ['-e', '0']],
  ['trainplan --help', [CLI, '--help']],
  ['trainplan inspect', [CLI, 'inspect', '--model', scenario('models', 'alexnet-owt')]],
  ['trainplan simulate', [CLI, 'simulate', '--model', scenario('models', 'alexnet-owt'), '--hardware', scenario('hardware', 'k20-pcie2-2014'), '--strategy', 'hybrid', '--workers', '8', '--batch', '128']],
];

function seconds(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export function benchStartup(rounds = 9): string[] {
  // Interleaved rounds: a slow spell of this shared machine hits every case alike; medians reported.
  const times = CASES.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) CASES.forEach(([, args], i) => times[i].push(seconds(args)));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const base = median(times[0]);
  return CASES.map(([name], i) => {
    const m = median(times[i]);
    return `${name.padEnd(20)} ${(m * 1000).toFixed(0).padStart(5)} ms median of ${rounds} (best ${(Math.min(...times[i]) * 1000).toFixed(0)} ms)${i ? `, ${((m - base) * 1000).toFixed(0)} ms over bare node` : ''}`;
  });
}
