// Minimal SVG charts written directly: line charts (sweeps) and scatter plots (validate).
// Axes switch to log scale when the values span more than a factor of 20.
import { writeAtomic } from '../simulator/trace';
import { maxOf, minOf } from '../simulator/extremes';

export interface Series {
  name: string;
  points: [number, number][];
  dashed?: boolean;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function scale(values: number[], lo: number, hi: number, allowLog: boolean) {
  const min = minOf(values);
  const max = maxOf(values);
  const log = allowLog && min > 0 && max / min > 20;
  const f = log ? Math.log10 : (v: number) => v;
  const a = f(min);
  const b = f(max) === a ? a + 1 : f(max);
  return { log, min, max, map: (v: number) => lo + ((f(v) - a) / (b - a)) * (hi - lo) };
}

function ticks(min: number, max: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) if (10 ** e >= min * 0.999 && 10 ** e <= max * 1.001) out.push(10 ** e);
    return out.length >= 2 ? out : [min, max];
  }
  const step = niceStep((max - min) / 5 || 1);
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}
function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
}
const label = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(0) : String(+v.toPrecision(3)));

export function chart(title: string, xLabel: string, yLabel: string, series: Series[], o: { scatter?: boolean; diagonal?: boolean } = {}): string {
  const W = 720;
  const H = 440;
  const L = 70;
  const R = 170;
  const T = 40;
  const B = 50;
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).concat(o.diagonal ? xs : [0]);
  const sx = scale(o.diagonal ? xs.concat(ys) : xs, L, W - R, true);
  const sy = scale(o.diagonal ? xs.concat(ys) : ys, H - B, T, o.diagonal ?? false);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - R / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}${sx.log ? ' (log)' : ''}</text>`,
    `<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}${sy.log ? ' (log)' : ''}</text>`,
  ];
  for (const t of ticks(sx.min, sx.max, sx.log)) parts.push(`<line x1="${sx.map(t)}" y1="${H - B}" x2="${sx.map(t)}" y2="${H - B + 5}" stroke="black"/><text x="${sx.map(t)}" y="${H - B + 18}" text-anchor="middle">${label(t)}</text>`);
  for (const t of ticks(sy.min, sy.max, sy.log)) parts.push(`<line x1="${L - 5}" y1="${sy.map(t)}" x2="${L}" y2="${sy.map(t)}" stroke="black"/><line x1="${L}" y1="${sy.map(t)}" x2="${W - R}" y2="${sy.map(t)}" stroke="#eee"/><text x="${L - 8}" y="${sy.map(t) + 4}" text-anchor="end">${label(t)}</text>`);
  if (o.diagonal) parts.push(`<line x1="${sx.map(sx.min)}" y1="${sy.map(sx.min)}" x2="${sx.map(sx.max)}" y2="${sy.map(sx.max)}" stroke="#999" stroke-dasharray="4 4"/>`);
  series.forEach((s, i) => {
    const c = s.dashed ? '#888' : COLORS[i % COLORS.length];
    const pts = s.points.map(([x, y]) => `${sx.map(x).toFixed(1)},${sy.map(y).toFixed(1)}`);
    if (!o.scatter && pts.length > 1) parts.push(`<polyline fill="none" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts.join(' ')}"/>`);
    for (const p of pts) parts.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="${o.scatter ? 4 : 3}" fill="${c}"/>`);
    parts.push(`<line x1="${W - R + 15}" y1="${T + 10 + i * 20}" x2="${W - R + 40}" y2="${T + 10 + i * 20}" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/><text x="${W - R + 46}" y="${T + 14 + i * 20}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

export function writeChart(file: string, svg: string): void {
  writeAtomic(file, svg);
}
