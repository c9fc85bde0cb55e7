// Speedup and efficiency over workers, and speedup over a swept property of the hardware.
/** p10–p90 of speedup from a band of step times: a shorter step is a larger speedup. */
function bandSeries(s, y, fx) {
  var pts = s.points.filter(function (p) { return p.band; });
  if (!pts.length) return [];
  var lo = pts.map(function (p) { return [fx(p.x), y(p) * p.stepTimeSeconds / p.band.p90Seconds]; });
  var hi = pts.map(function (p) { return [fx(p.x), y(p) * p.stepTimeSeconds / p.band.p10Seconds]; });
  var st = strategyStyle(s.name);
  // A polygon: up along p90's speedups, back along p10's.
  var poly = hi.concat(lo.slice().reverse());
  return [{
    type: 'custom', name: s.name + ' p10–p90', data: [0], silent: true, z: 1,
    renderItem: function (params, api) {
      return { type: 'polygon', shape: { points: poly.map(function (q) { return api.coord(q); }) }, style: { fill: st.color, opacity: 0.16, stroke: st.color, lineWidth: 0.5, lineDash: [2, 2] } };
    },
    itemStyle: { color: st.color },
    encode: { x: -1, y: -1 },
    tooltip: { show: false },
  }];
}
function lineSeries(s, y, fx) {
  var st = strategyStyle(s.name);
  return {
    type: 'line', name: s.name, data: s.points.map(function (p) { return [fx(p.x), y(p)]; }), z: 3,
    symbol: st.symbol, symbolSize: 9, itemStyle: { color: st.color, borderColor: '#fff', borderWidth: 1 }, lineStyle: { width: 2.2, color: st.color },
    endLabel: { show: true, formatter: s.name, color: st.color, fontWeight: 600, distance: 6 }, labelLayout: { moveOverlap: 'shiftY' },
    emphasis: { focus: 'series' },
  };
}
/**
 * How x is drawn: counts (workers, batch) that double along the sweep on a log-2 scale with a
 * tick at every power of two (ECharts' own log axis would label only a few), densities and
 * bandwidths spanning decades on a log-10 axis.
 */
function xScale(c, xs) {
  var span = Math.max.apply(null, xs) / Math.min.apply(null, xs);
  if ((c.axis === 'workers' || c.axis === 'batch') && span > 4) {
    var lo = Math.floor(Math.log2(Math.min.apply(null, xs))), hi = Math.ceil(Math.log2(Math.max.apply(null, xs)));
    var every = Math.max(1, Math.ceil((hi - lo) / 11));
    var label = function (v) { return Number.isInteger(v) ? tick(Math.pow(2, v)) : ''; };
    return {
      f: Math.log2,
      axis: axisName(c.axisLabel + ' (log scale)', { type: 'value', min: lo, max: hi, interval: every, nameGap: 28, axisLabel: { color: INK, formatter: label }, axisPointer: { label: { formatter: function (q) { return tick(+Math.pow(2, q.value).toPrecision(4)); } } } }),
    };
  }
  var ident = function (x) { return x; };
  if (logAxisNeeded(xs))
    return { f: ident, axis: axisName(c.axisLabel + ' (log scale)', { type: 'log', logBase: 10, min: Math.min.apply(null, xs), max: Math.max.apply(null, xs), nameGap: 28, minorTick: { show: true }, axisLabel: { color: INK, formatter: function (v) { return tick(v); } } }) };
  return { f: ident, axis: axisName(c.axisLabel, { type: 'value', min: 'dataMin', max: 'dataMax', nameGap: 28 }) };
}
/**
 * Line-end labels that would overlap are pushed apart vertically (ECharts does not move end
 * labels): `plotPx` is the plot's height, the y axis starts at 0.
 */
