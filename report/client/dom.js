// DOM helpers and the chart box every section draws into.
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
