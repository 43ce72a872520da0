// Pixelwise compare viewer, shared by the result pages that put two images side by side (quantize,
// upscale, segment): two images stacked, the right one clipped at a draggable divider, with shared zoom
// and pan. Either side shows any of the page's sources; the right side can be covered by one overlay
// element, or carry one layered over its image (in the image's own box, so it fits at every zoom).
// Strict CSP: styles go through the CSSOM or the cv- classes of compare-viewer.css.
import { el, sv, clamp, isNum, fmtSize, fmtZoom, fmtRoughPct, nextId } from './dom.js';

const ZOOM_MIN = 1;
const ZOOM_MAX = 32;

/**
 * options:
 *   sources   Map of id → { id, name, option (select text), group (optgroup label), bytes?, pixelated? };
 *             a pixelated source is always drawn with nearest-neighbour pixels (a smaller original
 *             stretched to the box)
 *   left, right  the ids shown first
 *   url(src)     where a source's image is
 *   width, height  the picture's size in px; when absent, the first image that loads gives it
 *   describe(src)  the line under a side's name (default: none)
 *   alt(src)       the image's alternative text (default: its name)
 *   onSideChange(side, src)  called after a side changes
 *   onHover(point)  called as the pointer moves over the stage: { x, y } in image pixels (fractional,
 *                   0 ≤ x < width) while it is over the picture, null when it leaves it
 */
