// The plan: each layer against each worker, and what the worker holds of it.
var PLACEMENT = {
  data: { name: 'replica (data parallel)', color: '#0072B2', text: function () { return 'all'; } },
  model: { name: '1/K shard (model parallel)', color: '#D55E00', text: function () { return '1/' + data.plan.workers; } },
  pipeline: { name: 'pipeline stage', color: '#E69F00', text: function (p) { return 'S' + p.stage; } },
};
var MAX_WORKER_ROWS = 16;
function planSection() {
  var p = data.plan;
  var layers = data.model.layers;
  var rows = Math.min(p.workers, MAX_WORKER_ROWS);
  var names = layers.map(function (l) { return l.name; });
  var workersAxis = [];
  for (var w = 0; w < rows; w++) workersAxis.push('worker ' + w);
  var byKind = { data: [], model: [], pipeline: [] };
  p.placement.forEach(function (pl, i) {
    for (var w = 0; w < rows; w++) if (pl.kind !== 'pipeline' || pl.stage === w) byKind[pl.kind].push([i, w]);
  });
  function cell(kind) {
    return function (params, api) {
      var i = api.value(0), w = api.value(1);
      var c = api.coord([i, w]);
      var size = api.size([1, 1]);
      var wpx = size[0] * 0.92, hpx = size[1] * 0.84;
      var pl = p.placement[i];
      return {
        type: 'group', children: [
          { type: 'rect', shape: { x: c[0] - wpx / 2, y: c[1] - hpx / 2, width: wpx, height: hpx, r: 2 }, style: api.style({ stroke: '#fff', lineWidth: 1 }) },
          wpx > 22 && hpx > 11 ? { type: 'text', style: { text: PLACEMENT[kind].text(pl), x: c[0], y: c[1], align: 'center', verticalAlign: 'middle', fill: '#fff', font: '600 11px sans-serif' } } : null,
        ].filter(Boolean),
      };
    };
  }
  var series = Object.keys(byKind).filter(function (k) { return byKind[k].length; }).map(function (k) {
    return {
      type: 'custom', name: PLACEMENT[k].name, xAxisIndex: 1, yAxisIndex: 2, data: byKind[k], renderItem: cell(k), itemStyle: { color: PLACEMENT[k].color },
      encode: { x: 0, y: 1 },
      tooltip: { formatter: function (q) { var l = layers[q.value[0]]; return '<b>' + l.name + '</b> (' + l.type + ') on worker ' + q.value[1] + '<br>' + p.placement[q.value[0]].detail + '<br>' + si(l.parameters, 'parameters') + ', ' + si(l.forwardFlops, 'FLOP') + ' forward per sample'; } },
    };
  });
  series.unshift(
    { type: 'bar', name: 'forward GFLOP per sample', xAxisIndex: 0, yAxisIndex: 0, data: layers.map(function (l) { return l.forwardFlops / 1e9; }), itemStyle: { color: '#777' }, barGap: '10%', tooltip: { valueFormatter: function (v) { return sig(v) + ' GFLOP'; } } },
    { type: 'bar', name: 'parameters (millions)', xAxisIndex: 0, yAxisIndex: 1, data: layers.map(function (l) { return l.parameters / 1e6; }), itemStyle: { color: '#bbb', borderColor: '#555', borderWidth: 1 }, tooltip: { valueFormatter: function (v) { return sig(v) + ' M'; } } }
  );
  var cellH = rows > 8 ? 18 : 26;
  var rotate = names.length > 14 ? 45 : 0;
  var topH = 110;
  var height = 70 + topH + 30 + rows * cellH + (rotate ? 90 : 56);
  chart(figures('plan'), 'plan', height, {
    // The cells say what they hold in words (all, 1/K, S<k>); patterns would only clutter them.
    aria: { enabled: true, decal: { show: false } },
    title: { text: p.description },
    legend: { top: 22, left: 0, itemGap: 14 },
    tooltip: { trigger: 'item' },
    grid: [{ left: 90, right: 70, top: 70, height: topH }, { left: 90, right: 70, top: 70 + topH + 30, height: rows * cellH }],
    xAxis: [
      { type: 'category', data: names, gridIndex: 0, axisLabel: { show: false }, axisTick: { alignWithLabel: true } },
      { type: 'category', data: names, gridIndex: 1, position: 'bottom', axisLabel: { interval: names.length > 30 ? 'auto' : 0, rotate: rotate, color: INK, fontSize: 11 }, name: 'layer (model order)', nameLocation: 'middle', nameGap: rotate ? 60 : 28, axisTick: { alignWithLabel: true } },
    ],
    yAxis: [
      axisName('GFLOP / sample', { type: 'value', gridIndex: 0, nameGap: 50, nameRotate: 90, splitNumber: 3 }),
      axisName('params (M)', { type: 'value', gridIndex: 0, nameGap: 45, nameRotate: 90, splitNumber: 3, position: 'right', splitLine: { show: false } }),
      { type: 'category', gridIndex: 1, data: workersAxis, inverse: true, axisLabel: { color: INK, fontSize: 11 }, axisTick: { show: false } },
    ],
    series: series,
  });
  var note = p.workers > rows ? ' (the first ' + rows + ' of ' + p.workers + ' workers drawn; the others hold the same)' : '';
  if (note) figures('plan').appendChild(el('p', { class: 'muted' }, [note]));
  numbers(figures('plan'), ['layer', 'type', 'parameters', 'forward FLOP / sample', 'placement'], layers.map(function (l, i) { return [l.name, l.type, si(l.parameters, ''), si(l.forwardFlops, 'FLOP'), p.placement[i].detail]; }));
}
