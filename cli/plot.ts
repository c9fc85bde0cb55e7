// Small SVG charts written directly for `--plot`: line charts (sweeps) and scatter plots
// (validate). Axes switch to log scale when the values span more than a factor of 20; log axes
// get ticks inside each decade (1, 2, 5) while few decades show, and an x axis with few distinct
// values gets a tick at each. Series differ by marker shape as well as colour; reference lines
// (the ideal, the diagonal) are drawn first and thin, so data is never hidden under them.
// (The HTML report, `--report`, draws the same data interactively: see report/.)
import { writeAtomic } from '../simulator/trace';

export interface Series {
  name: string;
  points: [number, number][];
  /** A reference line (e.g. the ideal): grey, dashed, drawn under the data. */
  dashed?: boolean;
}

// Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies.
const COLORS = ['#0072B2', '#D55E00', '#009E73', '#E69F00', '#CC79A7', '#56B4E9', '#000000'];
const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'triangle-down', 'plus'] as const;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

interface Scale {
  log: boolean;
  min: number;
  max: number;
  map: (v: number) => number;
}

function scale(values: number[], lo: number, hi: number, allowLog: boolean): Scale {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const log = allowLog && min > 0 && max / min > 20;
  const f = log ? Math.log10 : (v: number) => v;
  const a = f(min);
  const b = f(max) === a ? a + 1 : f(max);
  return { log, min, max, map: (v: number) => lo + ((f(v) - a) / (b - a)) * (hi - lo) };
}

/** Ticks of a log axis: 1-2-5 in each decade over up to three decades, else powers of ten. */
export function logTicks(min: number, max: number): number[] {
  const decades = Math.log10(max / min);
  const mantissas = decades <= 1.5 ? [1, 2, 3, 5] : decades <= 3.5 ? [1, 2, 5] : [1];
  const every = decades > 8 ? 2 : 1;
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++)
    for (const m of mantissas) {
      const v = m * 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001 && (m !== 1 || e % every === 0)) out.push(+v.toPrecision(12));
    }
  return out.length >= 2 ? out : [min, max];
}

export function linearTicks(min: number, max: number): number[] {
  const step = niceStep((max - min) / 5 || 1);
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9 * step; v += step) out.push(+v.toPrecision(12));
  return out;
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
}

