// SIGINT and SIGTERM sent to a real `trainplan run` process (worker threads, and worker processes),
// on the embedded store and on an external one: the run exits 130 or 143, no worker process is left,
// nothing of it is left in the temporary folder (each run gets a TMPDIR of its own, so this sees
// only its files) and no object is left under its prefix.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_ENTRY } from '../../runtime/processes/spawn';
import { S3ObjectStore } from '../../runtime/s3/s3-objects';
import { startEmbeddedS3, EmbeddedS3 } from '../../runtime/s3/server';
import { modelPath } from '../helpers/scenarios';

const until = async (what: string, f: () => boolean | Promise<boolean>, seconds = 60): Promise<void> => {
  const t0 = Date.now();
  while (!(await f())) {
    if (Date.now() - t0 > seconds * 1000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** Process ids whose command line runs `trainplan worker` with this run's temporary folder (its files). */
function workersOf(tmp: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', `worker --model ${tmp}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

let external: EmbeddedS3;
let externalStore: S3ObjectStore;
beforeAll(async () => {
  external = await startEmbeddedS3();
  externalStore = new S3ObjectStore({ endpoint: external.endpoint, bucket: 'trainplan' });
});
afterAll(async () => {
  externalStore.destroy();
  await external.stop();
});

const cases: { name: string; signal: 'SIGINT' | 'SIGTERM'; processes: boolean; store: 'embedded' | 'external'; env?: Record<string, string> }[] = [
  // AWS keys in the environment must not reach the embedded server (issue 15, item 3): the run gets going regardless.
  { name: 'processes, embedded store, SIGTERM, foreign AWS keys in the environment', signal: 'SIGTERM', processes: true, store: 'embedded', env: { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' } },
  { name: 'processes, external store, SIGINT', signal: 'SIGINT', processes: true, store: 'external' },
  { name: 'threads, external store, SIGTERM', signal: 'SIGTERM', processes: false, store: 'external' },
  { name: 'threads, embedded store, SIGINT', signal: 'SIGINT', processes: false, store: 'embedded' },
];

test.each(cases)('$name: exit 128+signal, nothing left behind', async (c) => {
  const tmp = mkdtempSync(join(tmpdir(), 'trainplan-signal-test-'));
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, ...c.env };
  for (const k of ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3', ...(c.env ? [] : ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'])]) if (!c.env?.[k]) delete env[k];
  const args = [CLI_ENTRY, 'run', '--model', modelPath('mini-owt'), '--strategy', 'data', '--workers', '2', '--batch', '8', '--steps', '500', '--transport', 's3', '--json'];
  if (c.processes) args.push('--processes');
  if (c.store === 'external') args.push('--s3-endpoint', external.endpoint);
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let runs: string[] = [];
  try {
    // Training is under way once the run's exchange objects are in its store.
    await until('the run to exchange objects', async () => {
      if (child.exitCode !== null) throw new Error(`run ended early (${child.exitCode}): ${stderr}`);
      if (c.store === 'external') return (runs = await externalStore.list('runs/')).length > 0;
      return filesUnder(tmp).some((f) => f.includes(`${join('trainplan', 'runs')}`));
    });
    if (c.processes) expect(workersOf(tmp).length).toBe(2);
    const t0 = Date.now();
    child.kill(c.signal);
    const code = await exited;
    const seconds = (Date.now() - t0) / 1000;
    expect({ code, stderr: stderr.trim() }).toEqual({ code: c.signal === 'SIGINT' ? 130 : 143, stderr: `trainplan: interrupted by ${c.signal}: workers stopped, temporary files and stored objects deleted` });
    // Not a timing assertion: a bound far above the 2 s target, so a hang is caught on a loaded machine.
    expect(seconds).toBeLessThan(30);
    expect(workersOf(tmp)).toEqual([]);
    expect(filesUnder(tmp)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
    if (c.store === 'external') {
      const prefix = runs[0].split('/').slice(0, 2).join('/') + '/';
      expect(await externalStore.list(prefix)).toEqual([]);
      expect(await externalStore.list(`results/${prefix.split('/')[1]}/`)).toEqual([]);
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  }
});
