// Memory per worker by what holds it, against the device's memory.
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
