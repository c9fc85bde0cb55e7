// Opens report files in headless Chromium (Debian's `chromium`, driven by puppeteer-core: nothing
// is downloaded) and records what a person's browser would complain about: console errors,
// uncaught exceptions and failed or non-local requests.
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Where Chromium is: CHROMIUM_PATH, else Debian's package. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no Chromium found (tried ${candidates.join(', ')}): apt-get install -y chromium, or set CHROMIUM_PATH`);
  return found;
}

export async function launch(): Promise<Browser> {
  return puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

export interface Opened {
  page: Page;
  /** Console errors, page errors and failed requests, one line each. */
  problems: string[];
  /** Requests that were not for the file itself (a self-contained report makes none). */
  requests: string[];
  /** From navigation to the report's script finishing, in ms (noisy on a shared machine). */
  loadMs: number;
}

export async function open(browser: Browser, file: string): Promise<Opened> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const problems: string[] = [];
  const requests: string[] = [];
  const url = `file://${file}`;
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('request', (r) => { if (r.url() !== url && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) requests.push(r.url()); });
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction('window.__report && window.__report.ready === true', { timeout: 30_000 });
  return { page, problems, requests, loadMs: Date.now() - t0 };
}

/** Screenshots go under the OS temp dir; the path is printed so a person can look. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(tmpdir(), 'trainplan-report-screenshots');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  process.stdout.write(`screenshot: ${file}\n`);
  return file;
}

export interface ChartFacts {
  name: string;
  renderer: 'svg' | 'canvas';
  /** Drawn marks: SVG shapes, or canvas pixels that are not background. */
  marks: number;
  series: { name: string; type: string; points: number }[];
  axisNames: string[];
}

// Runs in the page (as text: this project's TypeScript has no DOM types).
const CHART_FACTS = `Array.from(document.querySelectorAll('[data-chart]')).map(function (box) {
  var opt = echarts.getInstanceByDom(box).getOption();
  var svg = box.querySelector('svg');
  var marks = 0;
  if (svg) marks = svg.querySelectorAll('path, rect, circle, polygon, polyline').length;
  else box.querySelectorAll('canvas').forEach(function (c) {
    var px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (var i = 3; i < px.length; i += 4) if (px[i] > 0) marks++;
  });
  return {
    name: box.getAttribute('data-chart'), renderer: svg ? 'svg' : 'canvas', marks: marks,
    series: opt.series.map(function (s) { return { name: s.name, type: s.type, points: s.data ? s.data.length : 0 }; }),
    axisNames: (opt.xAxis || []).concat(opt.yAxis || []).map(function (a) { return a.name || ''; }).filter(Boolean),
  };
})`;

/** What each chart on the page holds and drew, read from ECharts and from the DOM. */
export async function chartFacts(page: Page): Promise<ChartFacts[]> {
  return (await page.evaluate(CHART_FACTS)) as ChartFacts[];
}

/** Evaluates an expression in the page. */
export async function inPage<T>(page: Page, expression: string): Promise<T> {
  return (await page.evaluate(expression)) as T;
}
