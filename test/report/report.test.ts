// The HTML report as a person sees it: written by the commands the README shows, opened from
// file:// in headless Chromium with no network, every section drawn, nothing logged as an error.
// Screenshots are saved under the OS temp dir (paths printed).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { collect, renderHtml, type ReportData } from '../../report';
import { runCli, tempDir } from '../helpers/cli';
import { hardwarePath, modelPath, plan, zooHardware, zooModel } from '../helpers/scenarios';
import { chartFacts, ChartFacts, inPage, launch, open, screenshot } from './browser';

const k20 = ['--model', modelPath('alexnet-owt'), '--hardware', hardwarePath('k20-pcie2-2014')];
const dir = tempDir('trainplan-report-');
/** The bound on a report's weight. */
const MAX_BYTES = 3e6;
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

function dataOf(file: string): ReportData {
  const html = readFileSync(file, 'utf8');
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no report data in the page');
  return JSON.parse(m[1]);
}

/** Opens a report, checks what every report must hold, and returns its charts. */
async function openReport(file: string, name: string): Promise<{ charts: Map<string, ChartFacts>; data: ReportData; sections: string[] }> {
  expect(statSync(file).size).toBeLessThan(MAX_BYTES);
  const { page, problems, requests, loadMs } = await open(browser, file);
  try {
    const timings = await inPage<Record<string, number>>(page, 'window.__report.timings');
    process.stdout.write(`${name}: ${(statSync(file).size / 1e6).toFixed(2)} MB, ready ${loadMs} ms after navigation; drawing ms per section ${JSON.stringify(timings)} (wall clock on a shared machine)\n`);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    expect(await inPage(page, 'window.__report.errors')).toEqual([]);
    const sections = await inPage<string[]>(page, `Array.from(document.querySelectorAll('section[data-section]')).map(function (s) { return s.getAttribute('data-section'); })`);
    const facts = await chartFacts(page);
    for (const c of facts) {
      expect({ chart: c.name, drawn: c.marks > 0 }).toEqual({ chart: c.name, drawn: true });
      expect(c.axisNames.length).toBeGreaterThan(0);
    }
    await screenshot(page, name);
    return { charts: new Map(facts.map((c) => [c.name, c])), data: dataOf(file), sections };
  } finally {
    await page.close();
  }
}

async function reopenAndZoom(file: string): Promise<number> {
  const { page } = await open(browser, file);
  try {
    return await inPage<number>(page, `(function () {
      var c = window.__report.charts.timeline, t = performance.now();
      c.dispatchAction({ type: 'dataZoom', start: 0, end: 100 }); c.getZr().flush();
      c.dispatchAction({ type: 'dataZoom', start: 40, end: 60 }); c.getZr().flush();
      return performance.now() - t;
    })()`);
  } finally {
    await page.close();
  }
}

const pointsOf = (c: ChartFacts, series: string) => c.series.find((s) => s.name === series)?.points;
/** Value axes name their unit: "(ms)", "(GB)", "(×)" and the like, or a unit word. */
const withUnit = (names: string[]) => names.filter((n) => /\(.+\)|per|workers|layer/.test(n));

