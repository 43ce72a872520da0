// Pixelwise: comparison page for the K-Means colour quantisation task.
// Progressive enhancement of <div data-quantize-app data-job="/api/v1/jobs/{id}">; the page keeps a
// no-JS table elsewhere. Strict CSP: no inline style attributes, no <style>, no eval — every style
// below is set through the CSSOM (element.style.x) or a q- class from quantize.css.
'use strict';

(function quantizeComparison() {
  const root = document.querySelector('[data-quantize-app]');
  if (!root) return;

  const SVG_NS = 'http://www.w3.org/2000/svg';
  const ZOOM_MIN = 1;
  const ZOOM_MAX = 32;
  const NF = new Intl.NumberFormat('en');
  let uid = 0;
  const nextId = (name) => `q-${name}-${++uid}`;

  // ---------------------------------------------------------------- small helpers
  function build(node, props, children) {
    if (props) {
      for (const [key, value] of Object.entries(props)) {
        if (value === null || value === undefined || value === false) continue;
        if (key === 'text') node.textContent = value;
        else if (key === 'on') Object.entries(value).forEach(([type, fn]) => node.addEventListener(type, fn));
        else if (key === 'style') throw new Error('Inline style attributes are blocked by the CSP; use the CSSOM.');
        else node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    if (children !== undefined && children !== null) {
      [].concat(children).forEach((c) => { if (c !== null && c !== undefined && c !== false) node.append(c); });
    }
    return node;
  }
  const el = (tag, props, children) => build(document.createElement(tag), props, children);
  const sv = (tag, props, children) => build(document.createElementNS(SVG_NS, tag), props, children);
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const isNum = (x) => typeof x === 'number' && Number.isFinite(x);

  function fmtSize(bytes) {
    if (!isNum(bytes)) return '—';
    if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(2)} MB`;
    return `${(bytes / 1e3).toFixed(1)} KB`;
  }
  const fmtNum = (x, digits) => (isNum(x) ? x.toFixed(digits).replace(/^-/, '−') : '—');
  const fmtPct = (x, digits = 1) => (isNum(x) ? `${fmtNum(x * 100, digits)}%` : '—');
  const fmtZoom = (z) => String(Math.round(z * 100) / 100);
  function fmtRoughPct(fraction) {
    const p = fraction * 100;
    return p < 1 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
  }
  function convergedText(c) {
    if (!c) return '—';
    const key = String(c).toLowerCase().replace(/_/g, '-');
    return ({ 'no-change': 'no change', tolerance: 'within tolerance', 'max-iterations': 'iteration limit' })[key] || key;
  }

  function showError(title, detail) {
    root.removeAttribute('data-q-ready');
    root.setAttribute('data-q-state', 'error');
    root.replaceChildren(el('div', { class: 'error q-error', role: 'alert', 'data-q-error': true }, [
      el('h2', { text: title }),
      el('p', { text: detail }),
    ]));
  }

  // ---------------------------------------------------------------- fetch the job
  const jobUrl = (root.getAttribute('data-job') || '').replace(/\/+$/, '');
  if (!jobUrl) {
    showError('Comparison unavailable', 'The page does not say which job to show (missing data-job).');
    return;
  }
  root.setAttribute('data-q-state', 'loading');
  root.replaceChildren(el('p', { class: 'q-loading', role: 'status', text: 'Loading the comparison…' }));

  fetch(jobUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
    .then((response) => {
      if (!response.ok) throw new Error(`The server answered HTTP ${response.status} for ${jobUrl}.`);
      return response.json().catch(() => { throw new Error('The server sent something that is not JSON.'); });
    })
    .then(start)
    .catch((err) => {
      console.error(err); // eslint-disable-line no-console
      showError('Could not load the comparison', err && err.message ? err.message : String(err));
    });

  function start(job) {
    const status = job && job.status ? String(job.status).toLowerCase() : 'unknown';
    if (status !== 'succeeded') {
      showError('No comparison yet',
        `The comparison appears once the job has succeeded; this job is ${status.replace(/_/g, ' ')}.`);
      return;
    }
    const result = job.result;
    if (!result || !result.original || !Array.isArray(result.variants) || result.variants.length === 0) {
      showError('Nothing to compare', 'The job finished without any quantised variants.');
      return;
    }
    mount(result);
  }

  // ---------------------------------------------------------------- the comparison UI
  function mount(result) {
    const original = result.original;
    const variants = result.variants.filter((v) => v && isNum(v.k)).sort((a, b) => a.k - b.k);
    if (variants.length === 0) {
      showError('Nothing to compare', 'The job finished without any quantised variants.');
      return;
    }
    const fileUrl = (file) => `${jobUrl}/files/${encodeURIComponent(file)}`;
    const originalFile = original.file || 'original.png';
    const suggested = variants.find((v) => v.k === result.suggestedK) || null;

    /** Everything either side can show: 'original' and one entry per k (id = String(k)). */
    const sources = new Map();
    sources.set('original', {
      id: 'original', name: 'Original', file: originalFile, bytes: original.bytes, variant: null,
    });
    variants.forEach((v) => sources.set(String(v.k), {
      id: String(v.k), name: `k = ${v.k}`, file: v.file || `k${v.k}.png`, bytes: v.bytes, variant: v,
    }));

    let imgW = isNum(original.width) && original.width > 0 ? original.width : 0;
    let imgH = isNum(original.height) && original.height > 0 ? original.height : 0;

    const state = {
      left: 'original',
      right: String((suggested || variants[Math.floor(variants.length / 2)]).k),
      split: 50,
      zoom: 1,
      cx: imgW / 2,
      cy: imgH / 2,
      diff: false,
    };

    // ---- summary line
    const format = original.format ? String(original.format).toUpperCase() : '';
    const summaryBits = [];
    if (imgW && imgH) summaryBits.push(`${NF.format(imgW)} × ${NF.format(imgH)} px`);
    if (isNum(original.bytes)) summaryBits.push(`${fmtSize(original.bytes)}${format ? ` ${format}` : ''}`);
    if (isNum(original.uniqueColors)) summaryBits.push(`${NF.format(original.uniqueColors)} unique colours`);
    if (isNum(original.losslessBytes)) summaryBits.push(`${fmtSize(original.losslessBytes)} as lossless PNG`);
    const summary = el('p', { class: 'q-summary' }, [el('strong', { text: 'Original: ' }), summaryBits.join(' · ')]);

    // ---- side selects
    const selects = {};
    function sideSelect(side) {
      const id = nextId(`side-${side}`);
      const select = el('select', { id, 'data-q-side': side },
        [...sources.values()].map((s) => el('option', {
          value: s.id,
          text: s.variant ? `${s.name}${suggested && s.variant === suggested ? ' (suggested)' : ''}`
            : `Original${format ? ` (${format})` : ''}`,
        })));
      select.addEventListener('change', () => setSide(side, select.value));
      selects[side] = select;
      return el('div', { class: `q-field q-field-${side}` }, [
        el('label', { for: id, text: side === 'left' ? 'Left side' : 'Right side' }), select,
      ]);
    }
    const swapButton = el('button', {
      type: 'button', class: 'q-btn q-swap', 'data-q-swap': true, 'aria-label': 'Swap left and right',
      title: 'Swap left and right',
    }, '⇄');
    swapButton.addEventListener('click', () => {
      const { left, right } = state;
      setSide('left', right);
      setSide('right', left);
    });

    // ---- toolbar: zoom + heat-map
    const zoomOut = el('button', { type: 'button', class: 'q-btn', 'data-q-zoom': 'out', 'aria-label': 'Zoom out', title: 'Zoom out (−)' }, '−');
    const zoomIn = el('button', { type: 'button', class: 'q-btn', 'data-q-zoom': 'in', 'aria-label': 'Zoom in', title: 'Zoom in (+)' }, '+');
    const zoomReset = el('button', { type: 'button', class: 'q-btn', 'data-q-zoom': 'reset', 'aria-label': 'Reset zoom to fit', title: 'Fit (0)' }, 'Fit');
    const zoomLevel = el('output', { class: 'q-zoom-level', 'aria-live': 'polite', 'data-q-zoom-level': true }, '1×');
    zoomIn.addEventListener('click', () => { if (state.zoom < ZOOM_MAX) zoomAt(state.zoom * 2); });
    zoomOut.addEventListener('click', () => { if (state.zoom > ZOOM_MIN) zoomAt(state.zoom / 2); });
    zoomReset.addEventListener('click', resetView);
    const diffToggle = el('button', {
      type: 'button', class: 'q-btn q-toggle', 'aria-pressed': 'false', 'data-q-diff-toggle': true,
    }, [el('span', { class: 'q-toggle-box', 'aria-hidden': 'true' }), 'Difference heat-map']);
    diffToggle.addEventListener('click', () => setDiff(!state.diff));

    // ---- side labels and size difference
    const leftName = el('span', { class: 'q-side-name', 'data-q-left-label': true });
    const leftSize = el('span', { class: 'q-side-size', 'data-q-left-size': true });
    const rightName = el('span', { class: 'q-side-name', 'data-q-right-label': true });
    const rightMode = el('span', { class: 'q-side-mode', hidden: true }, ' · heat-map');
    const rightSize = el('span', { class: 'q-side-size', 'data-q-right-size': true });
    const sizeDiff = el('span', { 'data-q-size-diff': true });

    // ---- stage
    const leftImg = el('img', { class: 'q-img', alt: '', draggable: 'false', decoding: 'async' });
    const rightImg = el('img', { class: 'q-img', alt: '', draggable: 'false', decoding: 'async' });
    const heatCanvas = el('canvas', { class: 'q-heat', hidden: true, role: 'img', 'data-q-heat': true });
    const leftXform = el('div', { class: 'q-xform' }, leftImg);
    const rightXform = el('div', { class: 'q-xform' }, [rightImg, heatCanvas]);
    const leftLayer = el('div', { class: 'q-layer q-layer-left' }, leftXform);
    const rightLayer = el('div', { class: 'q-layer q-layer-right' }, rightXform);
    const leftTag = el('span', { class: 'q-tag q-tag-left', 'aria-hidden': 'true' });
    const rightTag = el('span', { class: 'q-tag q-tag-right', 'aria-hidden': 'true' });
    const stageMessage = el('p', { class: 'q-stage-message', role: 'status', hidden: true });
    const wheelHint = el('p', { class: 'q-wheel-hint', 'aria-hidden': 'true' },
      'Hold Ctrl (⌘) and scroll to zoom — or click the picture first');
    const grip = el('span', { class: 'q-grip', 'aria-hidden': 'true' }, sv('svg', { viewBox: '0 0 24 24', width: '22', height: '22', focusable: 'false' }, [
      sv('path', { d: 'M9 6 3 12l6 6M15 6l6 6-6 6', fill: 'none', stroke: 'currentColor', 'stroke-width': '2.5', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }),
    ]));
    const divider = el('div', {
      class: 'q-divider', role: 'slider', tabindex: '0', 'aria-label': 'Split position',
      'aria-orientation': 'horizontal', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '50',
      'data-q-divider': true,
    }, grip);
    const helpId = nextId('help');
    const stage = el('div', {
      class: 'q-stage', tabindex: '0', role: 'group', 'aria-label': 'Image comparison',
      'aria-describedby': helpId, 'data-q-stage': true, 'data-zoom': '1',
    }, [leftLayer, rightLayer, leftTag, rightTag, divider, stageMessage, wheelHint]);

    // ---- heat-map caption
    const diffStatus = el('span', { class: 'q-diff-status', role: 'status' });
    const rampMax = el('span', { class: 'q-ramp-max' }, '');
    const diffCaption = el('p', { class: 'q-diff-caption', hidden: true, 'data-q-diff-caption': true }, [
      diffStatus,
      el('span', { class: 'q-ramp-legend' }, [
        el('span', { class: 'q-ramp-min' }, '0'),
        el('span', { class: 'q-ramp', 'aria-hidden': 'true' }),
        rampMax,
      ]),
    ]);

    // ---- palette
    const paletteTitle = el('h3', { class: 'q-h3' }, 'Palette');
    const paletteNote = el('p', { class: 'q-palette-note' });
    const paletteBox = el('div', { class: 'q-palette', role: 'list', 'aria-label': 'Palette colours', 'data-q-palette': true });
    const readoutChip = el('span', { class: 'q-chip', 'aria-hidden': 'true' });
    const readoutText = el('span', { class: 'q-readout-text' });
    const paletteReadout = el('p', { class: 'q-palette-readout', 'aria-live': 'polite' }, [readoutChip, readoutText]);

    // ---- table
    const rows = new Map();
    const tableBody = el('tbody');
    variants.forEach((v) => {
      const k = String(v.k);
      const isSuggested = suggested === v;
      const src = sources.get(k);
      const show = el('button', {
        type: 'button', class: 'q-rowbtn', 'aria-pressed': 'false', 'aria-label': `Show k = ${v.k} on the right side`,
      }, String(v.k));
      const num = (text) => el('td', { class: 'q-num' }, text);
      const tr = el('tr', { 'data-q-row': k, class: isSuggested ? 'q-suggested' : null }, [
        el('th', { scope: 'row' }, [show, isSuggested ? el('span', { class: 'q-badge' }, 'suggested') : null]),
        num(isNum(v.bytes) ? (v.bytes / 1000).toFixed(1) : '—'),
        num(fmtNum(v.bitsPerPixel, 2)),
        num(fmtPct(v.savedVsOriginal)),
        num(fmtPct(v.savedVsLossless)),
        num(v.psnr === null || v.psnr === undefined ? (v.lossless ? '∞ lossless' : '—') : fmtNum(v.psnr, 1)),
        num(fmtNum(v.ssim, 3)),
        num(fmtNum(v.deltaE, 2)),
        num(isNum(v.iterations) ? String(v.iterations) : '—'),
        el('td', null, convergedText(v.converged)),
        el('td', null, el('a', { href: `${fileUrl(src.file)}?download=1`, download: src.file, class: 'q-download' }, [
          'PNG', el('span', { class: 'visually-hidden' }, ` of k = ${v.k}`),
        ])),
      ]);
      tr.addEventListener('click', (e) => {
        if (e.target.closest('a')) return;
        setSide('right', k);
      });
      rows.set(k, { tr, show });
      tableBody.append(tr);
    });
    const head = (text, title, num = true) => el('th', { scope: 'col', class: num ? 'q-num' : null },
      title ? el('abbr', { title }, text) : text);
    const table = el('table', { class: 'q-table', 'data-q-table': true }, [
      el('caption', null, 'Every variant; choose a k to show it on the right side.'),
      el('thead', null, el('tr', null, [
        head('k', 'Number of palette colours', false), head('Size (KB)'), head('Bits/px', 'Bits per pixel'),
        head('Saved vs original'), head('Saved vs lossless PNG'), head('PSNR (dB)', 'Peak signal-to-noise ratio'),
        head('SSIM', 'Structural similarity (1 = identical)'), head('ΔE', 'Mean colour difference'),
        head('Iterations'), head('Converged', null, false), head('Download', null, false),
      ])),
      tableBody,
    ]);
    const tableWrap = el('div', { class: 'q-table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Variants table' }, table);

    // ---- chart
    const chartTitleId = nextId('chart-title');
    const chartBox = el('div', { class: 'q-chart', 'data-q-chart': true });
    const legend = el('ul', { class: 'q-legend' }, [
      el('li', null, [sv('svg', { width: '22', height: '14', 'aria-hidden': 'true' }, [
        sv('line', { class: 'q-line-psnr', x1: '1', x2: '21', y1: '7', y2: '7' }),
        sv('circle', { class: 'q-dot-psnr', cx: '11', cy: '7', r: '4.5' })]), ' PSNR (dB, left axis)']),
      el('li', null, [sv('svg', { width: '22', height: '14', 'aria-hidden': 'true' }, [
        sv('line', { class: 'q-line-ssim', x1: '1', x2: '21', y1: '7', y2: '7' }),
        sv('path', { class: 'q-dot-ssim', d: diamond(11, 7, 5) })]), ' SSIM (right axis)']),
      el('li', null, [sv('svg', { width: '22', height: '14', 'aria-hidden': 'true' }, [
        sv('circle', { class: 'q-ring', cx: '11', cy: '7', r: '5.5' })]), ' ★ suggested k']),
    ]);

    // ---- assemble
    const app = el('div', { class: 'q-app' }, [
      el('h2', { class: 'q-h2' }, 'Compare'),
      summary,
      el('div', { class: 'q-controls' }, [sideSelect('left'), swapButton, sideSelect('right')]),
      el('div', { class: 'q-toolbar', role: 'toolbar', 'aria-label': 'View' }, [
        el('span', { class: 'q-zoom-group' }, [zoomOut, zoomLevel, zoomIn, zoomReset]),
        diffToggle,
      ]),
      el('div', { class: 'q-sides' }, [
        el('p', { class: 'q-side q-side-left' }, [leftName, leftSize]),
        el('p', { class: 'q-side q-side-right' }, [el('span', null, [rightName, rightMode]), rightSize]),
      ]),
      el('p', { class: 'q-size-line' }, [el('span', { class: 'q-muted' }, 'File size: '), sizeDiff]),
      stage,
      diffCaption,
      el('p', { class: 'hint q-help', id: helpId },
        'Drag the handle (or focus it and use the arrow keys) to move the split. Zoom with the + and − buttons, '
        + 'the + and − keys, Ctrl + mouse wheel or a pinch; when zoomed in, drag the picture or use the arrow keys '
        + 'to pan. Double-click zooms in.'),
      el('section', { class: 'q-section q-palette-section', 'aria-label': 'Palette' }, [paletteTitle, paletteNote, paletteBox, paletteReadout]),
      el('section', { class: 'q-section', 'aria-labelledby': chartTitleId }, [
        el('h3', { class: 'q-h3', id: chartTitleId }, 'Size against quality'),
        chartBox, legend,
        el('p', { class: 'hint' }, 'Each point is one k; choose a point (click, or Tab to it and press Enter) to show that variant on the right side.'),
      ]),
      el('section', { class: 'q-section', 'aria-label': 'All variants' }, [el('h3', { class: 'q-h3' }, 'All variants'), tableWrap]),
    ]);
    root.replaceChildren(app);
    root.setAttribute('data-q-state', 'ready');

    // ================================================================ view: layout, zoom, pan
    let W = 0;
    let H = 0;
    let base = 1;

    function setDims(w, h) {
      imgW = w;
      imgH = h;
      state.cx = w / 2;
      state.cy = h / 2;
      [leftXform, rightXform].forEach((x) => {
        x.style.width = `${w}px`;
        x.style.height = `${h}px`;
      });
    }
    if (imgW && imgH) setDims(imgW, imgH);

    function layout() {
      const width = stage.clientWidth;
      if (!width || !imgW || !imgH) return;
      const maxH = Math.max(220, Math.round(window.innerHeight * 0.72));
      const height = Math.min(Math.round((width * imgH) / imgW), maxH);
      if (height !== H) stage.style.height = `${height}px`;
      W = width;
      H = height;
      base = Math.min(W / imgW, H / imgH);
      applyView();
    }

    function clampCenter() {
      const s = base * state.zoom;
      const halfW = W / (2 * s);
      const halfH = H / (2 * s);
      state.cx = imgW <= 2 * halfW ? imgW / 2 : clamp(state.cx, halfW, imgW - halfW);
      state.cy = imgH <= 2 * halfH ? imgH / 2 : clamp(state.cy, halfH, imgH - halfH);
    }

    function applyView() {
      if (!W) return;
      clampCenter();
      const s = base * state.zoom;
      const tx = W / 2 - state.cx * s;
      const ty = H / 2 - state.cy * s;
      const transform = `translate(${tx}px, ${ty}px) scale(${s})`;
      leftXform.style.transform = transform;
      rightXform.style.transform = transform;
      const zoomed = state.zoom > 1.001;
      stage.setAttribute('data-zoom', fmtZoom(state.zoom));
      stage.setAttribute('data-pan', `${Math.round(state.cx)},${Math.round(state.cy)}`);
      stage.classList.toggle('q-zoomed', zoomed);
      // Show real pixels once the image is blown up: past 2× zoom, or when one image pixel covers ≥ 2 screen pixels.
      stage.classList.toggle('q-pixelated', state.zoom > 2 || s >= 2);
      zoomLevel.textContent = `${fmtZoom(state.zoom)}×`;
      zoomOut.setAttribute('aria-disabled', String(state.zoom <= ZOOM_MIN));
      zoomIn.setAttribute('aria-disabled', String(state.zoom >= ZOOM_MAX));
      zoomReset.setAttribute('aria-disabled', String(!zoomed));
    }

    function zoomAt(z, px = W / 2, py = H / 2) {
      if (!W) return;
      let next = clamp(z, ZOOM_MIN, ZOOM_MAX);
      if (Math.abs(next - 1) < 0.02) next = 1;
      const s0 = base * state.zoom;
      const s1 = base * next;
      const ix = state.cx + (px - W / 2) / s0; // image point under (px, py) stays put
      const iy = state.cy + (py - H / 2) / s0;
      state.zoom = next;
      state.cx = ix - (px - W / 2) / s1;
      state.cy = iy - (py - H / 2) / s1;
      applyView();
    }

    function resetView() {
      state.zoom = 1;
      state.cx = imgW / 2;
      state.cy = imgH / 2;
      applyView();
    }

    function setSplit(percent) {
      state.split = clamp(isNum(percent) ? percent : 50, 0, 100);
      const p = Math.round(state.split * 100) / 100;
      rightLayer.style.clipPath = `inset(0 0 0 ${p}%)`;
      divider.style.left = `${p}%`;
      rightTag.classList.toggle('q-tag-hidden', p > 88);
      leftTag.classList.toggle('q-tag-hidden', p < 12);
      divider.setAttribute('aria-valuenow', String(Math.round(state.split)));
      divider.setAttribute('aria-valuetext',
        `${Math.round(state.split)}%: left shows ${sources.get(state.left).name}, right shows ${sources.get(state.right).name}`);
    }

    const localPoint = (e) => {
      const r = stage.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };

    // -- divider: its own pointer capture, never starts a pan
    let dividerPointer = null;
    divider.addEventListener('pointerdown', (e) => {
      if (e.pointerType === 'mouse' && e.button !== 0) return;
      e.preventDefault();
      e.stopPropagation();
      divider.focus({ preventScroll: true });
      try { divider.setPointerCapture(e.pointerId); } catch (_) { /* already gone */ }
      dividerPointer = e.pointerId;
      stage.classList.add('q-moving-split');
    });
    divider.addEventListener('pointermove', (e) => {
      if (e.pointerId !== dividerPointer || !W) return;
      setSplit((localPoint(e).x / W) * 100);
    });
    const endDivider = (e) => {
      if (e.pointerId !== dividerPointer) return;
      dividerPointer = null;
      stage.classList.remove('q-moving-split');
    };
    ['pointerup', 'pointercancel', 'lostpointercapture'].forEach((t) => divider.addEventListener(t, endDivider));
    divider.addEventListener('dblclick', (e) => e.stopPropagation());
    divider.addEventListener('keydown', (e) => {
      let v = state.split;
      switch (e.key) {
        case 'ArrowLeft': case 'ArrowDown': v -= e.shiftKey ? 10 : 1; break;
        case 'ArrowRight': case 'ArrowUp': v += e.shiftKey ? 10 : 1; break;
        case 'PageDown': v -= 10; break;
        case 'PageUp': v += 10; break;
        case 'Home': v = 0; break;
        case 'End': v = 100; break;
        default: return;
      }
      e.preventDefault();
      e.stopPropagation();
      setSplit(Math.round(v));
    });

    // -- stage: one pointer pans when zoomed (or drags the split at fit), two pointers pinch
    const pointers = new Map();
    let gesture = null;
    function beginGesture() {
      const pts = [...pointers.values()];
      stage.classList.remove('q-panning');
      if (pts.length >= 2) {
        const [a, b] = pts;
        const s = base * state.zoom;
        const mx = (a.x + b.x) / 2;
        const my = (a.y + b.y) / 2;
        gesture = {
          type: 'pinch', d0: Math.hypot(a.x - b.x, a.y - b.y) || 1, z0: state.zoom,
          ix: state.cx + (mx - W / 2) / s, iy: state.cy + (my - H / 2) / s,
        };
      } else if (pts.length === 1) {
        const p = pts[0];
        if (state.zoom > 1.001) {
          gesture = { type: 'pan', x0: p.x, y0: p.y, cx0: state.cx, cy0: state.cy };
          stage.classList.add('q-panning');
        } else {
          gesture = { type: 'split', x0: p.x, moved: false };
        }
      } else {
        gesture = null;
      }
    }
    stage.addEventListener('pointerdown', (e) => {
      if (divider.contains(e.target) || !W) return;
      if (e.pointerType === 'mouse' && e.button !== 0) return;
      if (e.pointerType === 'mouse') e.preventDefault(); // no text selection or native image drag
      stage.focus({ preventScroll: true });
      try { stage.setPointerCapture(e.pointerId); } catch (_) { /* ignore */ }
      pointers.set(e.pointerId, localPoint(e));
      beginGesture();
    });
    stage.addEventListener('pointermove', (e) => {
      if (!pointers.has(e.pointerId)) return;
      pointers.set(e.pointerId, localPoint(e));
      if (!gesture) return;
      const pts = [...pointers.values()];
      if (gesture.type === 'pinch' && pts.length >= 2) {
        const [a, b] = pts;
        const mx = (a.x + b.x) / 2;
        const my = (a.y + b.y) / 2;
        state.zoom = clamp((gesture.z0 * Math.hypot(a.x - b.x, a.y - b.y)) / gesture.d0, ZOOM_MIN, ZOOM_MAX);
        const s = base * state.zoom;
        state.cx = gesture.ix - (mx - W / 2) / s;
        state.cy = gesture.iy - (my - H / 2) / s;
        applyView();
      } else if (gesture.type === 'pan') {
        const s = base * state.zoom;
        state.cx = gesture.cx0 - (pts[0].x - gesture.x0) / s;
        state.cy = gesture.cy0 - (pts[0].y - gesture.y0) / s;
        applyView();
      } else if (gesture.type === 'split') {
        if (!gesture.moved && Math.abs(pts[0].x - gesture.x0) < 4) return;
        gesture.moved = true;
        setSplit((pts[0].x / W) * 100);
      }
    });
    const endPointer = (e) => {
      if (!pointers.delete(e.pointerId)) return;
      beginGesture(); // carry on with whatever pointers remain
    };
    ['pointerup', 'pointercancel', 'lostpointercapture'].forEach((t) => stage.addEventListener(t, endPointer));
    stage.addEventListener('dblclick', (e) => {
      if (divider.contains(e.target)) return;
      const p = localPoint(e);
      if (state.zoom >= ZOOM_MAX) resetView();
      else zoomAt(state.zoom * 2, p.x, p.y);
    });

    // -- wheel: zooms when Ctrl/⌘ is held, the picture has focus, or it is already zoomed; else the page scrolls
    let hintTimer = 0;
    stage.addEventListener('wheel', (e) => {
      const engaged = e.ctrlKey || e.metaKey || state.zoom > 1.001 || stage.contains(document.activeElement);
      if (!engaged) {
        wheelHint.classList.add('q-visible');
        window.clearTimeout(hintTimer);
        hintTimer = window.setTimeout(() => wheelHint.classList.remove('q-visible'), 1400);
        return;
      }
      e.preventDefault();
      const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
      const p = localPoint(e);
      zoomAt(state.zoom * Math.exp(-e.deltaY * unit * 0.002), p.x, p.y);
    }, { passive: false });

    // -- keyboard on the focused stage
    stage.addEventListener('keydown', (e) => {
      if (e.target !== stage || e.altKey || e.ctrlKey || e.metaKey) return;
      const step = ((e.shiftKey ? 160 : 40) / (base * state.zoom));
      const zoomed = state.zoom > 1.001;
      switch (e.key) {
        case '+': case '=': zoomAt(state.zoom * 2); break;
        case '-': case '_': zoomAt(state.zoom / 2); break;
        case '0': resetView(); break;
        case 'ArrowLeft': if (!zoomed) return; state.cx -= step; applyView(); break;
        case 'ArrowRight': if (!zoomed) return; state.cx += step; applyView(); break;
        case 'ArrowUp': if (!zoomed) return; state.cy -= step; applyView(); break;
        case 'ArrowDown': if (!zoomed) return; state.cy += step; applyView(); break;
        default: return;
      }
      e.preventDefault();
    });

    if (window.ResizeObserver) {
      let lastWidth = 0;
      new ResizeObserver(() => window.requestAnimationFrame(() => {
        if (stage.clientWidth !== lastWidth) {
          lastWidth = stage.clientWidth;
          layout();
        }
      })).observe(stage);
    }
    window.addEventListener('resize', layout);

    // ================================================================ sides
    function sideImage(side) { return side === 'left' ? leftImg : rightImg; }
    function imageFailed(side) {
      const src = sources.get(state[side]);
      stageMessage.textContent = `Could not load ${src.file} for the ${side} side.`;
      stageMessage.hidden = false;
    }
    ['left', 'right'].forEach((side) => {
      const img = sideImage(side);
      img.addEventListener('load', () => {
        stage.classList.remove(`q-loading-${side}`);
        if (!imgW || !imgH) {
          setDims(img.naturalWidth, img.naturalHeight);
          layout();
        }
        if (!stage.classList.contains('q-loading-left') && !stage.classList.contains('q-loading-right')) stageMessage.hidden = true;
      });
      img.addEventListener('error', () => {
        stage.classList.remove(`q-loading-${side}`);
        imageFailed(side);
      });
    });

    function describe(src) {
      if (!src.variant) return `${fmtSize(src.bytes)}${format ? ` ${format}` : ''}`;
      const colours = Array.isArray(src.variant.palette) && src.variant.palette.length ? src.variant.palette.length : src.variant.k;
      return `${fmtSize(src.bytes)} PNG · ${colours} colours${src.variant.lossless ? ' · lossless' : ''}`;
    }

    function sizeDiffText() {
      const L = sources.get(state.left);
      const R = sources.get(state.right);
      if (L.id === R.id) return 'both sides show the same image';
      if (!isNum(L.bytes) || !isNum(R.bytes) || L.bytes <= 0) return 'sizes unknown';
      const both = `(${fmtSize(R.bytes)} vs ${fmtSize(L.bytes)})`;
      const ratio = R.bytes / L.bytes;
      if (Math.abs(ratio - 1) < 0.0005) return `right is the same size as left ${both}`;
      if (ratio < 1) return `right is ${fmtRoughPct(1 - ratio)} smaller than left ${both}`;
      if (ratio >= 2) return `right is ${ratio.toFixed(1)}× the size of left ${both}`;
      return `right is ${fmtRoughPct(ratio - 1)} larger than left ${both}`;
    }

    function updateLabels() {
      const L = sources.get(state.left);
      const R = sources.get(state.right);
      leftName.textContent = L.name;
      leftSize.textContent = describe(L);
      rightName.textContent = R.name;
      rightSize.textContent = describe(R);
      const heat = state.diff && !!R.variant;
      rightMode.hidden = !heat;
      leftTag.textContent = L.name;
      rightTag.textContent = heat ? `${R.name} · heat-map` : R.name;
      sizeDiff.textContent = sizeDiffText();
      leftImg.alt = `Left: ${L.variant ? `quantised to k = ${L.variant.k} colours` : 'the original image'}`;
      rightImg.alt = `Right: ${R.variant ? `quantised to k = ${R.variant.k} colours` : 'the original image'}`;
      setSplit(state.split); // refreshes aria-valuetext
    }

    function setSide(side, id) {
      if (!sources.has(id)) return;
      state[side] = id;
      const src = sources.get(id);
      if (selects[side].value !== id) selects[side].value = id;
      const img = sideImage(side);
      const url = fileUrl(src.file);
      if (img.getAttribute('src') !== url) {
        stage.classList.add(`q-loading-${side}`);
        img.src = url;
      }
      updateLabels();
      if (side === 'right') {
        markCurrent();
        renderPalette();
        if (state.diff) showHeat();
      }
    }

    function markCurrent() {
      rows.forEach(({ tr, show }, k) => {
        const current = k === state.right;
        tr.classList.toggle('q-current', current);
        show.setAttribute('aria-pressed', String(current));
      });
      chartBox.querySelectorAll('[data-q-point]').forEach((g) => {
        const current = g.getAttribute('data-q-point') === state.right;
        g.classList.toggle('q-current', current);
        g.setAttribute('aria-pressed', String(current));
      });
    }

    // ================================================================ palette
    function renderPalette() {
      const src = sources.get(state.right);
      const unique = isNum(original.uniqueColors) ? `${NF.format(original.uniqueColors)} unique colours` : null;
      paletteBox.replaceChildren();
      if (!src.variant) {
        paletteTitle.textContent = 'Palette';
        paletteNote.textContent = `The right side shows the original${unique ? ` (${unique})` : ''}; choose a variant to see its palette.`;
        paletteReadout.hidden = true;
        paletteBox.hidden = true;
        return;
      }
      const palette = (Array.isArray(src.variant.palette) ? src.variant.palette : []).filter((p) => p && p.color);
      paletteTitle.textContent = `Palette of k = ${src.variant.k}`;
      paletteNote.textContent = `${palette.length} colours${unique ? `, from the original's ${unique}` : ''}. `
        + 'Each box is as wide as that colour\'s share of the pixels.';
      paletteReadout.hidden = palette.length === 0;
      paletteBox.hidden = palette.length === 0;
      palette.forEach((p, i) => {
        const share = isNum(p.share) ? p.share : 0;
        const label = `${p.color} · ${fmtPct(share, share < 0.001 ? 2 : 1)} of pixels`;
        const swatch = el('span', {
          class: 'q-swatch', role: 'listitem', tabindex: i === 0 ? '0' : '-1', title: label, 'aria-label': label,
          'data-color': p.color, 'data-share': String(share),
        });
        swatch.style.backgroundColor = p.color;
        swatch.style.flexGrow = String(Math.max(0, share));
        paletteBox.append(swatch);
      });
      if (palette.length) showSwatch(paletteBox.firstElementChild);
    }
    function showSwatch(swatch) {
      readoutChip.style.backgroundColor = swatch.getAttribute('data-color');
      readoutText.textContent = swatch.getAttribute('aria-label');
      paletteBox.querySelectorAll('.q-swatch-active').forEach((s) => s.classList.remove('q-swatch-active'));
      swatch.classList.add('q-swatch-active');
    }
    paletteBox.addEventListener('pointerover', (e) => {
      const s = e.target.closest('.q-swatch');
      if (s) showSwatch(s);
    });
    paletteBox.addEventListener('focusin', (e) => {
      const s = e.target.closest('.q-swatch');
      if (s) showSwatch(s);
    });
    paletteBox.addEventListener('keydown', (e) => {
      const items = [...paletteBox.children];
      const i = items.indexOf(document.activeElement);
      if (i < 0) return;
      let j = i;
      if (e.key === 'ArrowRight' || e.key === 'ArrowDown') j = Math.min(items.length - 1, i + 1);
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') j = Math.max(0, i - 1);
      else if (e.key === 'Home') j = 0;
      else if (e.key === 'End') j = items.length - 1;
      else return;
      e.preventDefault();
      items[i].setAttribute('tabindex', '-1');
      items[j].setAttribute('tabindex', '0');
      items[j].focus();
    });

    // ================================================================ difference heat-map
    // black → purple → orange → yellow, roughly matplotlib's "inferno"
    const RAMP = [[0, [0, 0, 4]], [0.35, [120, 28, 109]], [0.7, [237, 105, 37]], [1, [252, 255, 164]]];
    const LUT = new Uint8ClampedArray(256 * 3);
    for (let i = 0; i < 256; i++) {
      const t = i / 255;
      let s = 1;
      while (s < RAMP.length - 1 && RAMP[s][0] < t) s++;
      const [t0, c0] = RAMP[s - 1];
      const [t1, c1] = RAMP[s];
      const f = (t - t0) / (t1 - t0);
      for (let c = 0; c < 3; c++) LUT[i * 3 + c] = Math.round(c0[c] + (c1[c] - c0[c]) * f);
    }

    const pixelCache = new Map(); // only the original's pixels are kept
    function loadPixels(file) {
      if (pixelCache.has(file)) return pixelCache.get(file);
      const promise = new Promise((resolve, reject) => {
        const img = new Image();
        img.onload = () => {
          const canvas = document.createElement('canvas');
          canvas.width = img.naturalWidth;
          canvas.height = img.naturalHeight;
          const ctx = canvas.getContext('2d', { willReadFrequently: true });
          ctx.drawImage(img, 0, 0);
          try {
            resolve(ctx.getImageData(0, 0, canvas.width, canvas.height));
          } catch (err) {
            reject(new Error(`the browser will not let the page read ${file} (${err.message})`));
          }
        };
        img.onerror = () => reject(new Error(`could not load ${file}`));
        img.src = fileUrl(file);
      });
      if (file === originalFile) {
        pixelCache.set(file, promise);
        promise.catch(() => pixelCache.delete(file));
      }
      return promise;
    }

    function computeHeat(a, b) {
      const n = a.width * a.height;
      const A = a.data;
      const B = b.data;
      const err = new Float32Array(n);
      let max = 0;
      let sum = 0;
      for (let i = 0, j = 0; i < n; i++, j += 4) {
        const dr = A[j] - B[j];
        const dg = A[j + 1] - B[j + 1];
        const db = A[j + 2] - B[j + 2];
        const e = Math.sqrt(dr * dr + dg * dg + db * db);
        err[i] = e;
        sum += e;
        if (e > max) max = e;
      }
      const out = new ImageData(a.width, a.height);
      const O = out.data;
      const scale = max > 0 ? 255 / max : 0;
      for (let i = 0, j = 0; i < n; i++, j += 4) {
        const c = Math.min(255, Math.round(err[i] * scale)) * 3;
        O[j] = LUT[c];
        O[j + 1] = LUT[c + 1];
        O[j + 2] = LUT[c + 2];
        O[j + 3] = 255;
      }
      return { image: out, max, mean: n ? sum / n : 0 };
    }

    let heatToken = 0;
    function showHeat() {
      const token = ++heatToken;
      const src = sources.get(state.right);
      diffCaption.hidden = false;
      diffCaption.removeAttribute('data-q-diff-max');
      diffCaption.removeAttribute('data-q-diff-mean');
      diffStatus.textContent = `Computing the difference between ${src.name} and the original…`;
      rampMax.textContent = '';
      if (!src.variant) {
        heatCanvas.hidden = true;
        rightImg.hidden = false;
        diffStatus.textContent = 'The right side shows the original itself; choose a variant on the right to see its difference heat-map.';
        diffCaption.querySelector('.q-ramp-legend').hidden = true;
        return;
      }
      diffCaption.querySelector('.q-ramp-legend').hidden = false;
      Promise.all([loadPixels(originalFile), loadPixels(src.file)]).then(([a, b]) => {
        if (token !== heatToken || !state.diff) return;
        if (a.width !== b.width || a.height !== b.height) {
          throw new Error(`${src.file} is ${b.width} × ${b.height} px but the original is ${a.width} × ${a.height} px`);
        }
        const r = computeHeat(a, b);
        heatCanvas.width = a.width;
        heatCanvas.height = a.height;
        heatCanvas.getContext('2d').putImageData(r.image, 0, 0);
        heatCanvas.setAttribute('aria-label', `Difference heat-map of ${src.name} against the original`);
        heatCanvas.hidden = false;
        rightImg.hidden = true;
        diffCaption.setAttribute('data-q-diff-max', r.max.toFixed(2));
        diffCaption.setAttribute('data-q-diff-mean', r.mean.toFixed(3));
        diffStatus.textContent = `Per-pixel RGB distance, ${src.name} against the original: `
          + `max ${r.max.toFixed(1)}, mean ${r.mean.toFixed(2)} (of at most 441.7). Colour scale:`;
        rampMax.textContent = r.max > 0 ? r.max.toFixed(0) : '0';
      }).catch((err) => {
        if (token !== heatToken) return;
        heatCanvas.hidden = true;
        rightImg.hidden = false;
        diffStatus.textContent = `No heat-map: ${err.message}.`;
      });
    }

    function setDiff(on) {
      state.diff = on;
      diffToggle.setAttribute('aria-pressed', String(on));
      stage.classList.toggle('q-heat-on', on);
      if (on) {
        showHeat();
      } else {
        heatToken++;
        heatCanvas.hidden = true;
        rightImg.hidden = false;
        diffCaption.hidden = true;
      }
      updateLabels();
    }

    // ================================================================ chart
    function diamond(x, y, r) {
      return `M${x} ${y - r}L${x + r} ${y}L${x} ${y + r}L${x - r} ${y}Z`;
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

    function renderChart() {
      const width = Math.max(280, Math.floor(chartBox.clientWidth || 600));
      const height = Math.round(clamp(width * 0.5, 250, 380));
      const hasLossless = variants.some((v) => !isNum(v.psnr));
      const narrow = width < 480;
      const m = { l: narrow ? 50 : 60, r: narrow ? 46 : 58, t: hasLossless ? 64 : 28, b: 52 };
      const pw = width - m.l - m.r;
      const ph = height - m.t - m.b;

      const kb = variants.map((v) => (isNum(v.bytes) ? v.bytes / 1000 : 0));
      const kbLo = Math.min(...kb);
      const kbHi = Math.max(...kb);
      const pad = (kbHi - kbLo) * 0.08 || kbHi * 0.2 || 1;
      const xs = niceScale(Math.max(0, kbLo - pad), kbHi + pad, Math.max(3, Math.floor(pw / 90)));
      // value ranges with a minimum span, so one variant (or near-equal ones) does not fill the whole axis
      const span = (values, minSpan, lo0, hi0) => {
        let lo = Math.min(...values);
        let hi = Math.max(...values);
        if (hi - lo < minSpan) {
          const mid = (lo + hi) / 2;
          lo = mid - minSpan / 2;
          hi = mid + minSpan / 2;
        }
        if (hi > hi0) { lo -= hi - hi0; hi = hi0; }
        return [Math.max(lo0, lo), hi];
      };
      const psnrs = variants.map((v) => v.psnr).filter(isNum);
      const ys = psnrs.length ? niceScale(...span(psnrs, 4, 0, Infinity).map((v, i) => v + (i ? 1 : -1)), 5) : null;
      const ssims = variants.map((v) => v.ssim).filter(isNum);
      const ss = ssims.length ? niceScale(...span(ssims, 0.1, 0, 1), 5) : null;
      if (ss && ss.d1 > 1) ss.d1 = 1;
      if (ss) ss.ticks = ss.ticks.filter((t) => t <= 1 + 1e-9);

      const X = (v) => m.l + ((v - xs.d0) / (xs.d1 - xs.d0)) * pw;
      const bandY = 34;
      const YP = (p) => (isNum(p) && ys ? m.t + (1 - (p - ys.d0) / (ys.d1 - ys.d0)) * ph : bandY);
      const YS = (s) => m.t + (1 - (s - ss.d0) / (ss.d1 - ss.d0)) * ph;

      const svg = sv('svg', {
        class: 'q-chart-svg', width: String(width), height: String(height), viewBox: `0 0 ${width} ${height}`,
        role: 'group', 'aria-label': 'File size against PSNR and SSIM, one point per k',
      });
      const grid = sv('g', { class: 'q-grid', 'aria-hidden': 'true' });
      const axes = sv('g', { class: 'q-axes', 'aria-hidden': 'true' });
      svg.append(grid, axes);

      // x axis
      axes.append(sv('line', { class: 'q-axis', x1: m.l, x2: m.l + pw, y1: m.t + ph, y2: m.t + ph }));
      xs.ticks.forEach((t) => {
        const x = X(t);
        axes.append(sv('line', { class: 'q-tick', x1: x, x2: x, y1: m.t + ph, y2: m.t + ph + 5 }));
        axes.append(sv('text', { class: 'q-tick-label', x, y: m.t + ph + 18, 'text-anchor': 'middle' }, xs.fmt(t)));
        grid.append(sv('line', { class: 'q-gridline q-gridline-v', x1: x, x2: x, y1: m.t, y2: m.t + ph }));
      });
      axes.append(sv('text', { class: 'q-axis-title', x: m.l + pw / 2, y: height - 10, 'text-anchor': 'middle' }, 'File size (KB)'));

      // left axis: PSNR
      axes.append(sv('line', { class: 'q-axis q-axis-psnr', x1: m.l, x2: m.l, y1: m.t, y2: m.t + ph }));
      if (ys) {
        ys.ticks.forEach((t) => {
          const y = YP(t);
          axes.append(sv('line', { class: 'q-tick q-axis-psnr', x1: m.l - 5, x2: m.l, y1: y, y2: y }));
          axes.append(sv('text', { class: 'q-tick-label q-text-psnr', x: m.l - 8, y: y + 4, 'text-anchor': 'end' }, ys.fmt(t)));
          grid.append(sv('line', { class: 'q-gridline', x1: m.l, x2: m.l + pw, y1: y, y2: y }));
        });
      }
      axes.append(sv('text', {
        class: 'q-axis-title q-text-psnr', x: 0, y: 0, 'text-anchor': 'middle',
        transform: `translate(${narrow ? 11 : 14} ${m.t + ph / 2}) rotate(-90)`,
      }, 'PSNR (dB)'));
      if (hasLossless) {
        grid.append(sv('line', { class: 'q-band-line', x1: m.l, x2: m.l + pw, y1: m.t - 12, y2: m.t - 12 }));
        axes.append(sv('text', { class: 'q-tick-label q-text-psnr q-lossless-label', x: m.l + 6, y: bandY + 4, 'text-anchor': 'start' }, 'lossless (PSNR ∞)'));
      }

      // right axis: SSIM
      if (ss) {
        axes.append(sv('line', { class: 'q-axis q-axis-ssim', x1: m.l + pw, x2: m.l + pw, y1: m.t, y2: m.t + ph }));
        ss.ticks.forEach((t) => {
          const y = YS(t);
          axes.append(sv('line', { class: 'q-tick q-axis-ssim', x1: m.l + pw, x2: m.l + pw + 5, y1: y, y2: y }));
          axes.append(sv('text', { class: 'q-tick-label q-text-ssim', x: m.l + pw + 8, y: y + 4, 'text-anchor': 'start' }, ss.fmt(t)));
        });
        axes.append(sv('text', {
          class: 'q-axis-title q-text-ssim', x: 0, y: 0, 'text-anchor': 'middle',
          transform: `translate(${width - (narrow ? 8 : 12)} ${m.t + ph / 2}) rotate(90)`,
        }, 'SSIM'));
      }

      // lines (behind the points)
      const pts = variants.map((v, i) => ({
        v, k: String(v.k), x: X(kb[i]), yp: YP(v.psnr), ys: ss && isNum(v.ssim) ? YS(v.ssim) : null,
      }));
      const lines = sv('g', { 'aria-hidden': 'true' });
      for (let i = 1; i < pts.length; i++) {
        const a = pts[i - 1];
        const b = pts[i];
        const lossy = isNum(a.v.psnr) && isNum(b.v.psnr);
        lines.append(sv('line', { class: `q-line-psnr${lossy ? '' : ' q-line-to-band'}`, x1: a.x, y1: a.yp, x2: b.x, y2: b.yp }));
        if (a.ys !== null && b.ys !== null) lines.append(sv('line', { class: 'q-line-ssim', x1: a.x, y1: a.ys, x2: b.x, y2: b.ys }));
      }
      svg.append(lines);

      // label placement: greedy, avoid earlier labels
      const placed = [];
      pts.forEach((p) => {
        placed.push({ x: p.x - 6, y: p.yp - 6, w: 12, h: 12 });
        if (p.ys !== null) placed.push({ x: p.x - 6, y: p.ys - 6, w: 12, h: 12 });
      });
      const overlaps = (r) => placed.some((q) => r.x < q.x + q.w && q.x < r.x + r.w && r.y < q.y + q.h && q.y < r.y + r.h);
      const pointsLayer = sv('g', { class: 'q-points' });
      pts.forEach((p) => {
        const isSuggested = suggested === p.v;
        const text = isSuggested ? `${p.k} ★` : p.k;
        const w = text.length * 7.5 + 4;
        const candidates = [
          [p.x, p.yp - 12, 'middle'], [p.x, p.yp + 20, 'middle'], [p.x + 10, p.yp + 4, 'start'],
          [p.x - 10, p.yp + 4, 'end'], [p.x + 9, p.yp - 9, 'start'], [p.x - 9, p.yp - 9, 'end'],
          [p.x + 9, p.yp + 17, 'start'], [p.x - 9, p.yp + 17, 'end'], [p.x, p.yp - 26, 'middle'], [p.x, p.yp + 34, 'middle'],
          [p.x + 24, p.yp + 4, 'start'], [p.x - 24, p.yp + 4, 'end'], [p.x, p.yp - 40, 'middle'],
        ];
        let choice = candidates[0];
        for (const c of candidates) {
          const left = c[2] === 'middle' ? c[0] - w / 2 : c[2] === 'start' ? c[0] : c[0] - w;
          const box = { x: left, y: c[1] - 12, w, h: 14 };
          if (!overlaps(box) && box.y > 0 && box.y + box.h < height) {
            choice = c;
            placed.push(box);
            break;
          }
        }
        const psnrText = isNum(p.v.psnr) ? `PSNR ${p.v.psnr.toFixed(1)} dB` : 'lossless (PSNR infinite)';
        const g = sv('g', {
          class: `q-point${isSuggested ? ' q-suggested' : ''}`, 'data-q-point': p.k, tabindex: '0', role: 'button',
          'aria-pressed': 'false',
          'aria-label': `k = ${p.k}${isSuggested ? ' (suggested)' : ''}: ${fmtSize(p.v.bytes)}, ${psnrText}, `
            + `SSIM ${fmtNum(p.v.ssim, 3)}. Show on the right side.`,
        });
        g.append(sv('title', null, `k = ${p.k}${isSuggested ? ' (suggested)' : ''} · ${fmtSize(p.v.bytes)} · ${psnrText} · SSIM ${fmtNum(p.v.ssim, 3)}`));
        if (p.ys !== null) g.append(sv('line', { class: 'q-guide', x1: p.x, x2: p.x, y1: p.yp, y2: p.ys }));
        g.append(sv('circle', { class: 'q-hit', cx: p.x, cy: p.yp, r: 14 }));
        if (p.ys !== null) g.append(sv('circle', { class: 'q-hit', cx: p.x, cy: p.ys, r: 11 }));
        if (p.ys !== null) { // the strip between the two markers is clickable too (it holds the group's centre)
          g.append(sv('rect', { class: 'q-hit', x: p.x - 8, width: 16, y: Math.min(p.yp, p.ys), height: Math.abs(p.yp - p.ys) }));
        }
        g.append(sv('circle', { class: 'q-focus-ring', cx: p.x, cy: p.yp, r: 13 }));
        if (isSuggested) g.append(sv('circle', { class: 'q-ring', cx: p.x, cy: p.yp, r: 9.5 }));
        g.append(sv('circle', { class: 'q-dot-psnr', cx: p.x, cy: p.yp, r: 5 }));
        if (p.ys !== null) g.append(sv('path', { class: 'q-dot-ssim', d: diamond(p.x, p.ys, 5.5) }));
        g.append(sv('text', { class: 'q-point-label', x: choice[0], y: choice[1], 'text-anchor': choice[2] }, text));
        g.addEventListener('click', () => setSide('right', p.k));
        g.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            setSide('right', p.k);
          }
        });
        pointsLayer.append(g);
      });
      svg.append(pointsLayer);

      const focusedK = chartBox.contains(document.activeElement) ? document.activeElement.getAttribute('data-q-point') : null;
      chartBox.replaceChildren(svg);
      markCurrent();
      if (focusedK) {
        const again = chartBox.querySelector(`[data-q-point="${CSS.escape(focusedK)}"]`);
        if (again) again.focus({ preventScroll: true });
      }
    }

    // ================================================================ go
    setSplit(50);
    setSide('left', state.left);
    setSide('right', state.right);
    layout();
    renderChart();
    if (window.ResizeObserver) {
      let chartWidth = chartBox.clientWidth;
      new ResizeObserver(() => window.requestAnimationFrame(() => {
        if (chartBox.clientWidth !== chartWidth) {
          chartWidth = chartBox.clientWidth;
          renderChart();
        }
      })).observe(chartBox);
    }

    const settle = (img) => (img.complete ? Promise.resolve() : new Promise((resolve) => {
      img.addEventListener('load', resolve, { once: true });
      img.addEventListener('error', resolve, { once: true });
    }));
    Promise.race([
      Promise.all([settle(leftImg), settle(rightImg)]),
      new Promise((resolve) => { window.setTimeout(resolve, 10000); }),
    ]).then(() => {
      layout();
      root.setAttribute('data-q-ready', 'true');
    });
  }
}());
