// A --store DIR whose writer is stopped mid-write leaves no temporary file: SIGTERM (what `timeout`
// and job runners send) removes the writer's own before it ends; after SIGKILL, which nothing can
// catch, the next listing (what a resumed tune does first) removes the orphans of processes that are gone.
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DirStore } from '../../../runtime/store';
import { REPO_ROOT } from '../../../runtime/paths';
import { tempDir } from '../../helpers/cli';

const tmpFiles = (dir: string) => readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.tmp'));

/** A process writing 200 KB documents into `dir` as fast as it can (the compiled DirStore). */
function writer(dir: string) {
  const script = `
    const { DirStore } = require(${JSON.stringify(join(REPO_ROOT, 'dist', 'runtime', 'store', 'dir.js'))});
    const s = new DirStore(${JSON.stringify(dir)});
    const text = 'x'.repeat(200000);
    (async () => { for (let i = 0; ; i++) await s.write('results/r' + (i % 50) + '.json', text); })();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, exited };
}

const settle = async (dir: string) => {
  const t0 = Date.now();
  while (!readdirSync(dir).includes('results') && Date.now() - t0 < 20000) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
};

test('SIGTERM to a process writing a --store DIR: exit 143, no *.tmp left', async () => {
  const dir = tempDir();
  const w = writer(dir);
  await settle(dir);
  w.child.kill('SIGTERM');
  expect(await w.exited).toEqual({ code: 143, signal: null });
  expect(tmpFiles(dir)).toEqual([]);
  expect(readdirSync(join(dir, 'results')).length).toBeGreaterThan(0);
});

test('after SIGKILL, the next listing removes the dead writer\'s orphans and keeps a live writer\'s', async () => {
  const dir = tempDir();
  const w = writer(dir);
  await settle(dir);
  w.child.kill('SIGKILL');
  await w.exited;
  // An orphan for certain (SIGKILL may have landed between two writes), and one of a live process (this one).
  writeFileSync(join(dir, 'results', `r0.json.${w.child.pid}.99.tmp`), 'partial');
  writeFileSync(join(dir, 'results', `r1.json.${process.pid}.99.tmp`), 'being written');
  const names = await new DirStore(dir).list('results/');
  expect(names.every((n) => n.endsWith('.json'))).toBe(true);
  expect(tmpFiles(dir)).toEqual([join('results', `r1.json.${process.pid}.99.tmp`)]);
});
