// The report page's own script, as text placed inline in report.html: it draws each chart with the
// bundled uPlot, shades the fault windows and marks phases and recoveries over the plot, and offers a
// log scale where latencies span orders of magnitude. Plain ES2017 that runs from a file:// URL.

/**
 * The script. It reads the charts from `<script id="report-data" type="application/json">`, draws
 * each into `[data-chart="<id>"]`, and leaves the uPlot instances on `window.aftershockCharts` (by
 * chart id) and `window.aftershockReady = true` for anyone inspecting the page.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var charts = {};
  window.aftershockCharts = charts;

  function kindClass(kind) {
    return 'kind-' + String(kind).split(':')[0].replace(/[^a-z]/g, '');
  }

  function overlay(u, spec) {
    var layer = document.createElement('div');
    layer.className = 'overlays';
    spec.bands.forEach(function (b, i) {
      var el = document.createElement('div');
      el.className = 'band ' + kindClass(b.kind);
      el.dataset.start = b.start;
      el.dataset.end = b.end;
      el.title = b.label + ' (' + b.kind + '): ' + b.start.toFixed(2) + 's – ' + b.end.toFixed(2) + 's';
      var label = document.createElement('span');
      label.textContent = b.label;
      label.style.top = (2 + (i % 4) * 14) + 'px';
      el.appendChild(label);
      layer.appendChild(el);
    });
    spec.markers.forEach(function (m, i) {
      var el = document.createElement('div');
      el.className = 'marker ' + m.kind;
      el.dataset.at = m.at;
      var label = document.createElement('span');
      label.textContent = m.label;
      // Recovery labels stack above the row of phase names.
      if (m.kind === 'recovery') label.style.bottom = (16 + (i % 3) * 14) + 'px';
      el.appendChild(label);
      layer.appendChild(el);
    });
    u.over.appendChild(layer);
  }

  function place(u) {
    var layer = u.over.querySelector('.overlays');
    if (!layer) return;
    var width = u.over.clientWidth;
    layer.querySelectorAll('.band').forEach(function (el) {
      var left = u.valToPos(Number(el.dataset.start), 'x');
      var right = u.valToPos(Number(el.dataset.end), 'x');
      el.style.left = left + 'px';
      el.style.width = Math.max(2, right - left) + 'px';
      // A name that would run past the plot's right edge (a window near the chart's end) ends at the
      // window's right edge instead.
      el.classList.toggle('flip', left + 3 + el.firstChild.offsetWidth > width);
    });
    var phases = [];
    layer.querySelectorAll('.marker').forEach(function (el) {
      var left = u.valToPos(Number(el.dataset.at), 'x');
      el.style.left = left + 'px';
      if (el.classList.contains('phase')) {
        // Near the right edge a label would run off the plot: it goes to the line's left instead.
        el.classList.toggle('flip', left > width * 0.55);
        phases.push({ el: el, left: left });
        return;
      }
      // A recovery's label goes on the side of its line it fits on; where it fits on neither (a narrow
      // plot), on the roomier side, wrapped to that room.
      var label = el.firstChild;
      label.classList.remove('wrap');
      label.style.maxWidth = '';
      var natural = label.offsetWidth;
      var right = width - left - 6;
      var leftRoom = left - 6;
      var flip = natural > right && (natural <= leftRoom || leftRoom > right);
      el.classList.toggle('flip', flip);
      if (natural > (flip ? leftRoom : right)) {
        label.classList.add('wrap');
        label.style.maxWidth = Math.max(40, flip ? leftRoom : right) + 'px';
      }
    });
    // Phase names share one row: each gets the room up to the next line on its side, cut short with an
    // ellipsis where a phase is too narrow for its name (the timeline below names it in full).
    phases.sort(function (a, b) { return a.left - b.left; });
    var flipped = function (p) { return p !== undefined && p.el.classList.contains('flip'); };
    phases.forEach(function (p, i) {
      var prev = phases[i - 1];
      var next = phases[i + 1];
      // Two labels facing each other across one gap share it.
      var room = flipped(p)
        ? (p.left - (prev ? prev.left : 0)) / (prev && !flipped(prev) ? 2 : 1)
        : ((next ? next.left : width) - p.left) / (flipped(next) ? 2 : 1);
      p.el.firstChild.style.maxWidth = Math.max(0, room - 6) + 'px';
    });
  }

  function hasPositive(values) {
    return values.some(function (v) { return v !== null && v > 0; });
  }

  // Each value is drawn from its own x to the next x. alignGaps: 1 starts a gap where the second with no
  // data starts: by default uPlot starts it at the value before, so a second followed by a second with
  // no data was never drawn (the line stopped a second early, before a fault's effect or at a run's end).
  function lastValue(values) {
    for (var i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i];
    return null;
  }

  var steps = uPlot.paths.stepped({ align: 1, alignGaps: 1 });

  function draw(spec, log) {
    var host = document.querySelector('[data-chart="' + spec.id + '"]');
    if (!host) return;
    if (charts[spec.id]) charts[spec.id].destroy();
    host.textContent = '';
    var values = spec.series.map(function (s) {
      return log ? s.values.map(function (v) { return v !== null && v > 0 ? v : null; }) : s.values;
    });
    var opts = {
      width: Math.max(320, host.clientWidth),
      height: 230,
      scales: { x: { time: false }, y: log ? { distr: 3, log: 10 } : { range: function (u, min, max) { return [Math.min(0, min), max > 0 ? max * 1.08 : 1]; } } },
      axes: [
        { label: 'seconds since the run started', values: function (u, vals) { return vals.map(function (v) { return v + 's'; }); } },
        { label: spec.unit, size: 64 },
      ],
      cursor: { drag: { x: true, y: false } },
      legend: { live: false },
      series: [{ label: 't (s)' }].concat(spec.series.map(function (s) {
        // Steps, not slopes: each value is what one second measured, so it is drawn across that second
        // (a slope from the second before would show a fault's effect starting before the fault).
        return { label: s.label, stroke: s.color, width: 1.6, dash: s.dash ? [6, 4] : undefined, points: { show: false }, spanGaps: false, paths: steps };
      })),
      hooks: { ready: [function (u) { overlay(u, spec); place(u); }], draw: [place] },
    };
    // The last second with a value gets its step too, even when only seconds with no data follow it: one
    // more x where the chart ends, each series repeating its last value there (the gap hides the rest).
    charts[spec.id] = new uPlot(opts, [spec.x.concat([spec.end])].concat(values.map(function (v) { return v.concat([lastValue(v)]); })), host);
  }

  data.charts.forEach(function (spec) {
    draw(spec, false);
    var toggle = document.querySelector('[data-log="' + spec.id + '"]');
    if (!toggle) return;
    if (!spec.series.some(function (s) { return hasPositive(s.values); })) toggle.disabled = true;
    toggle.addEventListener('change', function () { draw(spec, toggle.checked); });
  });

  var pending;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      data.charts.forEach(function (spec) {
        var u = charts[spec.id];
        var host = document.querySelector('[data-chart="' + spec.id + '"]');
        if (u && host) u.setSize({ width: Math.max(320, host.clientWidth), height: 230 });
      });
    }, 100);
  });
  window.aftershockReady = true;
})();
`;