test('simulate --report: AlexNet-OWT hybrid 8×128 on the K20s, every section drawn', async () => {
  const file = join(dir, 'hybrid.html');
  const r = await runCli('simulate', ...k20, '--strategy', 'hybrid', '--workers', '8', '--batch', '128', '--report', file);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain(`report: ${file}`);
  const { charts, data, sections } = await openReport(file, 'simulate-hybrid-8x128-k20');
  expect(sections).toEqual(['plan', 'timeline', 'breakdown', 'scaling', 'sweep', 'memory']);

  // The plan: a cell per layer and worker for data and model segments (hybrid: both kinds).
  const plan = charts.get('plan')!;
  const cells = plan.series.filter((s) => s.type === 'custom').reduce((a, s) => a + s.points, 0);
  expect(cells).toBe(data.model.layers.length * 8);
  expect(plan.series.map((s) => s.name)).toEqual(expect.arrayContaining(['replica (data parallel)', '1/K shard (model parallel)']));

  // The timeline: every box of the data is a drawn item, on a canvas.
  const tl = charts.get('timeline')!;
  expect(tl.renderer).toBe('canvas');
  expect(tl.series.reduce((a, s) => a + s.points, 0)).toBe(data.timeline!.track.length);
  expect(data.timeline!.track.length).toBeGreaterThan(1000);
  expect(tl.axisNames).toContain('time since the first step started (ms)');
  expect(data.timeline!.traceGzipBase64!.length).toBeGreaterThan(0);
  // Zooming out to every box and back redraws in the page's thread: printed (not asserted; wall clock).
  const zoom = await reopenAndZoom(file);
  process.stdout.write(`timeline: ${data.timeline!.track.length} boxes, zoom to all steps and back redrawn in ${zoom.toFixed(0)} ms\n`);
  expect(zoom).toBeGreaterThan(0);

  // The breakdown and the memory: one bar per plan in each series.
  for (const name of ['breakdown', 'memory']) for (const s of charts.get(name)!.series) expect(s.points).toBe(data.plans!.filter((p) => name === 'memory' || p.breakdown).length);
  expect(charts.get('memory')!.axisNames).toContain('memory per worker (GB)');

  // Scaling: one line per strategy with a point per feasible worker count, plus the ideal.
  for (const chart of ['speedup', 'efficiency']) {
    const c = charts.get(chart)!;
    expect(pointsOf(c, 'ideal')).toBeGreaterThan(1);
    for (const s of data.scaling!.strategies) if (s.points.length) expect(pointsOf(c, s.name)).toBe(s.points.length);
    expect(withUnit(c.axisNames)).toHaveLength(2);
  }
  expect(charts.get('sweep')!.axisNames[0]).toMatch(/compute density \(FLOP\/s per byte\/s of network\)/);
});

test('tune --report (the README\'s first command): the frontier, the chosen plan and each family\'s best', async () => {
  const file = join(dir, 'tune.html');
  const r = await runCli('tune', ...k20, '--threads', '1', '--report', file);
  expect(r.code).toBe(0);
  const { charts, data, sections } = await openReport(file, 'tune-alexnet-owt-k20');
  expect(sections).toEqual(['plan', 'timeline', 'breakdown', 'scaling', 'sweep', 'frontier', 'memory']);
  const f = charts.get('frontier')!;
  const fr = data.frontier!;
  expect(f.series.find((s) => s.name.startsWith('frontier'))!.points).toBe(fr.frontier.length);
  expect(pointsOf(f, 'chosen plan')).toBe(1);
  for (const fam of fr.families) expect(pointsOf(f, `best ${fam.family}`)).toBe(1);
  expect(fr.families.length).toBeGreaterThanOrEqual(3);
  expect(fr.families.every((x) => x.why.length > 0)).toBe(true);
  expect(withUnit(f.axisNames)).toHaveLength(2);
  // The chosen plan is the one tune printed as best, and it is compared with every family's best.
  expect(data.plans!.filter((p) => p.chosen)).toHaveLength(1);
  expect(data.plans!.length).toBe(1 + fr.families.length);
});

test('report --validate: predicted against measured, error per row', async () => {
  const file = join(dir, 'validate.html');
  // Recorded from `trainplan validate --strategies single,data --workers 2 --steps 3 --bandwidths memory --json` on a 2-core machine.
  const recorded = join(__dirname, 'fixtures', 'validate-mini-owt.json');
  // What `validate --report` writes: the validation alone (its hardware was calibrated on the spot).
  const r = await runCli('report', '--model', modelPath('mini-owt'), '--validate', recorded, '--out', file);
  expect(r.code).toBe(0);
  const { charts, data, sections } = await openReport(file, 'validate-mini-owt');
  expect(sections).toEqual(['validate']);
  const rows = data.validate!.rows.filter((x) => x.predictedStepSeconds !== null);
  const scatter = charts.get('validate-scatter')!;
  expect(scatter.series.filter((s) => s.type === 'scatter').reduce((a, s) => a + s.points, 0)).toBe(rows.length);
  expect(scatter.axisNames).toEqual(expect.arrayContaining(['predicted step time (ms)', 'measured step time (ms)']));
  expect(charts.get('validate-error')!.series[0].points).toBe(rows.length);
});

