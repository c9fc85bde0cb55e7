// The CLI's contract with the shell: one meaning per exit code (the table is in docs/cli.md and the
// README). Commands throw UserError for the user's mistakes, Infeasible when the input is valid but
// no plan of it fits the hardware, Interrupted when a signal stopped them after keeping their work.
import { UserError, formatProblem, Result } from '../simulator/errors';
import { Interrupted, SIGNAL_EXIT, type StopSignal } from '../runtime/errors';

export { Interrupted };

/** The command did what was asked. */
export const EXIT_OK = 0;
/** Something failed that is not the user's input (a worker died, a store stopped answering, a bug). */
export const EXIT_FAILURE = 1;
/** Bad input: a flag, or a model, hardware or plan file; one line per problem on stderr. */
export const EXIT_BAD_INPUT = 2;
/** Valid input whose plan cannot run on the hardware (too many workers, out of memory), or no
 *  feasible plan in a search: the answer was computed and is "no", so neither success nor bad input. */
export const EXIT_INFEASIBLE = 3;
/** Stopped by a signal: 128 + its number, as shells report it (SIGINT 130, SIGTERM 143). */
export const EXIT_SIGNAL: Readonly<Record<StopSignal, number>> = SIGNAL_EXIT;

/** The plan (or every plan searched) does not fit the hardware; the result was printed first. */
export class Infeasible extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'Infeasible';
  }
}

export class Output {
  constructor(public readonly json: boolean) {}
  /** The command's result: JSON document under --json, else the human-readable text. */
  emit(doc: unknown, text: () => string): void {
    process.stdout.write(this.json ? JSON.stringify(doc, null, 2) + '\n' : text() + '\n');
  }
}

export function need<T>(r: Result<T>, file?: string): T {
  if (!r.ok) throw new UserError(r.problems, file);
  return r.value;
}

export function reportError(e: unknown): number {
  if (e instanceof UserError) {
    for (const p of e.problems) process.stderr.write(formatProblem(p, e.file) + '\n');
    return EXIT_BAD_INPUT;
  }
  if (e instanceof Infeasible) {
    process.stderr.write(`infeasible: ${e.message}\n`);
    return EXIT_INFEASIBLE;
  }
  if (e instanceof Interrupted) {
    process.stderr.write(`trainplan: ${e.message}\n`);
    return e.exitCode;
  }
  const err = e as { code?: string; message?: string };
  if (err?.code?.startsWith('commander.')) return EXIT_BAD_INPUT;
  process.stderr.write(`trainplan: ${err?.message ?? String(e)}\n`);
  if (process.env.TRAINPLAN_DEBUG) process.stderr.write(String((e as Error)?.stack) + '\n');
  return EXIT_FAILURE;
}
