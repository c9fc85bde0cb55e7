// The report's data and the styles every chart shares. The client files share one scope (report/html.ts
// wraps them, in CLIENT_FILES order, in one function): plain browser JavaScript, no network.
// Tests read window.__report (the data, the chart instances, `ready`, errors and timings).
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
