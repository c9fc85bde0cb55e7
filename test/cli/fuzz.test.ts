// A seeded fuzz of the command line (issue 15): hundreds of generated inputs — model, hardware and
// plan files with fields deleted, retyped, pushed to extremes or renamed to paths; broken JSON;
// option values of every odd shape — run in-process through cli/main's `main(argv)`. For each:
// the exit code is one the README documents, a rejection is one line per problem with no stack
// trace, and every number in a feasible result is finite. Same seed, same inputs: a failure names
// its case number and reproduces. FUZZ_SEED and FUZZ_CASES try others.
import { readFileSync } from 'node:fs';
import * as io from '../../cli/io';
import { runCli, tempFile } from '../helpers/cli';
import { hardwarePath, modelPath } from '../helpers/scenarios';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const CASES = Number(process.env.FUZZ_CASES ?? 320);
/** Generation stops after this long even if fewer cases ran (the test then fails: too slow is a finding too). */
const BUDGET_MS = 50_000;

/** Every exit code cli/io.ts names (EXIT_OK, EXIT_BAD_INPUT, …): the documented set. */
const DOCUMENTED = new Set(Object.entries(io).filter(([k, v]) => k.startsWith('EXIT_') && typeof v === 'number').map(([, v]) => v as number));

/** mulberry32: a small seeded generator, so the cases do not depend on a library's sampling. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}
type Rng = ReturnType<typeof rng>;

const EXTREMES: unknown[] = [
  -1, 0, 1, 0.5, 1e-310, 5e-324, 1e308, 1.7976931348623157e308, -1e308, 1e21, 2 ** 53 + 1, 131072, 1048576,
  'Infinity', 'NaN', '', 'x', '../../../../tmp/x', 'a/b', '\u0000', 'é'.repeat(300), null, true, [], {}, [1, 2], { a: 1 },
];
const ARG_VALUES = ['0', '1', '2', '3', '7', '8', '16', '-3', '0x10', '1e3', '2.5', ' 7', '', 'abc', '99999999999999999999', '1048576', '131072', 'Infinity'];

/** Every path to a leaf or container in a JSON document. */
function paths(doc: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (at.length) out.push(at);
  if (Array.isArray(doc)) doc.forEach((v, i) => paths(v, [...at, i], out));
  else if (doc && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) paths(v, [...at, k], out);
  return out;
}

