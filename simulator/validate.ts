// Shared glue between zod schemas and our Problem list: JSON parsing and path formatting.
import { readFileSync } from 'node:fs';
import type { ZodType } from 'zod';
import { fail, ok, problem, Problem, Result } from './errors';

/** `["layers", 3, "kernel"]` → `layers[3].kernel` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += out.length ? `.${String(k)}` : String(k);
  }
  return out;
}

export function parseWith<T>(schema: ZodType<T>, data: unknown): Result<T> {
  const r = schema.safeParse(data);
  if (r.success) return ok(r.data);
  const problems: Problem[] = r.error.issues.map((i) => problem(formatPath(i.path), i.message));
  return { ok: false, problems };
}

export function parseJsonText(text: string): Result<unknown> {
  try {
    return ok(JSON.parse(text));
  } catch (e) {
    return fail(problem('', `not valid JSON: ${jsonErrorLine(text, (e as Error).message)}`));
  }
}

/**
 * V8's JSON error, as one line with a line and column: its messages quote the text around the
 * error (newlines and all), e.g. `Unexpected token '}', ..."{"a": }\n]" is not valid JSON`, or
 * give a character position. The quote is dropped; the place is found from the position, or
 * else from the unexpected token's first occurrence after the quoted context.
 */
export function jsonErrorLine(text: string, message: string): string {
  const quoted = /^(.*?), (?:\.\.\.)?"([\s\S]*?)(?:\.\.\.)?" is not valid JSON$/.exec(message);
  const what = (quoted ? quoted[1] : message).replace(/ in JSON at position \d+.*$/s, '').replace(/\s+/g, ' ').trim();
  let at = Number(/at position (\d+)/.exec(message)?.[1] ?? NaN);
  if (Number.isNaN(at) && quoted) {
    const context = text.indexOf(quoted[2]);
    const token = /Unexpected token '(.)'/.exec(quoted[1])?.[1];
    if (context >= 0) at = token ? text.indexOf(token, context) : context;
  }
  if (Number.isNaN(at) || at < 0) return what;
  const before = text.slice(0, at).split('\n');
  return `${what} at line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

export function readJsonFile(file: string): Result<unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(problem('', code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? (e as Error).message})`));
  }
  return parseJsonText(text);
}
