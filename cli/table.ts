// Plain-text tables for the CLI's default output: right-aligned numbers, left-aligned text.
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const width = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number' || /^[-+\d.,e%x×]+$/.test(String(r[c] ?? ''))));
  const fmt = (r: string[]) => r.map((v, c) => (numeric[c] ? v.padStart(width[c]) : v.padEnd(width[c]))).join('  ').trimEnd();
  return [fmt(cells[0]), width.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(fmt)].join('\n');
}

export const fixed = (v: number, digits: number): string => v.toFixed(digits);
export const si = (v: number, unit = ''): string => {
  const a = Math.abs(v);
  const [d, s] = a >= 1e12 ? [1e12, 'T'] : a >= 1e9 ? [1e9, 'G'] : a >= 1e6 ? [1e6, 'M'] : a >= 1e3 ? [1e3, 'k'] : [1, ''];
  return `${(v / d).toFixed(a / d >= 100 ? 0 : a / d >= 10 ? 1 : 2)} ${s}${unit}`.trim();
};
