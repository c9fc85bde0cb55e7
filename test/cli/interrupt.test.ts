// Ctrl-C on `tune`, sent to a real `trainplan` process mid-search, inline (--threads 1, the
// default on 2 cores) and on a pool of threads: it exits 130 (SIGTERM: 143), the results log
// keeps every plan scored (whole lines, no plan twice), and running the same command again
// simulates only the plans not in the log. Xception on the H100s at batch 32: ~430 plans of a few
// ms each, so the signal lands mid-search. Needs dist/ (npm test builds it first). The time from
// signal to exit is printed, not asserted (this machine's clock is shared); `npm run bench` has it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hardwarePath, modelPath, ROOT } from '../helpers/scenarios';
import { runCli, tempDir } from '../helpers/cli';

const args = (out: string, threads: number) => ['tune', '--model', modelPath('xception'), '--hardware', hardwarePath('h100-ib'), '--batch', '32', '--threads', String(threads), '--out', out, '--json'];

const logKeys = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).key) : []);

/** Starts tune in a child process, waits until it has scored `after` plans, sends `signal`. */
async function interrupt(out: string, threads: number, signal: NodeJS.Signals, after = 40): Promise<{ code: number | null; stderr: string; secondsToExit: number }> {
  const child = spawn(process.execPath, [join(ROOT, 'cli', 'trainplan.js'), ...args(out, threads)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let sentAt = 0;
  const poll = setInterval(() => {
    if (!sentAt && logKeys(`${out}.results.jsonl`).length >= after) {
      sentAt = performance.now();
      child.kill(signal);
    }
  }, 10);
  const code = await exited;
  clearInterval(poll);
  return { code, stderr, secondsToExit: (performance.now() - sentAt) / 1000 };
}

describe.each([['inline', 1], ['pooled', 2]])('Ctrl-C on tune (%s)', (_name, threads) => {
  test('exits 130 mid-search; the log is whole; a rerun simulates only what was not scored', async () => {
    const out = join(tempDir(), 'plan.json');
    const log = `${out}.results.jsonl`;
    const stopped = await interrupt(out, threads, 'SIGINT');
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/^trainplan: interrupted by SIG(INT|TERM): \d+ scored plans kept in .*plan\.json\.results\.jsonl; run the same command again to resume$/m);
    const kept = logKeys(log); // every line parses: the log is intact
    expect(kept.length).toBeGreaterThanOrEqual(40);
    expect(existsSync(out)).toBe(false); // no best plan from half a search
    process.stderr.write(`tune ${_name}: exited ${stopped.secondsToExit.toFixed(2)} s after SIGINT, ${kept.length} plans kept\n`);

    const resumed = await runCli(...args(out, threads));
    expect(resumed.code).toBe(0);
    const doc = JSON.parse(resumed.stdout);
    const all = logKeys(log);
    expect(new Set(all).size).toBe(all.length); // no plan simulated twice
    expect(all.length).toBe(kept.length + doc.evaluated); // what was simulated again went to the log
    expect(doc.evaluated).toBeGreaterThan(0); // the first run had stopped mid-search
    expect(doc.fromLog).toBeGreaterThan(0);
    expect(doc.evaluated + doc.fromLog + doc.pruned).toBe(doc.candidates);
  });
});

test('SIGTERM on tune exits 143 and keeps the log', async () => {
  const out = join(tempDir(), 'plan.json');
  const stopped = await interrupt(out, 1, 'SIGTERM');
  expect(stopped.code).toBe(143);
  expect(logKeys(`${out}.results.jsonl`).length).toBeGreaterThanOrEqual(40);
});
