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
    // Editors on Windows save UTF-8 with a byte-order mark, which JSON.parse refuses (RFC 8259 §8.1 lets a parser ignore it).
    return ok(JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text));
  } catch (e) {
    return fail(problem('', `not valid JSON (${(e as Error).message})`));
  }
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
