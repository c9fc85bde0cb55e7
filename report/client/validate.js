// Predicted against measured step times, and the error of each row.
function rowName(r) { return r.strategy + ' ×' + r.workers + ' · ' + (r.transport === 's3' ? 's3' + (r.sync ? ' ' + r.sync : '') : r.bandwidth === null ? 'memory' : si(r.bandwidth, 'B/s')); }
function validateSection() {
  var v = data.validate;
  var parent = figures('validate');
  var rows = v.rows.filter(function (r) { return r.predictedStepSeconds !== null; });
  var strategies = [];
  rows.forEach(function (r) { if (strategies.indexOf(r.strategy) < 0) strategies.push(r.strategy); });
  var vals = [];
  rows.forEach(function (r) { vals.push(r.predictedStepSeconds * 1e3, r.measuredStepSeconds * 1e3); });
  var lo = nice(Math.min.apply(null, vals) * 0.8, -1), hi = nice(Math.max.apply(null, vals) * 1.15, 1);
  var log = logAxisNeeded(vals);
  var series = [{ type: 'line', name: 'exact (predicted = measured)', data: [[lo, lo], [hi, hi]], symbol: 'none', z: 1, silent: true, lineStyle: { type: [6, 5], color: '#888', width: 1.4 }, itemStyle: { color: '#888' }, tooltip: { show: false } }];
  strategies.forEach(function (s) {
    var st = strategyStyle(s);
    var mine = rows.filter(function (r) { return r.strategy === s; });
    series.push({
      type: 'scatter', name: s, z: 3, symbol: st.symbol, symbolSize: 11, itemStyle: { color: st.color, borderColor: '#fff', borderWidth: 1 },
      data: mine.map(function (r) { return [r.predictedStepSeconds * 1e3, r.measuredStepSeconds * 1e3]; }),
      tooltip: { formatter: function (q) { var r = mine[q.dataIndex]; return '<b>' + rowName(r) + '</b><br>predicted ' + sig(q.value[0]) + ' ms<br>measured ' + sig(q.value[1]) + ' ms<br>error ' + pct(r.error); } },
    });
  });
  var axis = function (name, gap) { return axisName(name + (log ? ' (log scale)' : ''), { type: log ? 'log' : 'value', min: lo, max: hi, nameGap: gap }); };
  var pair = el('div', { class: 'pair' });
  parent.appendChild(pair);
  chart(pair, 'validate-scatter', 380, {
    aria: { enabled: true, decal: { show: false } },
    title: { text: 'Step time: predicted vs measured (' + v.backend + ')' },
    legend: { top: 22, left: 0 },
    tooltip: { trigger: 'item' },
    grid: { left: 70, right: 30, top: 66, bottom: 52 },
    xAxis: axis('predicted step time (ms)', 28),
    yAxis: axis('measured step time (ms)', 48),
    series: series,
  });
  var errs = rows.map(function (r) { return +(r.error * 100).toFixed(2); });
  var emax = nice(Math.max(5, Math.max.apply(null, errs.map(Math.abs))) * 1.2, 1);
  chart(pair, 'validate-error', Math.max(380, 90 + rows.length * 24), {
    title: { text: 'Error per row (predicted − measured) ÷ measured' },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: function (x) { return (x >= 0 ? '+' : '') + x + '%'; } },
    grid: { left: 150, right: 30, top: 40, bottom: 52 },
    xAxis: axisName('error (%)', { type: 'value', min: -emax, max: emax, interval: emax / 2, nameGap: 28, axisLabel: { color: INK, formatter: function (x) { return (x > 0 ? '+' : '') + x + '%'; } } }),
    yAxis: { type: 'category', data: rows.map(rowName), inverse: true, axisLabel: { color: INK, fontSize: 11 } },
    series: [{
      type: 'bar', name: 'error', data: errs.map(function (e, i) { return { value: e, itemStyle: { color: strategyStyle(rows[i].strategy).color } }; }), barMaxWidth: 16,
      label: { show: true, position: 'right', formatter: function (q) { return (q.value >= 0 ? '+' : '') + q.value.toFixed(1) + '%'; }, color: INK, fontSize: 11 },
    }],
  });
  // Columns a validation has where it has them: batches (a grid), bands (hardware with variability),
  // the machine's speed at each run (validate's probes).
  var has = function (k) { return v.rows.some(function (r) { return r[k] !== undefined && r[k] !== null; }); };
  var cols = [
    ['strategy', function (r) { return r.strategy; }],
    ['workers', function (r) { return r.workers; }],
  ].concat(has('batch') ? [['batch', function (r) { return r.batch; }]] : [], [
    ['network', function (r) { return r.transport === 's3' ? 's3' : r.bandwidth === null ? 'memory' : si(r.bandwidth, 'B/s'); }],
    ['sync', function (r) { return r.sync || ''; }],
  ], has('computeScale') ? [['machine', function (r) { return r.computeScale === undefined ? '' : '×' + r.computeScale.toFixed(2); }]] : [], [
    ['predicted (ms)', function (r) { return r.predictedStepSeconds === null ? 'infeasible: ' + (r.note || '') : sig(r.predictedStepSeconds * 1e3); }],
  ], has('predictedBand') ? [['p10–p90 predicted (ms)', function (r) { return r.predictedBand ? sig(r.predictedBand.p10Seconds * 1e3) + '–' + sig(r.predictedBand.p90Seconds * 1e3) : ''; }]] : [], [
    ['measured (ms)', function (r) { return sig(r.measuredStepSeconds * 1e3); }],
    ['error', function (r) { return r.error === null ? '' : pct(r.error); }],
  ], has('inBand') ? [['in band', function (r) { return r.inBand === undefined ? '' : r.inBand ? 'yes' : 'no'; }]] : []);
  var caption = v.model + ' on ' + v.hardware + '; median |error| ' + (v.medianAbsError === null ? 'n/a' : (v.medianAbsError * 100).toFixed(1) + '%') +
    (typeof v.inBandFraction === 'number' ? '; measured median inside the predicted p10–p90 band in ' + (v.inBandFraction * 100).toFixed(0) + '% of rows' : '') +
    (has('computeScale') ? '; machine: compute time during the run against the calibration\'s median, at which the run was simulated' : '');
  numbers(parent, cols.map(function (c) { return c[0]; }), v.rows.map(function (r) { return cols.map(function (c) { return c[1](r); }); }), caption, true);
}