export function createViewer(options) {
  const { sources, url: urlOf } = options;
  const describe = options.describe || (() => '');
  const altOf = options.alt || ((src) => src.name);
  const onSideChange = options.onSideChange || (() => {});
  const onHover = options.onHover || null;
  let imgW = isNum(options.width) && options.width > 0 ? options.width : 0;
  let imgH = isNum(options.height) && options.height > 0 ? options.height : 0;
  const state = {
    left: options.left, right: options.right, split: 50, zoom: 1, cx: imgW / 2, cy: imgH / 2, overlay: null,
  };

  // ---- side selects, grouped by kind of file (a source without a group is a plain option)
  const selects = {};
  function sideSelect(side) {
    const id = nextId(`side-${side}`);
    const groups = new Map();
    sources.forEach((s) => {
      const group = s.group || '';
      if (!groups.has(group)) groups.set(group, []);
      groups.get(group).push(el('option', { value: s.id, text: s.option || s.name }));
    });
    const select = el('select', { id, 'data-cv-side': side },
      [...groups.entries()].flatMap(([label, opts]) => (label ? [el('optgroup', { label }, opts)] : opts)));
    select.addEventListener('change', () => setSide(side, select.value));
    selects[side] = select;
    return el('div', { class: `cv-field cv-field-${side}` }, [
      el('label', { for: id, text: side === 'left' ? 'Left side' : 'Right side' }), select,
    ]);
  }
  const swapButton = el('button', {
    type: 'button', class: 'cv-btn cv-swap', 'data-cv-swap': true, 'aria-label': 'Swap left and right', title: 'Swap left and right',
  }, '⇄');
  swapButton.addEventListener('click', () => {
    const { left, right } = state;
    setSide('left', right);
    setSide('right', left);
  });
  const controls = el('div', { class: 'cv-controls' }, [sideSelect('left'), swapButton, sideSelect('right')]);

  // ---- zoom buttons
  const zoomOut = el('button', { type: 'button', class: 'cv-btn', 'data-cv-zoom': 'out', 'aria-label': 'Zoom out', title: 'Zoom out (−)' }, '−');
  const zoomIn = el('button', { type: 'button', class: 'cv-btn', 'data-cv-zoom': 'in', 'aria-label': 'Zoom in', title: 'Zoom in (+)' }, '+');
  const zoomReset = el('button', { type: 'button', class: 'cv-btn', 'data-cv-zoom': 'reset', 'aria-label': 'Reset zoom to fit', title: 'Fit (0)' }, 'Fit');
  const zoomLevel = el('output', { class: 'cv-zoom-level', 'aria-live': 'polite', 'data-cv-zoom-level': true }, '1×');
  zoomIn.addEventListener('click', () => { if (state.zoom < ZOOM_MAX) zoomAt(state.zoom * 2); });
  zoomOut.addEventListener('click', () => { if (state.zoom > ZOOM_MIN) zoomAt(state.zoom / 2); });
  zoomReset.addEventListener('click', resetView);
  const zoomGroup = el('span', { class: 'cv-zoom-group' }, [zoomOut, zoomLevel, zoomIn, zoomReset]);

  // ---- labels and size difference
  const leftName = el('span', { class: 'cv-side-name', 'data-cv-left-label': true });
  const leftSize = el('span', { class: 'cv-side-size', 'data-cv-left-size': true });
  const rightName = el('span', { class: 'cv-side-name', 'data-cv-right-label': true });
  const rightMode = el('span', { class: 'cv-side-mode', hidden: true, 'data-cv-right-mode': true });
  const rightSize = el('span', { class: 'cv-side-size', 'data-cv-right-size': true });
  const sizeDiff = el('span', { 'data-cv-size-diff': true });
  const labels = el('div', { class: 'cv-sides' }, [
    el('p', { class: 'cv-side cv-side-left' }, [leftName, leftSize]),
    el('p', { class: 'cv-side cv-side-right' }, [el('span', null, [rightName, rightMode]), rightSize]),
  ]);
  const sizeLine = el('p', { class: 'cv-size-line' }, [el('span', { class: 'cv-muted' }, 'File size: '), sizeDiff]);

  // ---- stage
  const leftImg = el('img', { class: 'cv-img', alt: '', draggable: 'false', decoding: 'async', 'data-cv-img': 'left' });
  const rightImg = el('img', { class: 'cv-img', alt: '', draggable: 'false', decoding: 'async', 'data-cv-img': 'right' });
  const leftXform = el('div', { class: 'cv-xform' }, leftImg);
  const rightXform = el('div', { class: 'cv-xform' }, rightImg);
  const leftLayer = el('div', { class: 'cv-layer cv-layer-left' }, leftXform);
  const rightLayer = el('div', { class: 'cv-layer cv-layer-right' }, rightXform);
  const leftTag = el('span', { class: 'cv-tag cv-tag-left', 'aria-hidden': 'true' });
  const rightTag = el('span', { class: 'cv-tag cv-tag-right', 'aria-hidden': 'true' });
  const stageMessage = el('p', { class: 'cv-stage-message', role: 'status', hidden: true });
  const wheelHint = el('p', { class: 'cv-wheel-hint', 'aria-hidden': 'true' },
    'Hold Ctrl (⌘) and scroll to zoom — or click the picture first');
  const grip = el('span', { class: 'cv-grip', 'aria-hidden': 'true' }, sv('svg', { viewBox: '0 0 24 24', width: '22', height: '22', focusable: 'false' }, [
    sv('path', { d: 'M9 6 3 12l6 6M15 6l6 6-6 6', fill: 'none', stroke: 'currentColor', 'stroke-width': '2.5', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' }),
  ]));
  const divider = el('div', {
    class: 'cv-divider', role: 'slider', tabindex: '0', 'aria-label': 'Split position',
    'aria-orientation': 'horizontal', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '50',
    'data-cv-divider': true,
  }, grip);
  const helpId = nextId('help');
  const stage = el('div', {
    class: 'cv-stage', tabindex: '0', role: 'group', 'aria-label': 'Image comparison',
    'aria-describedby': helpId, 'data-cv-stage': true, 'data-zoom': '1',
  }, [leftLayer, rightLayer, leftTag, rightTag, divider, stageMessage, wheelHint]);
  const help = el('p', { class: 'hint cv-help', id: helpId },
    'Drag the handle (or focus it and use the arrow keys) to move the split. Zoom with the + and − buttons, '
    + 'the + and − keys, Ctrl + mouse wheel or a pinch; when zoomed in, drag the picture or use the arrow keys '
    + 'to pan. Double-click zooms in.');

  // ================================================================ layout, zoom, pan
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
    const transform = `translate(${W / 2 - state.cx * s}px, ${H / 2 - state.cy * s}px) scale(${s})`;
    leftXform.style.transform = transform;
    rightXform.style.transform = transform;
    const zoomed = state.zoom > 1.001;
    stage.setAttribute('data-zoom', fmtZoom(state.zoom));
    stage.setAttribute('data-pan', `${Math.round(state.cx)},${Math.round(state.cy)}`);
    stage.classList.toggle('cv-zoomed', zoomed);
    // Show real pixels once the image is blown up: past 2× zoom, or when one image pixel covers ≥ 2 screen pixels.
    stage.classList.toggle('cv-pixelated', state.zoom > 2 || s >= 2);
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
    const ix = state.cx + (px - W / 2) / s0; // the image point under (px, py) stays put
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
    rightTag.classList.toggle('cv-tag-hidden', p > 88);
    leftTag.classList.toggle('cv-tag-hidden', p < 12);
    divider.setAttribute('aria-valuenow', String(Math.round(state.split)));
    divider.setAttribute('aria-valuetext',
      `${Math.round(state.split)}%: left shows ${sources.get(state.left).name}, right shows ${sources.get(state.right).name}`);
  }

  const localPoint = (e) => {
    const r = stage.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  /** The image pixel under a point of the page (client coordinates), or null off the picture. */
  function imagePoint(clientX, clientY) {
    if (!W || !imgW || !imgH) return null;
    const r = stage.getBoundingClientRect();
    const px = clientX - r.left;
    const py = clientY - r.top;
    if (px < 0 || py < 0 || px >= W || py >= H) return null;
    const s = base * state.zoom;
    const x = state.cx + (px - W / 2) / s;
    const y = state.cy + (py - H / 2) / s;
    return x >= 0 && y >= 0 && x < imgW && y < imgH ? { x, y } : null;
  }
  if (onHover) {
    const hover = (e) => onHover(imagePoint(e.clientX, e.clientY));
    stage.addEventListener('pointermove', hover);
    stage.addEventListener('pointerdown', hover);
    stage.addEventListener('pointerleave', () => onHover(null));
    stage.addEventListener('wheel', hover, { passive: true }); // the picture moves under a still pointer
  }

  // -- divider: its own pointer capture, never starts a pan
  let dividerPointer = null;
  divider.addEventListener('pointerdown', (e) => {
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    divider.focus({ preventScroll: true });
    try { divider.setPointerCapture(e.pointerId); } catch (_) { /* already gone */ }
    dividerPointer = e.pointerId;
    stage.classList.add('cv-moving-split');
  });
  divider.addEventListener('pointermove', (e) => {
    if (e.pointerId !== dividerPointer || !W) return;
    setSplit((localPoint(e).x / W) * 100);
  });
  const endDivider = (e) => {
    if (e.pointerId !== dividerPointer) return;
    dividerPointer = null;
    stage.classList.remove('cv-moving-split');
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
    stage.classList.remove('cv-panning');
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
        stage.classList.add('cv-panning');
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
      wheelHint.classList.add('cv-visible');
      window.clearTimeout(hintTimer);
      hintTimer = window.setTimeout(() => wheelHint.classList.remove('cv-visible'), 1400);
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
  const sideImage = (side) => (side === 'left' ? leftImg : rightImg);
  ['left', 'right'].forEach((side) => {
    const img = sideImage(side);
    img.addEventListener('load', () => {
      stage.classList.remove(`cv-loading-${side}`);
      if (!imgW || !imgH) {
        setDims(img.naturalWidth, img.naturalHeight);
        layout();
      }
      if (!stage.classList.contains('cv-loading-left') && !stage.classList.contains('cv-loading-right')) stageMessage.hidden = true;
    });
    img.addEventListener('error', () => {
      stage.classList.remove(`cv-loading-${side}`);
      const src = sources.get(state[side]);
      stageMessage.textContent = `Could not load ${src.file || src.name} for the ${side} side.`;
      stageMessage.hidden = false;
    });
  });

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
    const mode = state.overlay ? state.overlay.label : '';
    rightMode.textContent = mode ? ` · ${mode}` : '';
    rightMode.hidden = !mode;
    leftTag.textContent = L.name;
    rightTag.textContent = mode ? `${R.name} · ${mode}` : R.name;
    sizeDiff.textContent = sizeDiffText();
    leftImg.alt = `Left: ${altOf(L)}`;
    rightImg.alt = `Right: ${altOf(R)}`;
    setSplit(state.split); // refreshes aria-valuetext
  }

  function setSide(side, id) {
    if (!sources.has(id)) return;
    state[side] = id;
    const src = sources.get(id);
    if (selects[side].value !== id) selects[side].value = id;
    const img = sideImage(side);
    const url = urlOf(src);
    if (img.getAttribute('src') !== url) {
      stage.classList.add(`cv-loading-${side}`);
      img.src = url;
    }
    img.classList.toggle('cv-img-pixelated', !!src.pixelated);
    updateLabels();
    onSideChange(side, src);
  }

  /**
   * Covers the right side with one overlay element (a canvas or image the size of the picture), or
   * uncovers it (null). The label names the overlay in the side's caption. With { keepImage: true }
   * the side's image stays visible under the element (a translucent layer, e.g. a class mask); the
   * element is stretched to the image's box, so it stays on the picture at every zoom.
   */
  function setOverlay(node, label, { keepImage = false } = {}) {
    [...rightXform.children].forEach((c) => { if (c !== rightImg && c !== node) c.remove(); });
    state.overlay = node ? { node, label } : null;
    if (node) {
      node.classList.add('cv-overlay');
      if (node.parentNode !== rightXform) rightXform.append(node);
    }
    rightImg.hidden = !!node && !keepImage;
    stage.classList.toggle('cv-overlay-on', !!node);
    updateLabels();
  }

  function ready() {
    const settle = (img) => (img.complete ? Promise.resolve() : new Promise((resolve) => {
      img.addEventListener('load', resolve, { once: true });
      img.addEventListener('error', resolve, { once: true });
    }));
    return Promise.race([
      Promise.all([settle(leftImg), settle(rightImg)]),
      new Promise((resolve) => { window.setTimeout(resolve, 10000); }),
    ]).then(layout);
  }

  /** Once the pieces are in the page: the split in the middle, both sides loaded, laid out. */
  function start() {
    setSplit(50);
    setSide('left', state.left);
    setSide('right', state.right);
    layout();
    return ready();
  }

  return {
    state, controls, zoomGroup, labels, sizeLine, stage, help, setSide, setOverlay, setSplit, layout, start,
    imagePoint, current: (side) => sources.get(state[side]),
  };
}
