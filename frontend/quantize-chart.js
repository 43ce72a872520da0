// Pixelwise quantize page: file size against quality, one curve per encoding (palette PNG by k, WebP,
// JPEG, lossless WebP, AVIF), on a chosen metric, with the quality bar drawn when it is that metric.
import { el, sv, clamp, isNum, fmtSize, fmtNum, nextId } from './dom.js';
import { METRICS, barText } from './quantize-metrics.js';
import { FORMATS, formatName, encodingText } from './quantize-sources.js';

const SHAPES = { png: 'circle', webp: 'diamond', jpeg: 'square', 'webp-lossless': 'triangle', avif: 'triangle-down' };

function marker(shape, x, y, r, cls) {
  switch (shape) {
    case 'diamond': return sv('path', { class: cls, d: `M${x} ${y - r * 1.25}L${x + r * 1.25} ${y}L${x} ${y + r * 1.25}L${x - r * 1.25} ${y}Z` });
    case 'square': return sv('rect', { class: cls, x: x - r * 0.9, y: y - r * 0.9, width: r * 1.8, height: r * 1.8 });
    case 'triangle': return sv('path', { class: cls, d: `M${x} ${y - r * 1.2}L${x + r * 1.15} ${y + r * 0.85}L${x - r * 1.15} ${y + r * 0.85}Z` });
    case 'triangle-down': return sv('path', { class: cls, d: `M${x} ${y + r * 1.2}L${x + r * 1.15} ${y - r * 0.85}L${x - r * 1.15} ${y - r * 0.85}Z` });
    default: return sv('circle', { class: cls, cx: x, cy: y, r });
  }
}

function niceScale(lo, hi, count) {
  if (!(hi > lo)) {
    const d = Math.abs(lo) * 0.1 || 1;
    lo -= d;
    hi += d;
  }
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const d0 = Math.floor(lo / step + 1e-9) * step;
  const d1 = Math.ceil(hi / step - 1e-9) * step;
  const ticks = [];
  for (let t = d0; t <= d1 + step * 1e-6; t += step) ticks.push(Number(t.toFixed(10)));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return { d0, d1, ticks, fmt: (v) => v.toFixed(decimals) };
}

/** The curves: one series per encoding, each point a file with its size and metrics. */
function seriesOf(model) {
  const series = new Map();
  const add = (key, point) => {
    if (!series.has(key)) series.set(key, { key, name: formatName(key), points: [] });
    series.get(key).points.push(point);
  };
  model.variants.forEach((v) => add('png', {
    id: String(v.k), palette: true, label: String(v.k), bytes: v.bytes, psnr: v.psnr, ssim: v.ssim, deltaE: v.deltaE,
    lossless: !!v.lossless, suggested: v === model.suggested, name: `k = ${v.k}`, file: v.file,
  }));
  model.formats.forEach((f) => add(f.key, {
    id: f.file && model.sources.has(f.file) ? f.file : null, palette: false, bytes: f.bytes, psnr: f.psnr, ssim: f.ssim,
    deltaE: f.deltaE, lossless: f.lossless, name: f.name, file: f.file, encoding: encodingText(f.format, f.quality),
  }));
  return [...series.values()].sort((a, b) => ((FORMATS[a.key] || { order: 9 }).order - (FORMATS[b.key] || { order: 9 }).order));
}

