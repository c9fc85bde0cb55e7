// Where each plan's step goes: compute, exposed communication, idle or bubbles; hidden communication beside.
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
