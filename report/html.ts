// The report page: one HTML file holding its data (JSON), the charting library (ECharts,
// Apache-2.0, inlined: the file opens from file:// with no network) and the script that draws
// the sections. Sections without data are left out of the page.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../runtime/paths';
import type { ReportData } from './data';

const CLIENT = path.join(REPO_ROOT, 'report', 'client');
/** The page's script, one file per job, in the order they run; they share one function scope. */
export const CLIENT_FILES = ['setup.js', 'format.js', 'dom.js', 'summary.js', 'plan.js', 'timeline.js', 'breakdown.js', 'curves.js', 'frontier.js', 'memory.js', 'validate.js', 'draw.js'];
let echartsSource: string | undefined;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** JSON that cannot end its <script> element early. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
/** Script text that cannot end its element early. */
const scriptText = (s: string) => s.replace(/<\/(script)/gi, '<\\/$1');

interface SectionDef {
  id: string;
  title: string;
  present: (d: ReportData) => boolean;
  /** What the section shows and how to read it. */
  intro: string;
}

export const SECTIONS: SectionDef[] = [
  { id: 'plan', title: 'The plan: where each layer lives', present: (d) => !!d.plan, intro: 'Each column is a layer of the model (bars above: its forward GFLOP per sample and millions of parameters); each row a worker. A filled cell says the worker holds that layer: a full replica (data parallelism), a 1/K shard of its units (model parallelism) or the layer\'s pipeline stage.' },
  { id: 'timeline', title: 'One step, task by task', present: (d) => !!d.timeline, intro: 'Every task of the simulated steps on its worker\'s compute stream, its communication, and each network link it crosses; boxes that share a moment on a worker\'s compute and communication rows are communication hidden under compute. The view opens on the measured step (shaded): drag or scroll to zoom, hover a box for its numbers.' },
  { id: 'breakdown', title: 'Where the step time goes', present: (d) => !!d.plans?.some((p) => p.breakdown), intro: 'Per plan, the average worker\'s step: compute, communication it waits for (exposed), idle time (in a pipeline: its bubbles), and beside it the communication that runs under compute (hidden).' },
  { id: 'scaling', title: 'Speedup and efficiency as workers grow', present: (d) => !!d.scaling, intro: 'Speedup over one worker with the same batch per worker, for each strategy; the dashed line is the ideal (speedup = workers, efficiency = 1).' },
  { id: 'sweep', title: 'Speedup over the sweep', present: (d) => !!d.sweep, intro: 'Speedup of each strategy as one property of the hardware changes; the vertical line marks where this hardware sits.' },
  { id: 'frontier', title: 'The tuner\'s frontier: time against cost', present: (d) => !!d.frontier, intro: 'Plans no other plan beats on both time and cost per sample (the frontier), the chosen plan (star) and the best plan of each family, with why it loses.' },
  { id: 'memory', title: 'Memory per worker', present: (d) => !!d.plans?.length, intro: 'Peak memory of one worker, by what holds it, against the device\'s memory (vertical line).' },
  { id: 'validate', title: 'Predicted against measured', present: (d) => !!d.validate, intro: 'Each row of the validation: the simulator\'s step time against the clock\'s. Points on the diagonal are exact; the bars give the error of each row.' },
];

export function renderHtml(data: ReportData): string {
  echartsSource ??= readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8');
  const script = `(function () {\n'use strict';\n${CLIENT_FILES.map((f) => readFileSync(path.join(CLIENT, f), 'utf8')).join('\n')}})();\n`;
  const css = readFileSync(path.join(CLIENT, 'report.css'), 'utf8');
  const sections = SECTIONS.filter((s) => s.present(data));
  const body = sections
    .map((s) => `<section id="${s.id}" class="section" data-section="${s.id}">\n<h2>${esc(s.title)}</h2>\n<p class="intro">${esc(s.intro)}</p>\n<div class="figures" id="${s.id}-figures"></div>\n</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`trainplan report: ${data.title}`)}</title>
<style>
${css}
</style>
</head>
<body>
<header>
<h1>${esc(data.title)}</h1>
<p class="command"><code>${esc(data.command)}</code> <span class="muted">· ${esc(data.generatedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}</span></p>
<div id="summary"></div>
<nav>${sections.map((s) => `<a href="#${s.id}">${esc(s.title)}</a>`).join('')}</nav>
</header>
<main>
${body}
</main>
<footer>Written by <code>trainplan</code>. Charts: Apache ECharts (Apache-2.0), inlined.</footer>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${scriptText(echartsSource)}</script>
<script>${scriptText(script)}</script>
</body>
</html>
`;
}
