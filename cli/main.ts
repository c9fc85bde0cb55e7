// The `trainplan` command line: argument parsing and output only; the logic lives in the layers.
import { Command, CommanderError } from 'commander';
import { reportError, EXIT_OK } from './io';
import { register as inspect } from './commands/inspect';
import { register as simulate } from './commands/simulate';
import { register as sweep } from './commands/sweep';
import { register as schemas } from './commands/schemas';
import { register as tune } from './commands/tune';
import { register as run } from './commands/run';
import { register as calibrate } from './commands/calibrate';
import { register as validate } from './commands/validate';
import { register as worker } from './commands/worker';
import { register as report } from './commands/report';

export function buildProgram(): Command {
  const program = new Command('trainplan')
    .description('Simulate, tune and run parallel neural network training plans')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const reg of [inspect, simulate, sweep, tune, run, calibrate, validate, report, worker, schemas]) reg(program);
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError && (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')) return EXIT_OK;
    return reportError(e);
  }
}
