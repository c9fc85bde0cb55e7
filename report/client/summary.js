// The header: the plan and the figures people look at first.
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
