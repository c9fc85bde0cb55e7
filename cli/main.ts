// The `trainplan` command line: argument parsing and output only; the logic lives in the layers.
// Start-up is part of every command's cost (a sweep script may start it hundreds of times), so a
// command's module, and what it imports (the runtime brings TensorFlow.js, the tuner a thread
// pool), is loaded only when that command runs; the top-level help lists them from COMMANDS.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { reportError, EXIT_OK } from './io';

interface CommandModule {
  register(program: Command): void;
}

/** Every command, in help order: its one-line summary and how to load it. */
export const COMMANDS: Readonly<Record<string, { summary: string; load: () => CommandModule }>> = {
  inspect: { summary: 'per-layer shapes, FLOPs, parameters and activation bytes of a model', load: () => require('./commands/inspect') },
  simulate: { summary: 'simulate one plan: step time, speedup, breakdown, memory, cost', load: () => require('./commands/simulate') },
  sweep: { summary: 'simulate strategies over workers, bandwidth, compute density or batch size', load: () => require('./commands/sweep') },
  tune: { summary: 'search workers, batch per worker and layer splits for the best plan', load: () => require('./commands/tune') },
  run: { summary: 'run a plan for real on worker threads and measure it', load: () => require('./commands/run') },
  calibrate: { summary: 'microbenchmark the local workers and write a hardware file', load: () => require('./commands/calibrate') },
  validate: { summary: 'run and simulate plans side by side on this machine', load: () => require('./commands/validate') },
  report: { summary: 'write one self-contained HTML report: the plan, its timeline, breakdown, scaling, memory; a tune frontier; a validation', load: () => require('./commands/report') },
  worker: { summary: 'run one rank of a plan, exchanging only through S3 (the body of a function worker)', load: () => require('./commands/worker') },
  schemas: { summary: 'write JSON Schema files for the model, hardware and plan formats', load: () => require('./commands/schemas') },
};

/** The package's version, from package.json (two levels up from dist/cli/, one from cli/). */
export function version(): string {
  for (const up of ['..', '../..']) {
    try {
      return (JSON.parse(readFileSync(join(__dirname, up, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // not this level
    }
  }
  return 'unknown';
}

/** The command named on the command line (`trainplan [help] <command> …`), if it is one of ours. */
function commandIn(argv: string[]): string | undefined {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return name !== undefined && name in COMMANDS ? name : undefined;
}

/** The program, with the commands `full` names loaded and registered, the others as summaries. */
export function buildProgram(full: (name: string) => boolean = () => true): Command {
  const program = new Command('trainplan')
    .description('Simulate, tune and run parallel neural network training plans')
    .version(version(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const [name, c] of Object.entries(COMMANDS)) {
    if (full(name)) c.load().register(program);
    else program.command(name).description(c.summary);
  }
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const name = commandIn(argv);
    await buildProgram((n) => n === name).parseAsync(argv);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError && (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')) return EXIT_OK;
    return reportError(e);
  }
}