/** Tick labels: plain numbers, k/M/G/T past 10,000, and 1e-3 style below 0.01. */
export function tickLabel(v: number): string {
  const a = Math.abs(v);
  if (v === 0) return '0';
  if (a >= 1e4) {
    const [d, s] = ([[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const).find(([d]) => a >= d)!;
    return `${+(v / d).toPrecision(3)}${s}`;
  }
  if (a < 1e-2) return v.toExponential(0);
  // Whole numbers as they are: a sweep's 1024 workers, not "1020".
  if (Number.isInteger(v)) return String(v);
  return String(+v.toPrecision(3));
}

function marker(kind: (typeof MARKERS)[number], x: number, y: number, r: number, color: string): string {
  const p = (pts: [number, number][]) => `<polygon points="${pts.map(([a, b]) => `${(x + a * r).toFixed(1)},${(y + b * r).toFixed(1)}`).join(' ')}" fill="${color}" stroke="white" stroke-width="0.8"/>`;
  switch (kind) {
    case 'circle': return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r}" fill="${color}" stroke="white" stroke-width="0.8"/>`;
    case 'square': return p([[-0.9, -0.9], [0.9, -0.9], [0.9, 0.9], [-0.9, 0.9]]);
    case 'triangle': return p([[0, -1.2], [1.1, 0.8], [-1.1, 0.8]]);
    case 'triangle-down': return p([[0, 1.2], [1.1, -0.8], [-1.1, -0.8]]);
    case 'diamond': return p([[0, -1.25], [1.1, 0], [0, 1.25], [-1.1, 0]]);
    case 'plus': return `<path d="M${x - r} ${y}H${x + r}M${x} ${y - r}V${y + r}" stroke="${color}" stroke-width="2.5"/>`;
  }
}

/** Ticks at least `gap` pixels apart (data values can crowd: 587 beside 1,000 on a log axis). */
function spaced(ticks: number[], map: (v: number) => number, gap: number): number[] {
  const out: number[] = [];
  for (const t of ticks) if (!out.length || Math.abs(map(t) - map(out[out.length - 1])) >= gap) out.push(t);
  return out;
}

export interface ChartOptions {
  scatter?: boolean;
  /** Draw y = x (predicted against measured). */
  diagonal?: boolean;
  /** Vertical markers, e.g. where this hardware sits on the axis. */
  marks?: { x: number; label: string }[];
}

export function chart(title: string, xLabel: string, yLabel: string, series: Series[], o: ChartOptions = {}): string {
  const W = 760;
  const H = 460;
  const L = 78;
  const R = 180;
  const T = 44;
  const B = 56;
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).concat(o.diagonal ? xs : [0]);
  // Headroom above the highest point of a linear y axis, so no point sits on the frame.
  if (!o.diagonal) ys.push(Math.max(...ys) * 1.05);
  const sx = scale(o.diagonal ? xs.concat(ys) : xs.concat((o.marks ?? []).map((m) => m.x)), L, W - R, true);
  const sy = scale(o.diagonal ? xs.concat(ys) : ys, H - B, T, o.diagonal ?? false);
  const distinctX = [...new Set(xs)].sort((a, b) => a - b);
  const xTicks = spaced(!o.diagonal && distinctX.length <= 12 ? distinctX : sx.log ? logTicks(sx.min, sx.max) : linearTicks(sx.min, sx.max), sx.map, 34);
  const yTicks = sy.log ? logTicks(sy.min, sy.max) : linearTicks(sy.min, sy.max);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const t of yTicks) parts.push(`<line x1="${L}" y1="${sy.map(t).toFixed(1)}" x2="${W - R}" y2="${sy.map(t).toFixed(1)}" stroke="#e6e6e6"/>`);
  for (const t of xTicks) parts.push(`<line x1="${sx.map(t).toFixed(1)}" y1="${T}" x2="${sx.map(t).toFixed(1)}" y2="${H - B}" stroke="#f0f0f0"/>`);
  parts.push(
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 14}" text-anchor="middle">${esc(xLabel)}${sx.log ? ' (log scale)' : ''}</text>`,
    `<text transform="translate(18 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}${sy.log ? ' (log scale)' : ''}</text>`,
  );
  for (const t of xTicks) parts.push(`<line x1="${sx.map(t).toFixed(1)}" y1="${H - B}" x2="${sx.map(t).toFixed(1)}" y2="${H - B + 5}" stroke="black"/><text x="${sx.map(t).toFixed(1)}" y="${H - B + 18}" text-anchor="middle">${tickLabel(t)}</text>`);
  for (const t of yTicks) parts.push(`<line x1="${L - 5}" y1="${sy.map(t).toFixed(1)}" x2="${L}" y2="${sy.map(t).toFixed(1)}" stroke="black"/><text x="${L - 8}" y="${(sy.map(t) + 4).toFixed(1)}" text-anchor="end">${tickLabel(t)}</text>`);

  // Reference lines first (underneath), then the data.
  const legend: string[] = [];
  const ly = (i: number) => T + 10 + i * 22;
  const lx = W - R + 16;
  if (o.diagonal) {
    const lo = Math.max(sx.min, sy.min);
    const hi = Math.min(sx.max, sy.max);
    parts.push(`<line x1="${sx.map(lo).toFixed(1)}" y1="${sy.map(lo).toFixed(1)}" x2="${sx.map(hi).toFixed(1)}" y2="${sy.map(hi).toFixed(1)}" stroke="#999" stroke-width="1.2" stroke-dasharray="5 4"/>`);
    legend.push(`<line x1="${lx}" y1="${ly(0)}" x2="${lx + 26}" y2="${ly(0)}" stroke="#999" stroke-width="1.2" stroke-dasharray="5 4"/><text x="${lx + 32}" y="${ly(0) + 4}">exact (y = x)</text>`);
  }
  for (const m of o.marks ?? []) {
    const x = sx.map(m.x).toFixed(1);
    parts.push(`<line x1="${x}" y1="${T}" x2="${x}" y2="${H - B}" stroke="#333" stroke-width="1"/><text x="${x}" y="${T - 4}" text-anchor="middle" font-weight="bold">${esc(m.label)}</text>`);
  }
  const refs = series.filter((s) => s.dashed);
  const data = series.filter((s) => !s.dashed);
  for (const s of refs) {
    const pts = s.points.map(([x, y]) => `${sx.map(x).toFixed(1)},${sy.map(y).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="#999" stroke-width="1.2" stroke-dasharray="5 4" points="${pts.join(' ')}"/>`);
    const i = legend.length;
    legend.push(`<line x1="${lx}" y1="${ly(i)}" x2="${lx + 26}" y2="${ly(i)}" stroke="#999" stroke-width="1.2" stroke-dasharray="5 4"/><text x="${lx + 32}" y="${ly(i) + 4}">${esc(s.name)}</text>`);
  }
  data.forEach((s, k) => {
    const c = COLORS[k % COLORS.length];
    const m = MARKERS[k % MARKERS.length];
    const pts = s.points.map(([x, y]) => [sx.map(x), sy.map(y)] as const);
    if (!o.scatter && pts.length > 1) parts.push(`<polyline fill="none" stroke="${c}" stroke-width="2.2" points="${pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of pts) parts.push(marker(m, x, y, o.scatter ? 5 : 4, c));
    const i = legend.length;
    legend.push(`${o.scatter ? '' : `<line x1="${lx}" y1="${ly(i)}" x2="${lx + 26}" y2="${ly(i)}" stroke="${c}" stroke-width="2.2"/>`}${marker(m, lx + 13, ly(i), 4.5, c)}<text x="${lx + 32}" y="${ly(i) + 4}">${esc(s.name)}</text>`);
  });
  parts.push(...legend, '</svg>');
  return parts.join('\n') + '\n';
}

export function writeChart(file: string, svg: string): void {
  writeAtomic(file, svg);
}