test('report --validate of a grid: batches, the predicted band, whether the measured step fell in it, and the machine\'s speed at each run', async () => {
  const file = join(dir, 'validate-grid.html');
  // Recorded from `node dist/test/bench/validate-grid.js` on the 2-core VM (2026-12-02 12:40 UTC; its calibrated hardware left out).
  const recorded = join(__dirname, 'fixtures', 'validate-grid-mini-owt.json');
  const r = await runCli('report', '--model', modelPath('mini-owt'), '--validate', recorded, '--out', file);
  expect(r.code).toBe(0);
  const { data } = await openReport(file, 'validate-grid-mini-owt');
  const { page } = await open(browser, file);
  try {
    const head = await inPage<string[]>(page, `Array.from(document.querySelectorAll('section[data-section=validate] th')).map(function (t) { return t.textContent; })`);
    expect(head).toEqual(['strategy', 'workers', 'batch', 'network', 'sync', 'machine', 'predicted (ms)', 'p10–p90 predicted (ms)', 'measured (ms)', 'error', 'in band']);
    const cells = await inPage<string[]>(page, `Array.from(document.querySelectorAll('section[data-section=validate] tbody tr')).map(function (tr) { return tr.lastElementChild.textContent; })`);
    expect(cells).toEqual(data.validate!.rows.map((x) => (x.inBand ? 'yes' : 'no')));
    const caption = await inPage<string>(page, `document.querySelector('section[data-section=validate] caption').textContent`);
    expect(caption).toContain('inside the predicted p10–p90 band in 94% of rows');
  } finally {
    await page.close();
  }
});

test('prediction bands, where results carry them, are drawn as p10–p90 areas around each strategy', async () => {
  const model = zooModel('alexnet-owt');
  const hardware = zooHardware('k20-pcie2-2014');
  const data = collect({ command: 'test', model, hardware, plan: plan('hybrid', model, { workers: 8, batchPerWorker: 128, topology: hardware.network.topology }) });
  // A band of ±10% around each simulated step time: the shape the band field has in simulate results.
  for (const s of data.scaling!.strategies)
    for (const p of s.points) p.band = { meanSeconds: p.stepTimeSeconds, p10Seconds: p.stepTimeSeconds * 0.9, p50Seconds: p.stepTimeSeconds, p90Seconds: p.stepTimeSeconds * 1.1, samples: 100 };
  const banded = join(dir, 'banded.html');
  writeFileSync(banded, renderHtml(data));
  const { charts } = await openReport(banded, 'bands');
  const withPoints = data.scaling!.strategies.filter((s) => s.points.length);
  for (const chart of ['speedup', 'efficiency']) expect(charts.get(chart)!.series.filter((s) => s.name.endsWith('p10–p90'))).toHaveLength(withPoints.length);
});

test('sweep --report: that sweep drawn over its axis, with where the hardware sits', async () => {
  const file = join(dir, 'sweep.html');
  const r = await runCli('sweep', ...k20, '--over', 'bandwidth', '--strategies', 'data,hybrid', '--json', '--report', file);
  expect(r.code).toBe(0);
  const points = JSON.parse(r.stdout).points as { strategy: string; feasible: boolean }[];
  const { charts, data, sections } = await openReport(file, 'sweep-bandwidth');
  expect(sections).toEqual(['scaling', 'sweep']);
  expect(data.sweep!.axis).toBe('bandwidth');
  expect(data.sweep!.hardwareX).toBeGreaterThan(0);
  const c = charts.get('sweep')!;
  for (const s of ['data', 'hybrid']) expect(pointsOf(c, s)).toBe(points.filter((p) => p.strategy === s && p.feasible).length);
  expect(c.axisNames[0]).toBe('network bandwidth per worker (bytes/s) (log scale)');
});

test('bad inputs of report: one line per problem, naming the field, exit 2', async () => {
  const bad = join(dir, 'bad-tune.json');
  writeFileSync(bad, JSON.stringify({ model: 'alexnet-owt', hardware: 'k20', objective: 'fast', costUnit: 'dollars', plan: {}, families: {}, frontier: [] }));
  const r = await runCli('report', ...k20, '--tune', bad, '--out', join(dir, 'x.html'));
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/objective/);
  expect(r.stderr).toMatch(/plan\.workers/);
  const r2 = await runCli('report', ...k20, '--workers', '8', '--out', join(dir, 'y.html'));
  expect(r2.code).toBe(2);
  expect(r2.stderr).toMatch(/--strategy/);
  const r3 = await runCli('report', '--model', modelPath('alexnet-owt'), '--strategy', 'data', '--workers', '2', '--batch', '8', '--out', join(dir, 'z.html'));
  expect(r3.code).toBe(2);
  expect(r3.stderr).toMatch(/--hardware/);
});
