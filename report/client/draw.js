// Draws every section the page has; a section that fails says so in the page and in the console.
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
