// Errors a user can cause: one problem per line, each naming the field's path.
// Everything that reads a file returns these as values; only the CLI turns them into exit code 2.

export interface Problem {
  path: string; // e.g. "layers[3].kernel" ("" for the whole document)
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(...problems: Problem[]): Result<T> => ({ ok: false, problems });
export const problem = (path: string, message: string): Problem => ({ path, message });

export function formatProblem(p: Problem, file?: string): string {
  const where = [file, p.path].filter((s) => s && s.length > 0).join(': ');
  return where ? `${where}: ${p.message}` : p.message;
}

/** Thrown only at the edge (CLI, tests) to carry problems out of nested code. */
export class UserError extends Error {
  constructor(public readonly problems: Problem[], public readonly file?: string) {
    super(problems.map((p) => formatProblem(p, file)).join('\n'));
    this.name = 'UserError';
  }
}

export function unwrap<T>(r: Result<T>, file?: string): T {
  if (!r.ok) throw new UserError(r.problems, file);
  return r.value;
}
