// The CLI's contract with the shell: exit 0 on success, 2 on bad input (one line per problem on
// stderr, no stack trace), 1 on failure. Commands throw UserError for the user's mistakes.
import { UserError, formatProblem, Result } from '../simulator/errors';
import { Interrupted } from '../runtime/errors';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

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