function spreadEndLabels(series, plotPx, yMax, yLog) {
  var ends = series.filter(function (s) { return s.type === 'line' && s.endLabel && s.data.length; }).map(function (s) { return { s: s, y: s.data[s.data.length - 1][1] }; });
  var top = 0;
  series.forEach(function (s) { if (s.type === 'line') s.data.forEach(function (d) { top = Math.max(top, d[1]); }); });
  if (typeof yMax === 'function') top = yMax({ max: top });
  if (!(top > 0)) return;
  var bottom = Infinity;
  series.forEach(function (s) { if (s.type === 'line') s.data.forEach(function (d) { bottom = Math.min(bottom, d[1]); }); });
  var px = yLog
    ? function (y) { return ((Math.log10(y) - Math.log10(bottom)) / (Math.log10(top) - Math.log10(bottom) || 1)) * plotPx; }
    : function (y) { return (y / top) * plotPx; };
  ends.sort(function (a, b) { return b.y - a.y; });
  var prev = Infinity;
  ends.forEach(function (e) {
    var at = Math.min(px(e.y), prev - 14);
    e.s.endLabel.offset = [0, px(e.y) - at];
    prev = at;
  });
}
function curveChart(parent, name, c, title, yName, y, ideal, marker, yMax, yLogAllowed) {
  var xs = [];
  c.strategies.forEach(function (s) { s.points.forEach(function (p) { xs.push(p.x); }); });
  if (!xs.length) return;
  var xsc = xScale(c, xs);
  var distinct = xs.filter(function (x, i) { return xs.indexOf(x) === i; }).sort(function (a, b) { return a - b; });
  var series = [];
  // The ideal first and underneath, thin and grey, so the data is never hidden under it; one
  // point per x, so it is drawn right on a log axis too.
  if (ideal) series.push({ type: 'line', name: 'ideal', data: distinct.map(function (x) { return [xsc.f(x), ideal(x)]; }), symbol: 'none', z: 1, lineStyle: { type: [6, 5], color: '#888', width: 1.4 }, itemStyle: { color: '#888' }, tooltip: { show: false }, silent: true, endLabel: { show: true, formatter: 'ideal', color: '#666' } });
  c.strategies.forEach(function (s) { series = series.concat(bandSeries(s, y, xsc.f)); });
  c.strategies.forEach(function (s) { if (s.points.length) series.push(lineSeries(s, y, xsc.f)); });
  if (marker && c.hardwareX !== undefined && c.hardwareX >= Math.min.apply(null, xs) && c.hardwareX <= Math.max.apply(null, xs)) {
    var target = series[series.length - 1];
    target.markLine = { silent: true, symbol: 'none', lineStyle: { color: '#333', type: 'solid', width: 1 }, label: { formatter: marker, position: 'end', color: '#333', fontWeight: 600 }, data: [{ xAxis: xsc.f(c.hardwareX) }] };
  }
  var ys = [];
  series.forEach(function (s) { if (s.type === 'line') s.data.forEach(function (d) { ys.push(d[1]); }); });
  var yLog = !!yLogAllowed && logAxisNeeded(ys) && ys.every(function (v) { return v > 0; });
  spreadEndLabels(series, 360 - 84 - 52, yMax, yLog);
  var banded = series.some(function (s) { return /p10–p90$/.test(s.name); });
  chart(parent, name, 360, {
    title: { text: title + (banded ? ' (shaded: p10–p90 of the predicted step time)' : '') },
    legend: { top: 22, left: 0, data: series.filter(function (s) { return !/p10–p90$/.test(s.name); }).map(function (s) { return s.name; }) },
    tooltip: { trigger: 'axis', valueFormatter: function (v) { return sig(v); } },
    grid: { left: 70, right: 90, top: 84, bottom: 52 },
    xAxis: xsc.axis,
    yAxis: axisName(yName + (yLog ? ' (log scale)' : ''), yLog ? { type: 'log', nameGap: 46, minorTick: { show: true } } : { type: 'value', nameGap: 46, min: 0, max: yMax }),
    series: series,
  });
}
function curveTable(parent, c) {
  var rows = [];
  c.strategies.forEach(function (s) {
    s.points.forEach(function (p) { rows.push([s.name, tick(p.x), sig(p.speedup) + '×', (p.efficiency * 100).toFixed(0) + '%', sig(p.stepTimeSeconds * 1e3), p.band ? sig(p.band.p10Seconds * 1e3) + '–' + sig(p.band.p90Seconds * 1e3) : '']); });
    s.infeasible.forEach(function (q) { rows.push([s.name, tick(q.x), 'infeasible', '', '', q.reason]); });
  });
  numbers(parent, ['strategy', c.axisLabel, 'speedup', 'efficiency', 'step (ms)', 'p10–p90 step (ms) / note'], rows);
}
function scalingSection() {
  var c = data.scaling;
  var row = el('div', { class: 'pair' });
  figures('scaling').appendChild(row);
  var hwMark = data.hardware ? 'this hardware: ' + data.hardware.workers + ' workers' : null;
  curveChart(row, 'speedup', c, 'Speedup vs workers', 'speedup over 1 worker (×)', function (p) { return p.speedup; }, function (x) { return x; }, hwMark, undefined, true);
  curveChart(row, 'efficiency', c, 'Efficiency vs workers', 'efficiency (speedup ÷ workers)', function (p) { return p.efficiency; }, function () { return 1; }, null, function (v) { return Math.max(1.2, Math.ceil(v.max * 5) / 5); });
  curveTable(figures('scaling'), c);
}
function sweepSection() {
  var c = data.sweep;
  var where = c.hardwareX === undefined ? null : 'this hardware: ' + (c.axis === 'bandwidth' ? si(c.hardwareX, 'B/s') : c.axis === 'density' ? sig(c.hardwareX) + ' FLOP/B' : tick(c.hardwareX));
  var ideal = c.axis === 'workers' ? function (x) { return x; } : c.workers ? function () { return c.workers; } : null;
  curveChart(figures('sweep'), 'sweep', c, 'Speedup vs ' + c.axisLabel.replace(/ \(.*\)$/, '') + (c.workers ? ' (' + c.workers + ' workers)' : ''), 'speedup over 1 worker (×)', function (p) { return p.speedup; }, ideal, where, undefined, true);
  curveTable(figures('sweep'), c);
}
