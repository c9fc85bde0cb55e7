// One step's tasks as boxes on worker, communication and link tracks (canvas: thousands of boxes).
var CATEGORY = {
  forward: { color: '#0072B2', pattern: null, name: 'forward' },
  backward: { color: '#56B4E9', pattern: 'diagonal', name: 'backward' },
  update: { color: '#009E73', pattern: 'dots', name: 'weight update' },
  comm: { color: '#D55E00', pattern: 'cross', name: 'communication' },
  sync: { color: '#CC79A7', pattern: 'vertical', name: 'synchronisation wait' },
};
/** A fill pattern so categories differ by texture as well as colour (and in grey print). */
function patternFill(color, kind) {
  if (!kind) return color;
  var c = document.createElement('canvas');
  c.width = 8; c.height = 8;
  var g = c.getContext('2d');
  g.fillStyle = color; g.fillRect(0, 0, 8, 8);
  g.strokeStyle = 'rgba(0,0,0,0.55)'; g.fillStyle = 'rgba(0,0,0,0.55)'; g.lineWidth = 1.2;
  g.beginPath();
  if (kind === 'diagonal') { g.moveTo(0, 8); g.lineTo(8, 0); g.moveTo(-2, 2); g.lineTo(2, -2); g.moveTo(6, 10); g.lineTo(10, 6); g.stroke(); }
  else if (kind === 'cross') { g.moveTo(0, 0); g.lineTo(8, 8); g.moveTo(8, 0); g.lineTo(0, 8); g.stroke(); }
  else if (kind === 'vertical') { g.moveTo(4, 0); g.lineTo(4, 8); g.stroke(); }
  else if (kind === 'dots') { g.fillRect(3, 3, 2, 2); }
  return { image: c, repeat: 'repeat' };
}
function timelineSection() {
  var t = data.timeline;
  var parent = figures('timeline');
  var byCat = t.categories.map(function () { return []; });
  for (var i = 0; i < t.track.length; i++) byCat[t.category[i]].push([t.track[i], t.start[i] * 1e3, t.end[i] * 1e3, t.label[i], i]);
  var series = [];
  t.categories.forEach(function (cat, k) {
    if (!byCat[k].length) return;
    var style = CATEGORY[cat] || { color: '#444', name: cat };
    var fill = patternFill(style.color, style.pattern);
    series.push({
      type: 'custom', name: style.name, data: byCat[k], encode: { x: [1, 2], y: 0 }, itemStyle: { color: style.color },
      progressive: 5000,
      renderItem: function (params, api) {
        var track = api.value(0);
        var a = api.coord([api.value(1), track]);
        var b = api.coord([api.value(2), track]);
        var h = api.size([0, 1])[1] * 0.72;
        var cs = params.coordSys;
        var r = echarts.graphic.clipRectByRect({ x: a[0], y: a[1] - h / 2, width: Math.max(b[0] - a[0], 0.6), height: h }, { x: cs.x, y: cs.y, width: cs.width, height: cs.height });
        // Slivers are filled plainly: a pattern cannot show in them, and plain fills draw faster.
        if (!r) return null;
        var wide = r.width > 4;
        return { type: 'rect', transition: [], shape: r, style: { fill: wide ? fill : style.color, stroke: wide ? 'rgba(0,0,0,0.35)' : null, lineWidth: 0.5 } };
      },
      tooltip: {
        formatter: function (q) {
          var v = q.value;
          return '<b>' + t.labels[v[3]] + '</b><br>' + t.tracks[v[0]] + ' · ' + style.name + '<br>' + sig(v[1]) + ' – ' + sig(v[2]) + ' ms (' + sig(v[2] - v[1]) + ' ms)';
        },
      },
    });
  });
  if (series.length)
    series[0].markArea = {
      silent: true, itemStyle: { color: 'rgba(0,0,0,0.06)' }, label: { show: false },
      data: [[{ xAxis: t.window[0] * 1e3 }, { xAxis: t.window[1] * 1e3 }]],
    };
  var trackH = t.tracks.length > 40 ? 14 : 20;
  var plotH = t.tracks.length * trackH;
  var pad = (t.window[1] - t.window[0]) * 1e3 * 0.03;
  var end = 0;
  for (var j = 0; j < t.end.length; j++) if (t.end[j] > end) end = t.end[j];
  var c = chart(parent, 'timeline', plotH + 150, {
    title: { text: 'Step timeline: ' + t.steps + ' simulated steps, ' + t.workersShown + (t.workersShown < t.workers ? ' of ' + t.workers : '') + (t.workers === 1 ? ' worker, ' : ' workers, ') + (t.planWorkers > t.workers ? '(symmetric plan: worker 0 stands for all ' + t.planWorkers + ') ' : '') + t.track.length.toLocaleString('en-US') + ' boxes; the measured step (shaded) runs ' + sig(t.window[0] * 1e3) + '–' + sig(t.window[1] * 1e3) + ' ms' },
    legend: { top: 22, left: 0 },
    tooltip: { trigger: 'item' },
    grid: { left: 210, right: 30, top: 60, height: plotH },
    dataZoom: [
      { type: 'inside', xAxisIndex: 0, filterMode: 'weakFilter', startValue: Math.max(0, t.window[0] * 1e3 - pad), endValue: t.window[1] * 1e3 + pad },
      { type: 'slider', xAxisIndex: 0, filterMode: 'weakFilter', height: 18, bottom: 14, labelFormatter: function (v) { return sig(v) + ' ms'; } },
    ],
    xAxis: axisName('time since the first step started (ms)', { type: 'value', min: 0, max: end * 1e3, nameGap: 26, position: 'bottom', axisLabel: { color: INK, formatter: tick, showMinLabel: false, showMaxLabel: false } }),
    yAxis: { type: 'category', data: t.tracks, inverse: true, axisLabel: { color: INK, fontSize: 11, interval: 0 }, axisTick: { show: false }, splitLine: { show: true, lineStyle: { color: '#f0f0f0' } } },
    series: series,
  }, 'canvas');
  var tools = el('p', { class: 'tools' });
  var reset = el('button', { type: 'button' }, ['Show all steps']);
  reset.addEventListener('click', function () { c.dispatchAction({ type: 'dataZoom', start: 0, end: 100 }); });
  var step = el('button', { type: 'button' }, ['Show the measured step']);
  step.addEventListener('click', function () { c.dispatchAction({ type: 'dataZoom', startValue: Math.max(0, t.window[0] * 1e3 - pad), endValue: t.window[1] * 1e3 + pad }); });
  tools.appendChild(step); tools.appendChild(reset);
  if (t.traceGzipBase64) {
    var a = el('a', { class: 'button', href: '#', download: data.model.name + '-trace.json.gz' }, ['Download the Perfetto trace']);
    a.addEventListener('click', function () {
      var bin = atob(t.traceGzipBase64);
      var bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      a.href = URL.createObjectURL(new Blob([bytes], { type: 'application/gzip' }));
    });
    tools.appendChild(a);
    tools.appendChild(el('span', { class: 'muted' }, [' (Chrome trace format; open it in ui.perfetto.dev, which reads .json.gz)']));
  }
  parent.insertBefore(tools, parent.firstChild);
}