function mutate(doc: unknown, r: Rng): unknown {
  const d = structuredClone(doc) as Record<string, unknown>;
  const n = 1 + r.int(3);
  for (let m = 0; m < n; m++) {
    const all = paths(d);
    if (!all.length) break;
    const p = r.pick(all);
    const parent = p.slice(0, -1).reduce<any>((o, k) => o?.[k], d);
    const key = p[p.length - 1];
    if (parent === undefined || parent === null || typeof parent !== 'object') continue;
    const op = r.int(10);
    if (op < 6) parent[key] = structuredClone(r.pick(EXTREMES));
    else if (op < 8) {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (op < 9) parent[`unknown${r.int(9)}`] = structuredClone(r.pick(EXTREMES));
    else if (typeof parent[key] === 'number') parent[key] = parent[key] * r.pick([1e-300, 1e300, -1, 0]);
  }
  return d;
}

/** The file's text: JSON of the document, sometimes with a byte-order mark, cut short or replaced by junk. */
function fileText(doc: unknown, r: Rng): string {
  const text = JSON.stringify(doc);
  const op = r.int(20);
  if (op === 0) return text.slice(0, r.int(text.length));
  if (op === 1) return '\ufeff' + text;
  if (op === 2) return r.pick(['', 'null', '[]', '42', '"x"', '{"name":', '\u0000\u0001']);
  return text;
}

const read = (f: string) => JSON.parse(readFileSync(f, 'utf8'));
const MODELS = ['alexnet-owt', 'mini-owt', 'mobilenet-v1'].map((m) => read(modelPath(m)));
const HARDWARE = ['k20-pcie2-2014', 'h100-ib', 'lambda-s3', 'dgx1-v100'].map((h) => read(hardwarePath(h)));
const PLAN = { workers: 2, batchPerWorker: 8, segments: [{ layers: ['conv1', 'pool5'], parallelism: 'data' }, { layers: ['fc6', 'fc8'], parallelism: 'model' }] };

interface Case {
  args: string[];
  /** Whether the files were changed (else only the options were). */
  what: string;
}

function generate(r: Rng, i: number): Case {
  const model = r.next() < 0.4 ? mutate(r.pick(MODELS), r) : r.pick(MODELS);
  const hardware = r.next() < 0.4 ? mutate(r.pick(HARDWARE), r) : r.pick(HARDWARE);
  const m = tempFile(`m${i}.json`, fileText(model, r));
  const h = tempFile(`h${i}.json`, fileText(hardware, r));
  const opt = (name: string, normal: string) => [name, r.next() < 0.3 ? r.pick(ARG_VALUES) : normal];
  const command = r.pick(['simulate', 'simulate', 'simulate', 'simulate', 'inspect', 'sweep', 'tune']);
  switch (command) {
    case 'inspect':
      return { what: 'inspect', args: ['inspect', '--model', m, '--json'] };
    case 'sweep':
      return { what: 'sweep', args: ['sweep', '--model', m, '--hardware', h, '--over', r.pick(['workers', 'batch', 'bandwidth', 'density']), '--strategies', 'data', ...opt('--batch', '8'), ...opt('--workers', '4'), '--json'] };
    case 'tune':
      return { what: 'tune', args: ['tune', '--model', m, '--hardware', h, '--threads', '1', ...opt('--workers', '2'), ...opt('--batch', '8'), '--families', r.pick(['data', 'data,model', 'pipeline', 'data,hybrid']), '--json'] };
    default: {
      const usePlan = r.next() < 0.25;
      const planArgs = usePlan
        ? ['--plan', tempFile(`p${i}.json`, fileText(r.next() < 0.7 ? mutate(PLAN, r) : PLAN, r))]
        : ['--strategy', r.pick(['single', 'data', 'model', 'hybrid', 'pipeline']), ...opt('--workers', r.pick(['2', '4', '8'])), ...opt('--batch', r.pick(['8', '32']))];
      const extra = r.next() < 0.2 ? opt('--measured-steps', '2') : [];
      return { what: 'simulate', args: ['simulate', '--model', m, '--hardware', h, ...planArgs, ...extra, '--json'] };
    }
  }
}

/** Paths of numbers in a document that are not finite (JSON writes NaN and ±Infinity as null). */
function nonFinite(doc: unknown, at = ''): string[] {
  if (doc === null) return [at];
  if (typeof doc === 'number') return Number.isFinite(doc) ? [] : [at];
  if (Array.isArray(doc)) return doc.flatMap((v, i) => nonFinite(v, `${at}[${i}]`));
  if (doc && typeof doc === 'object') return Object.entries(doc).flatMap(([k, v]) => nonFinite(v, at ? `${at}.${k}` : k));
  return [];
}

/** Feasible results inside a command's JSON document: the document itself, tune's best and families, sweep's points. */
function feasibleResults(doc: any): unknown[] {
  const out: unknown[] = [];
  const visit = (v: any) => {
    if (!v || typeof v !== 'object') return;
    if (v.feasible === true) out.push(v);
    for (const x of Object.values(v)) visit(x);
  };
  visit(doc);
  if (doc?.best) out.push(doc.best);
  return out;
}

test(`fuzz: ${CASES} generated inputs (seed ${SEED}) exit with a documented code, one line per problem, finite figures`, async () => {
  expect(DOCUMENTED.has(0) && DOCUMENTED.has(2)).toBe(true);
  const r = rng(SEED);
  const t0 = Date.now();
  const byCode = new Map<number, number>();
  const byCommand = new Map<string, number>();
  const failures: string[] = [];
  let i = 0;
  for (; i < CASES && Date.now() - t0 < BUDGET_MS; i++) {
    const c = generate(r, i);
    const res = await runCli(...c.args);
    byCode.set(res.code, (byCode.get(res.code) ?? 0) + 1);
    byCommand.set(`${c.what} → ${res.code}`, (byCommand.get(`${c.what} → ${res.code}`) ?? 0) + 1);
    const fail = (why: string) => failures.push(`case ${i} (${c.args.join(' ')}): ${why}\n  stderr: ${res.stderr.slice(0, 400)}`);
    if (!DOCUMENTED.has(res.code)) fail(`exit ${res.code} is not documented (${[...DOCUMENTED].join(', ')})`);
    // A generated input is the user's: it may be refused (2) or infeasible, never an internal failure.
    if (res.code === io.EXIT_FAILURE) fail('exit 1 (a failure) on an input: it should be refused with exit 2');
    if (/\n\s+at /.test(res.stderr) || /^\s+at /m.test(res.stderr)) fail('stack trace on stderr');
    if (res.code === io.EXIT_BAD_INPUT) {
      const lines = res.stderr.split('\n').filter((l) => l.length);
      if (!lines.length) fail('exit 2 without saying why');
      for (const l of lines) if (/^\s/.test(l) || l.length > 600) fail(`not one line per problem: ${JSON.stringify(l.slice(0, 120))}`);
      if (res.stdout) fail('a rejected input printed a result');
    }
    if (res.code === io.EXIT_OK) {
      let doc: unknown;
      try {
        doc = JSON.parse(res.stdout);
      } catch {
        fail('stdout is not one JSON document');
        continue;
      }
      for (const f of feasibleResults(doc)) {
        const bad = nonFinite(f);
        if (bad.length) fail(`feasible result with non-finite figures: ${bad.slice(0, 4).join(', ')}`);
      }
    }
  }
  const summary = `${i} cases in ${((Date.now() - t0) / 1000).toFixed(1)} s; exit codes ${JSON.stringify(Object.fromEntries([...byCode].sort()))}; ${JSON.stringify(Object.fromEntries([...byCommand].sort()))}`;
  if (process.env.FUZZ_REPORT) process.stdout.write(summary + '\n');
  expect(failures.slice(0, 5)).toEqual([]);
  expect(i).toBeGreaterThanOrEqual(Math.min(CASES, 300));
  // The generator must exercise both sides: rejections and answers.
  expect(byCode.get(io.EXIT_BAD_INPUT) ?? 0).toBeGreaterThan(30);
  expect(byCode.get(io.EXIT_OK) ?? 0).toBeGreaterThan(30);
}, 120_000);
