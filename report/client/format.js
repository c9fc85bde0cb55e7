// Numbers with units, for labels, tooltips and tables.
function sig(v, n) { return Number(v.toPrecision(n || 3)).toLocaleString('en-US', { maximumFractionDigits: 6 }); }
function si(v, unit) {
  if (v === 0) return '0 ' + unit;
  var p = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (var i = 0; i < p.length; i++) if (Math.abs(v) >= p[i][0]) return sig(v / p[i][0]) + ' ' + p[i][1] + unit;
  return sig(v) + ' ' + unit;
}
function ms(s) { return sig(s * 1e3) + ' ms'; }
function pct(x) { return (x >= 0 ? '+' : '') + (x * 100).toFixed(1) + '%'; }
function gb(b) { return sig(b / 1e9) + ' GB'; }
// Axis tick labels: plain numbers, with k/M/G past 10,000 and powers of ten on wide log axes.
function tick(v) {
  if (v === 0) return '0';
  var a = Math.abs(v);
  if (a >= 1e4) return si(v, '').trim();
  if (a < 1e-2) return v.toExponential(0);
  if (Number.isInteger(v)) return String(v);
  return sig(v);
}
/** The next round number (1, 2, 2.5, 5 × 10ⁿ) below (dir −1) or above (dir 1) v > 0. */
function nice(v, dir) {
  var p = Math.pow(10, Math.floor(Math.log10(v)));
  var steps = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
  if (dir > 0) { for (var i = 0; i < steps.length; i++) if (steps[i] * p >= v) return steps[i] * p; }
  for (var j = steps.length - 1; j >= 0; j--) if (steps[j] * p <= v) return steps[j] * p;
  return v;
}
function strategyStyle(name) { return STRATEGY[name] || { color: '#444', symbol: 'pin' }; }
