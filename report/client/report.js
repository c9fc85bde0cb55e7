// Draws a trainplan report from the JSON in #report-data with ECharts (inlined before this
// script). Plain browser JavaScript, no network. Every chart is readable without colour: series
// differ by marker, dash or fill pattern as well, and carry labels; every axis names its unit.
// Tests read window.__report (the data, the chart instances, and `ready`).
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var charts = {};
  window.__report = { data: data, charts: charts, ready: false, errors: [], timings: {} };

  // Okabe & Ito's palette: distinguishable with the common colour-vision deficiencies.
  var STRATEGY = {
    data: { color: '#0072B2', symbol: 'circle' },
    model: { color: '#D55E00', symbol: 'triangle' },
    hybrid: { color: '#009E73', symbol: 'diamond' },
    pipeline: { color: '#E69F00', symbol: 'rect' },
    single: { color: '#666666', symbol: 'roundRect' },
  };
  var STAR = 'path://M50 0 L61 35 L98 35 L68 57 L79 91 L50 70 L21 91 L32 57 L2 35 L39 35 Z';
  var INK = '#222';
  var GRID_LINE = '#e4e4e4';

  // ---- numbers with units -------------------------------------------------------------
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

  // ---- DOM helpers --------------------------------------------------------------------
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== undefined) e.setAttribute(k, attrs[k]);
    (children || []).forEach(function (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function figures(id) { return document.getElementById(id + '-figures'); }
  function table(head, rows, caption) {
    var t = el('table', {}, [caption ? el('caption', {}, [caption]) : null].filter(Boolean));
    t.appendChild(el('thead', {}, [el('tr', {}, head.map(function (h) { return el('th', { scope: 'col' }, [h]); }))]));
    t.appendChild(el('tbody', {}, rows.map(function (r) { return el('tr', {}, r.map(function (c) { return el('td', {}, [String(c)]); })); })));
    return t;
  }
  function numbers(parent, head, rows, caption, open) {
    var d = el('details', open ? { open: '' } : {}, [el('summary', {}, ['Numbers']), table(head, rows, caption)]);
    parent.appendChild(d);
  }

  /** A chart in its own box: `name` is what tests and screen readers know it by. */
  function chart(parent, name, height, option, renderer) {
    var box = el('div', { class: 'chart', 'data-chart': name, role: 'img', 'aria-label': option.title && option.title.text ? option.title.text : name, style: 'height:' + height + 'px' });
    parent.appendChild(box);
    var c = echarts.init(box, null, { renderer: renderer || 'svg' });
    var base = {
      animation: false,
      aria: { enabled: true, decal: { show: true } },
      textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif', color: INK },
      title: { left: 0, top: 0, textStyle: { fontSize: 14, fontWeight: 600 } },
      tooltip: { confine: true, backgroundColor: '#fff', borderColor: '#999', textStyle: { color: INK, fontSize: 12 } },
    };
    c.setOption(Object.assign(base, option, { title: Object.assign(base.title, option.title || {}) }));
    charts[name] = c;
    return c;
  }
  function axisName(name, extra) {
    return Object.assign({ name: name, nameLocation: 'middle', nameTextStyle: { fontSize: 12, color: INK }, axisLine: { lineStyle: { color: '#555' } }, axisTick: { lineStyle: { color: '#555' } }, axisLabel: { color: INK, formatter: tick }, splitLine: { lineStyle: { color: GRID_LINE } } }, extra || {});
  }
  function logAxisNeeded(values) {
    var pos = values.filter(function (v) { return v > 0; });
    if (!pos.length) return false;
    return Math.max.apply(null, pos) / Math.min.apply(null, pos) > 20;
  }

  // ---- header -------------------------------------------------------------------------
  function summary() {
    var s = document.getElementById('summary');
    var items = [];
    if (data.plan) s.appendChild(el('p', { class: 'plan-line' }, ['Plan: ', el('strong', {}, [data.plan.description])]));
    if (data.hardware) {
      var h = data.hardware;
      s.appendChild(el('p', { class: 'muted' }, [h.workers + ' × ' + h.device + ' (' + si(h.peakFlops, 'FLOP/s') + ', ' + gb(h.deviceMemoryBytes) + '), network ' + si(h.networkBytesPerSecond, 'B/s') + ' per worker: compute density ' + sig(h.density) + ' FLOP/s per byte/s']));
    }
    var m = data.summary;
    if (m) {
      items.push(['step time', ms(m.stepTimeSeconds) + (m.band ? ' (p10–p90 ' + ms(m.band.p10Seconds) + '–' + ms(m.band.p90Seconds) + ')' : '')]);
      items.push(['throughput', sig(m.samplesPerSecond) + ' samples/s']);
      items.push(['speedup', sig(m.speedup) + '×']);
      items.push(['efficiency', (m.efficiency * 100).toFixed(0) + '%']);
      if (m.bytesPerStep > 0) items.push(['network per step', si(m.bytesPerStep, 'B')]);
      if (m.dollarsPerEpoch !== undefined) items.push(['cost per epoch', '$' + sig(m.dollarsPerEpoch)]);
    }
    if (data.validate) {
      var v = data.validate;
      items.push(['validation rows', String(v.rows.length)]);
      items.push(['median |error|', v.medianAbsError === null ? 'n/a' : (v.medianAbsError * 100).toFixed(1) + '%']);
      items.push(['backend', v.backend]);
    }
    if (items.length) s.appendChild(el('dl', { class: 'kpis' }, items.map(function (kv) { return el('div', {}, [el('dt', {}, [kv[0]]), el('dd', {}, [kv[1]])]); })));
  }

  // ---- the plan -----------------------------------------------------------------------
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

  // ---- the timeline -------------------------------------------------------------------
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

  // ---- step breakdown -----------------------------------------------------------------
  function planLabel(p) { return (p.chosen ? '★ ' : '') + p.name + '\n' + p.samplesPerStep.toLocaleString('en-US') + ' samples per step'; }
  function breakdownSection() {
    var plans = data.plans.filter(function (p) { return p.breakdown; });
    var names = plans.map(planLabel);
    var get = function (f) { return plans.map(function (p) { return +(f(p) * 1e3).toPrecision(4); }); };
    var isPipe = function (p) { return p.family === 'pipeline'; };
    var parts = [
      { name: 'compute', stack: 'step', color: '#0072B2', v: get(function (p) { return p.breakdown.computeSeconds; }) },
      { name: 'exposed communication', stack: 'step', color: '#D55E00', v: get(function (p) { return p.breakdown.exposedCommunicationSeconds; }) },
      { name: 'idle', stack: 'step', color: '#BBBBBB', v: get(function (p) { return isPipe(p) ? 0 : p.breakdown.idleSeconds; }) },
      { name: 'pipeline bubbles', stack: 'step', color: '#E69F00', v: get(function (p) { return isPipe(p) ? p.breakdown.idleSeconds : 0; }) },
      { name: 'hidden communication (under compute)', stack: 'hidden', color: '#CC79A7', v: get(function (p) { return p.breakdown.hiddenCommunicationSeconds; }) },
    ].filter(function (s) { return s.v.some(function (x) { return x > 0; }); });
    var max = Math.max.apply(null, plans.map(function (p) { return p.stepTimeSeconds * 1e3; }));
    chart(figures('breakdown'), 'breakdown', 110 + plans.length * 66, {
      title: { text: 'Average worker\'s step, per plan' },
      legend: { top: 22, left: 0 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: function (v) { return sig(v) + ' ms'; } },
      grid: { left: 190, right: 40, top: 64, bottom: 44 },
      xAxis: axisName('time per step (ms)', { type: 'value', nameGap: 26 }),
      yAxis: { type: 'category', data: names, inverse: true, axisLabel: { color: INK, fontSize: 12, width: 180, overflow: 'truncate', lineHeight: 16 } },
      series: parts.map(function (s) {
        return {
          type: 'bar', name: s.name, stack: s.stack, data: s.v, itemStyle: { color: s.color, borderColor: '#fff', borderWidth: 0.5 }, barMaxWidth: 22,
          label: { show: true, position: 'inside', color: '#fff', fontSize: 10, formatter: function (q) { return q.value > max * 0.07 ? sig(q.value, 2) : ''; } },
        };
      }),
    });
    numbers(figures('breakdown'), ['plan', 'samples per step', 'step (ms)', 'compute', 'exposed comm.', 'hidden comm.', 'idle / bubbles'], plans.map(function (p) {
      var b = p.breakdown;
      return [(p.chosen ? '★ ' : '') + p.name + ': ' + p.description, p.samplesPerStep, sig(p.stepTimeSeconds * 1e3), sig(b.computeSeconds * 1e3), sig(b.exposedCommunicationSeconds * 1e3), sig(b.hiddenCommunicationSeconds * 1e3), sig(b.idleSeconds * 1e3)];
    }), 'milliseconds per step, averaged over workers');
    var infeasible = data.plans.filter(function (p) { return !p.feasible; });
    if (infeasible.length) figures('breakdown').appendChild(el('ul', { class: 'muted' }, infeasible.map(function (p) { return el('li', {}, [p.name + ': infeasible — ' + p.reason]); })));
  }

  // ---- speedup curves -----------------------------------------------------------------
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

  // ---- frontier -----------------------------------------------------------------------
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

  // ---- memory -------------------------------------------------------------------------
  function memorySection() {
    var plans = data.plans;
    var cap = plans[0].memory.capacityBytes;
    var parts = [['weights', 'weightsBytes', '#0072B2'], ['gradients', 'gradientsBytes', '#56B4E9'], ['optimizer state', 'optimizerBytes', '#009E73'], ['activations', 'activationsBytes', '#E69F00']];
    var max = Math.max(cap, Math.max.apply(null, plans.map(function (p) { return p.memory.totalBytes; })));
    var series = parts.map(function (q) {
      return { type: 'bar', name: q[0], stack: 'memory', data: plans.map(function (p) { return +(p.memory[q[1]] / 1e9).toPrecision(4); }), itemStyle: { color: q[2], borderColor: '#fff', borderWidth: 0.5 }, barMaxWidth: 22 };
    });
    series[series.length - 1].markLine = {
      silent: true, symbol: 'none', lineStyle: { color: '#000', type: 'solid', width: 1.5 },
      label: { formatter: 'device memory ' + gb(cap), position: 'start', color: INK, fontWeight: 600 }, data: [{ xAxis: cap / 1e9 }],
    };
    chart(figures('memory'), 'memory', 120 + plans.length * 58, {
      title: { text: 'Peak memory of one worker' + (data.hardware ? ' (' + data.hardware.device + ')' : '') },
      legend: { top: 22, left: 0 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: function (v) { return sig(v) + ' GB'; } },
      grid: { left: 190, right: 40, top: 84, bottom: 44 },
      xAxis: axisName('memory per worker (GB)', { type: 'value', max: nice(max * 1.08 / 1e9, 1), nameGap: 26 }),
      yAxis: { type: 'category', data: plans.map(planLabel), inverse: true, axisLabel: { color: INK, width: 180, overflow: 'truncate', lineHeight: 16 } },
      series: series,
    });
    numbers(figures('memory'), ['plan', 'weights', 'gradients', 'optimizer', 'activations', 'total', 'fits'], plans.map(function (p) {
      var m = p.memory;
      return [(p.chosen ? '★ ' : '') + p.name, gb(m.weightsBytes), gb(m.gradientsBytes), gb(m.optimizerBytes), gb(m.activationsBytes), gb(m.totalBytes), m.fits ? 'yes' : 'no'];
    }), 'gigabytes per worker; device memory ' + gb(cap));
  }

  // ---- validate -----------------------------------------------------------------------
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
    numbers(parent, ['strategy', 'workers', 'network', 'sync', 'predicted (ms)', 'measured (ms)', 'error'], v.rows.map(function (r) {
      return [r.strategy, r.workers, r.transport === 's3' ? 's3' : r.bandwidth === null ? 'memory' : si(r.bandwidth, 'B/s'), r.sync || '', r.predictedStepSeconds === null ? 'infeasible: ' + (r.note || '') : sig(r.predictedStepSeconds * 1e3), sig(r.measuredStepSeconds * 1e3), r.error === null ? '' : pct(r.error)];
    }), v.model + ' on ' + v.hardware + '; median |error| ' + (v.medianAbsError === null ? 'n/a' : (v.medianAbsError * 100).toFixed(1) + '%'), true);
  }

  var DRAW = { plan: planSection, timeline: timelineSection, breakdown: breakdownSection, scaling: scalingSection, sweep: sweepSection, frontier: frontierSection, memory: memorySection, validate: validateSection };
  summary();
  Array.prototype.forEach.call(document.querySelectorAll('section[data-section]'), function (s) {
    var id = s.getAttribute('data-section');
    var t0 = performance.now();
    try { DRAW[id](); window.__report.timings[id] = Math.round(performance.now() - t0); } catch (e) {
      window.__report.errors.push(id + ': ' + e.message);
      s.appendChild(el('p', { class: 'error' }, ['This section could not be drawn: ' + e.message]));
      console.error('section ' + id + ': ' + (e && e.stack ? e.stack : e));
    }
  });
  function resizeAll() { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); }
  window.addEventListener('resize', resizeAll);
  // Printing: open the tables and fit the charts to the page's width.
  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details'), function (d) { d.open = true; });
    resizeAll();
  });
  window.addEventListener('afterprint', resizeAll);
  window.__report.ready = true;
})();
