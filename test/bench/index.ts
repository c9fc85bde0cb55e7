// `npm run bench`: every benchmark, printed as ratios measured side by side in one run
// (absolute times on a shared machine drift; ratios measured together do not).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchSimulator, benchTransformer } from './simulator.bench';

async function main(): Promise<void> {
  const section = (t: string) => process.stdout.write(`\n== ${t}\n`);
  section('simulator');
  for (const l of benchSimulator()) process.stdout.write(l + '\n');
  process.stdout.write(benchTransformer() + '\n');
  // Benchmarks of the other layers register themselves as files beside this one.
  for (const [name, file, fn] of [
    ['start-up of the command line (whole processes)', 'startup.bench.js', 'benchStartup'],
    ['tuner', 'tuner.bench.js', 'benchTuner'],
    ['runtime', 'runtime.bench.js', 'benchRuntime'],
  ] as const) {
    const path = join(__dirname, file);
    if (!existsSync(path)) continue;
    section(name);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path) as Record<string, () => Promise<string | string[]> | string | string[]>;
    const r = await mod[fn]();
    process.stdout.write((Array.isArray(r) ? r.join('\n') : r) + '\n');
  }
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack}\n`);
  process.exitCode = 1;
});
