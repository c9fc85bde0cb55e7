// The tuner's time/cost frontier, the chosen plan and each family's best.
function frontierSection() {
  var f = data.frontier;
  var dollars = f.costUnit === 'dollars';
  // Per 1,000 samples keeps the numbers readable (a sample costs micro-dollars).
  var costName = dollars ? 'cost per 1,000 samples ($)' : 'worker-seconds per 1,000 samples';
  var pt = function (p) { return [p.secondsPerSample * 1e3, p.costPerSample * 1e3]; };
  var frontier = f.frontier.slice().sort(function (a, b) { return a.secondsPerSample - b.secondsPerSample; });
  var series = [{
    type: 'line', name: 'frontier (' + frontier.length + ' plans)', data: frontier.map(pt), step: 'end', symbol: 'circle', symbolSize: 7, z: 2,
    itemStyle: { color: '#555' }, lineStyle: { color: '#555', width: 1.5, type: [4, 3] },
    tooltip: { formatter: function (q) { var p = frontier[q.dataIndex]; return '<b>' + p.description + '</b><br>' + sig(q.value[0]) + ' ms per sample<br>' + sig(q.value[1]) + ' ' + costName; } },
  }];
  f.families.forEach(function (p) {
    var st = strategyStyle(p.family);
    series.push({
      type: 'scatter', name: 'best ' + p.family, data: [pt(p)], symbol: st.symbol, symbolSize: 13, z: 6, itemStyle: { color: st.color, borderColor: '#fff', borderWidth: 1 },
      label: { show: true, position: 'right', distance: 8, formatter: p.family + (p.slowdown ? ': ' + sig(p.slowdown) + '× slower' : ''), color: INK, fontSize: 11 }, labelLayout: { moveOverlap: 'shiftY' },
      tooltip: { formatter: function () { return '<b>best ' + p.family + '</b>: ' + p.description + '<br>' + sig(p.secondsPerSample * 1e3) + ' ms per sample<br>loses because: ' + (p.why || '—'); } },
    });
  });
  series.push({
    type: 'scatter', name: 'chosen plan', data: [pt(f.chosen)], symbol: STAR, symbolSize: 28, z: 4, itemStyle: { color: '#000', borderColor: '#fff', borderWidth: 1 },
    label: { show: true, position: 'top', distance: 10, formatter: 'chosen: ' + f.chosen.family, fontWeight: 700, color: INK }, labelLayout: { moveOverlap: 'shiftY' },
    tooltip: { formatter: function () { return '<b>chosen</b>: ' + f.chosen.description + '<br>' + sig(f.chosen.secondsPerSample * 1e3) + ' ms per sample'; } },
  });
  var all = frontier.concat(f.families, [f.chosen]);
  var xs = all.map(function (p) { return p.secondsPerSample * 1e3; }), ys = all.map(function (p) { return p.costPerSample * 1e3; });
  var logX = logAxisNeeded(xs), logY = logAxisNeeded(ys);
  chart(figures('frontier'), 'frontier', 420, {
    aria: { enabled: true, decal: { show: false } },
    title: { text: 'Time against cost per sample (objective: ' + f.objective + ')' },
    legend: { top: 22, left: 0 },
    tooltip: { trigger: 'item' },
    grid: { left: 80, right: 150, top: 66, bottom: 52 },
    xAxis: axisName('time per sample (ms)' + (logX ? ' (log scale)' : ''), { type: logX ? 'log' : 'value', min: logX ? undefined : 0, nameGap: 28 }),
    yAxis: axisName(costName + (logY ? ' (log scale)' : ''), { type: logY ? 'log' : 'value', min: logY ? undefined : 0, nameGap: 56 }),
    series: series,
  });
  var rows = f.families.map(function (p) { return [p.family, p.description, p.slowdown ? sig(p.slowdown) + '× slower' : '', p.why]; });
  f.infeasibleFamilies.forEach(function (p) { rows.push([p.family, '—', 'infeasible', p.why]); });
  var parent = figures('frontier');
  parent.appendChild(table(['family', 'its best plan', 'against the chosen', 'why it loses'], rows, 'The chosen plan: ' + f.chosen.description));
}