export function createChart(model, show) {
  const series = seriesOf(model);
  const allPoints = series.flatMap((s) => s.points);
  const metricsWithData = Object.keys(METRICS).filter((m) => allPoints.some((p) => isNum(p[m])));
  const bar = model.bar;
  const rec = model.recommendation;
  const recId = rec && rec.file ? (model.bySource(rec.file) || {}).id : null;
  let metric = bar && metricsWithData.includes(bar.metric) ? bar.metric
    : (metricsWithData.includes('psnr') ? 'psnr' : metricsWithData[0] || 'psnr');
  let rightId = null;

  const titleId = nextId('chart-title');
  const selectId = nextId('metric');
  const select = el('select', { id: selectId, 'data-q-metric': true },
    Object.entries(METRICS).map(([key, m]) => el('option', {
      value: key, text: m.title, disabled: metricsWithData.includes(key) ? null : true,
    })));
  select.value = metric;
  select.addEventListener('change', () => { metric = select.value; render(); });
  const box = el('div', { class: 'q-chart', 'data-q-chart': true });
  const legend = el('ul', { class: 'q-legend', 'data-q-legend': true });
  const section = el('section', { class: 'q-section', 'aria-labelledby': titleId }, [
    el('div', { class: 'q-chart-head' }, [
      el('h3', { class: 'q-h3', id: titleId }, 'Size against quality'),
      el('span', { class: 'q-field q-field-inline' }, [el('label', { for: selectId }, 'Quality axis'), select]),
    ]),
    box, legend,
    el('p', { class: 'hint' }, 'Each point is one file; choose a point (click, or Tab to it and press Enter) '
      + 'to show it on the right side. Up is better quality, left is smaller.'),
  ]);

  function renderLegend(barShown) {
    const swatch = (key, dashed) => sv('svg', { width: '26', height: '16', 'aria-hidden': 'true' }, [
      sv('line', { class: `q-curve-line q-c-${key}${dashed ? ' q-dashed' : ''}`, x1: '1', x2: '25', y1: '8', y2: '8' }),
      marker(SHAPES[key] || 'circle', 13, 8, 4.5, `q-dot q-c-${key}`),
    ]);
    const items = series.map((s) => el('li', { 'data-q-legend-item': s.key }, [
      swatch(s.key, s.key === 'webp-lossless'), ` ${s.name}${s.key === 'png' ? ' (by k)' : ''}`,
    ]));
    if (barShown) {
      items.push(el('li', { 'data-q-legend-item': 'bar' }, [sv('svg', { width: '26', height: '16', 'aria-hidden': 'true' }, [
        sv('line', { class: 'q-bar-line', x1: '1', x2: '25', y1: '8', y2: '8' })]), ` Quality bar (${barText(bar)})`]));
    }
    if (model.suggested) {
      items.push(el('li', null, [sv('svg', { width: '26', height: '16', 'aria-hidden': 'true' }, [
        sv('circle', { class: 'q-ring', cx: '13', cy: '8', r: '5.5' })]), ' ★ suggested k']));
    }
    if (recId) {
      items.push(el('li', null, [sv('svg', { width: '26', height: '16', 'aria-hidden': 'true' }, [
        sv('circle', { class: 'q-rec-ring', cx: '13', cy: '8', r: '6' })]), ' recommended file']));
    }
    legend.replaceChildren(...items);
  }

  function render() {
    const m = METRICS[metric];
    const width = Math.max(280, Math.floor(box.clientWidth || 600));
    const height = Math.round(clamp(width * 0.5, 260, 400));
    const valueOf = (p) => p[metric];
    const inBand = (p) => metric === 'psnr' && !isNum(p.psnr) && p.lossless;
    const plotted = allPoints.filter((p) => isNum(p.bytes) && (isNum(valueOf(p)) || inBand(p)));
    const hasBand = plotted.some(inBand);
    const narrow = width < 480;
    const mg = { l: narrow ? 50 : 62, r: 18, t: hasBand ? 60 : 24, b: 52 };
    const pw = width - mg.l - mg.r;
    const ph = height - mg.t - mg.b;

    const kb = plotted.map((p) => p.bytes / 1000);
    const kbLo = kb.length ? Math.min(...kb) : 0;
    const kbHi = kb.length ? Math.max(...kb) : 1;
    const pad = (kbHi - kbLo) * 0.08 || kbHi * 0.2 || 1;
    const xs = niceScale(Math.max(0, kbLo - pad), kbHi + pad, Math.max(3, Math.floor(pw / 90)));
    const values = plotted.map(valueOf).filter(isNum);
    const barShown = !!(bar && bar.metric === metric && isNum(bar.value));
    if (barShown) values.push(bar.value);
    let lo = values.length ? Math.min(...values) : 0;
    let hi = values.length ? Math.max(...values) : 1;
    const minSpan = metric === 'ssim' ? 0.05 : metric === 'psnr' ? 4 : 1;
    if (hi - lo < minSpan) { const mid = (lo + hi) / 2; lo = mid - minSpan / 2; hi = mid + minSpan / 2; }
    const margin = (hi - lo) * 0.06;
    lo = metric === 'deltaE' ? Math.max(0, lo - margin) : lo - margin;
    hi = metric === 'ssim' ? Math.min(1, hi + margin) : hi + margin;
    const ys = niceScale(Math.max(metric === 'psnr' ? -Infinity : 0, lo), hi, 5);
    if (metric === 'ssim' && ys.d1 > 1) { ys.d1 = 1; ys.ticks = ys.ticks.filter((t) => t <= 1 + 1e-9); }

    const X = (v) => mg.l + ((v - xs.d0) / (xs.d1 - xs.d0)) * pw;
    // better quality is up: a lower ΔE is drawn higher
    const frac = (v) => (v - ys.d0) / (ys.d1 - ys.d0);
    const bandY = 30;
    const Y = (p) => (inBand(p) ? bandY : mg.t + (m.higherIsBetter ? 1 - frac(valueOf(p)) : frac(valueOf(p))) * ph);
    const Yv = (v) => mg.t + (m.higherIsBetter ? 1 - frac(v) : frac(v)) * ph;

    const svg = sv('svg', {
      class: 'q-chart-svg', width: String(width), height: String(height), viewBox: `0 0 ${width} ${height}`,
      role: 'group', 'aria-label': `File size against ${m.name}, one curve per format`, 'data-q-chart-metric': metric,
    });
    const grid = sv('g', { class: 'q-grid', 'aria-hidden': 'true' });
    const axes = sv('g', { class: 'q-axes', 'aria-hidden': 'true' });
    svg.append(grid, axes);

    axes.append(sv('line', { class: 'q-axis', x1: mg.l, x2: mg.l + pw, y1: mg.t + ph, y2: mg.t + ph }));
    xs.ticks.forEach((t) => {
      const x = X(t);
      axes.append(sv('line', { class: 'q-tick', x1: x, x2: x, y1: mg.t + ph, y2: mg.t + ph + 5 }));
      axes.append(sv('text', { class: 'q-tick-label', x, y: mg.t + ph + 18, 'text-anchor': 'middle' }, xs.fmt(t)));
      grid.append(sv('line', { class: 'q-gridline q-gridline-v', x1: x, x2: x, y1: mg.t, y2: mg.t + ph }));
    });
    axes.append(sv('text', { class: 'q-axis-title', x: mg.l + pw / 2, y: height - 10, 'text-anchor': 'middle' }, 'File size (KB)'));
    axes.append(sv('line', { class: 'q-axis', x1: mg.l, x2: mg.l, y1: mg.t, y2: mg.t + ph }));
    ys.ticks.forEach((t) => {
      const y = Yv(t);
      axes.append(sv('line', { class: 'q-tick', x1: mg.l - 5, x2: mg.l, y1: y, y2: y }));
      axes.append(sv('text', { class: 'q-tick-label', x: mg.l - 8, y: y + 4, 'text-anchor': 'end' }, ys.fmt(t)));
      grid.append(sv('line', { class: 'q-gridline', x1: mg.l, x2: mg.l + pw, y1: y, y2: y }));
    });
    axes.append(sv('text', {
      class: 'q-axis-title', x: 0, y: 0, 'text-anchor': 'middle',
      transform: `translate(${narrow ? 11 : 14} ${mg.t + ph / 2}) rotate(-90)`,
    }, `${m.name}${m.unit ? ` (${m.unit})` : ''}, better ↑`));
    if (hasBand) {
      grid.append(sv('line', { class: 'q-band-line', x1: mg.l, x2: mg.l + pw, y1: mg.t - 12, y2: mg.t - 12 }));
      axes.append(sv('text', { class: 'q-tick-label q-lossless-label', x: mg.l + 6, y: bandY - 8, 'text-anchor': 'start' }, 'lossless (PSNR ∞)'));
    }
    if (barShown) {
      const y = Yv(bar.value);
      const good = sv('rect', { class: 'q-bar-zone', x: mg.l, width: pw, y: mg.t, height: Math.max(0, y - mg.t) });
      grid.append(good);
      svg.append(sv('g', { class: 'q-bar', 'data-q-bar': String(bar.value), 'aria-hidden': 'true' }, [
        sv('line', { class: 'q-bar-line', x1: mg.l, x2: mg.l + pw, y1: y, y2: y }),
        sv('text', { class: 'q-bar-label', x: mg.l + pw - 4, y: y - 6, 'text-anchor': 'end' }, `quality bar: ${barText(bar)}`),
      ]));
    }

    // curves (lines behind points), palette labels placed greedily so they do not overlap
    const placed = [];
    const overlaps = (r) => placed.some((q) => r.x < q.x + q.w && q.x < r.x + r.w && r.y < q.y + q.h && q.y < r.y + r.h);
    const curves = series.map((s) => {
      const pts = s.points.filter((p) => plotted.includes(p)).sort((a, b) => a.bytes - b.bytes)
        .map((p) => ({ p, x: X(p.bytes / 1000), y: Y(p) }));
      pts.forEach((q) => placed.push({ x: q.x - 6, y: q.y - 6, w: 12, h: 12 }));
      return { s, pts };
    });
    const lineLayer = sv('g', { 'aria-hidden': 'true' });
    const pointLayer = sv('g', { class: 'q-points' });
    svg.append(lineLayer, pointLayer);
    // the palette curve last, so its points (the ones that choose a k) sit on top
    curves.slice().reverse().forEach(({ s, pts }) => {
      const shape = SHAPES[s.key] || 'circle';
      const curve = sv('g', { class: `q-curve q-c-${s.key}`, 'data-q-curve': s.key, 'data-q-count': String(pts.length) });
      if (pts.length > 1) {
        lineLayer.append(sv('path', {
          class: `q-curve-line q-c-${s.key}${s.key === 'webp-lossless' ? ' q-dashed' : ''}`,
          d: pts.map((q, i) => `${i ? 'L' : 'M'}${q.x.toFixed(1)} ${q.y.toFixed(1)}`).join(''),
        }));
      }
      pts.forEach(({ p, x, y }) => {
        const valueText = inBand(p) ? 'lossless' : `${m.name} ${fmtNum(valueOf(p), m.digits)}${m.unit ? ` ${m.unit}` : ''}`;
        const recommended = recId && p.id === recId;
        const what = p.palette ? `k = ${p.label}${p.suggested ? ' (suggested)' : ''}` : p.name;
        const attrs = {
          class: `q-point${p.suggested ? ' q-suggested' : ''}${recommended ? ' q-recommended' : ''}`,
          'aria-label': `${what}${recommended ? ' (recommended)' : ''}: ${fmtSize(p.bytes)}, ${valueText}.`
            + `${p.id ? ' Show on the right side.' : ''}`,
        };
        if (p.palette) attrs['data-q-point'] = p.id;
        else attrs['data-q-fpoint'] = p.file || '';
        if (p.id) Object.assign(attrs, { tabindex: '0', role: 'button', 'aria-pressed': 'false' });
        const g = sv('g', attrs);
        g.append(sv('title', null, `${what}${recommended ? ' · recommended' : ''} · ${fmtSize(p.bytes)} · ${valueText}`));
        g.append(sv('circle', { class: 'q-hit', cx: x, cy: y, r: 12 }));
        g.append(sv('circle', { class: 'q-focus-ring', cx: x, cy: y, r: 12 }));
        if (recommended) g.append(sv('circle', { class: 'q-rec-ring', cx: x, cy: y, r: 11 }));
        if (p.suggested) g.append(sv('circle', { class: 'q-ring', cx: x, cy: y, r: 9 }));
        g.append(marker(shape, x, y, 5, `q-dot q-c-${s.key}`));
        if (p.palette) {
          const text = p.suggested ? `${p.label} ★` : p.label;
          const w = text.length * 7.5 + 4;
          const candidates = [[x, y - 12, 'middle'], [x, y + 20, 'middle'], [x + 10, y + 4, 'start'], [x - 10, y + 4, 'end'],
            [x + 9, y - 9, 'start'], [x - 9, y - 9, 'end'], [x, y - 26, 'middle'], [x, y + 34, 'middle']];
          let choice = candidates[0];
          for (const c of candidates) {
            const left = c[2] === 'middle' ? c[0] - w / 2 : c[2] === 'start' ? c[0] : c[0] - w;
            const r = { x: left, y: c[1] - 12, w, h: 14 };
            if (!overlaps(r) && r.y > 0 && r.y + r.h < height) { choice = c; placed.push(r); break; }
          }
          g.append(sv('text', { class: 'q-point-label', x: choice[0], y: choice[1], 'text-anchor': choice[2] }, text));
        }
        if (p.id) {
          g.addEventListener('click', () => show(p.id));
          g.addEventListener('keydown', (e) => {
            if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); show(p.id); }
          });
        }
        curve.append(g);
      });
      pointLayer.append(curve);
    });
    if (!plotted.length) {
      svg.append(sv('text', { class: 'q-axis-title', x: mg.l + pw / 2, y: mg.t + ph / 2, 'text-anchor': 'middle' }, `No ${m.name} values to plot`));
    }

    const focused = box.contains(document.activeElement) ? document.activeElement : null;
    const focusKey = focused && (focused.getAttribute('data-q-point') || focused.getAttribute('data-q-fpoint'));
    box.replaceChildren(svg);
    renderLegend(barShown);
    markCurrent(rightId);
    if (focusKey) {
      const again = box.querySelector(`[data-q-point="${CSS.escape(focusKey)}"], [data-q-fpoint="${CSS.escape(focusKey)}"]`);
      if (again) again.focus({ preventScroll: true });
    }
  }

  function markCurrent(id) {
    rightId = id;
    box.querySelectorAll('[role=button]').forEach((g) => {
      const current = (g.getAttribute('data-q-point') || g.getAttribute('data-q-fpoint')) === id;
      g.classList.toggle('q-current', current);
      g.setAttribute('aria-pressed', String(current));
    });
  }

  function watchSize() {
    if (!window.ResizeObserver) return;
    let w = box.clientWidth;
    new ResizeObserver(() => window.requestAnimationFrame(() => {
      if (box.clientWidth !== w) { w = box.clientWidth; render(); }
    })).observe(box);
  }

  return { section, render, markCurrent, watchSize };
}
