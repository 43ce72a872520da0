// Pixelwise quantize page: what can cover the right side of the viewer — the difference heat-map
// (computed here from the two images), the server's per-pixel ΔE error map, and the pixels of one
// palette colour. One at a time; each has a caption under the stage.
import { el, isNum, fmtNum, fmtPct, NF } from './dom.js';

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

/** Decoded RGBA pixels of a served file; the original's are kept, everything else is read again. */
function pixelLoader(fileUrl, keep) {
  const cache = new Map();
  return function loadPixels(file) {
    if (cache.has(file)) return cache.get(file);
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
    if (file === keep) {
      cache.set(file, promise);
      promise.catch(() => cache.delete(file));
    }
    return promise;
  };
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

/** Keeps the pixels whose colour is `color` ("#rrggbb" or "transparent"), darkens the rest. */
function computeHighlight(px, color) {
  const transparent = color === 'transparent';
  const rgb = transparent ? [0, 0, 0] : [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  const out = new ImageData(px.width, px.height);
  const P = px.data;
  const O = out.data;
  let count = 0;
  for (let j = 0; j < P.length; j += 4) {
    const hit = transparent ? P[j + 3] === 0
      : P[j + 3] !== 0 && P[j] === rgb[0] && P[j + 1] === rgb[1] && P[j + 2] === rgb[2];
    if (hit) {
      count++;
      O[j] = transparent ? 255 : P[j];
      O[j + 1] = transparent ? 0 : P[j + 1];
      O[j + 2] = transparent ? 255 : P[j + 2];
      O[j + 3] = 255;
    } else {
      const grey = 20 + (0.299 * P[j] + 0.587 * P[j + 1] + 0.114 * P[j + 2]) * 0.22;
      O[j] = grey;
      O[j + 1] = grey;
      O[j + 2] = grey;
      O[j + 3] = 255;
    }
  }
  return { image: out, count, total: px.width * px.height };
}

const toCanvas = (image, attrs) => {
  const canvas = el('canvas', { role: 'img', ...attrs });
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext('2d').putImageData(image, 0, 0);
  return canvas;
};

export function createOverlays(model, viewer, fileUrl) {
  const loadPixels = pixelLoader(fileUrl, model.originalFile);
  let mode = null; // 'diff' | 'error' | 'highlight'
  let highlightColor = null;
  let token = 0;
  const listeners = [];

  // ---- toggles
  const toggle = (label, attr) => el('button', {
    type: 'button', class: 'cv-btn q-toggle', 'aria-pressed': 'false', [attr]: true,
  }, [el('span', { class: 'q-toggle-box', 'aria-hidden': 'true' }), label]);
  const diffToggle = toggle('Difference heat-map', 'data-q-diff-toggle');
  const errorToggle = toggle('Error map (ΔE)', 'data-q-errormap-toggle');
  diffToggle.addEventListener('click', () => set(mode === 'diff' ? null : 'diff'));
  errorToggle.addEventListener('click', () => {
    if (errorToggle.getAttribute('aria-disabled') === 'true') return;
    set(mode === 'error' ? null : 'error');
  });

  // ---- captions
  const diffStatus = el('span', { class: 'q-diff-status', role: 'status' });
  const rampMax = el('span', { class: 'q-ramp-max' }, '');
  const ramp = el('span', { class: 'q-ramp-legend' }, [
    el('span', { class: 'q-ramp-min' }, '0'), el('span', { class: 'q-ramp', 'aria-hidden': 'true' }), rampMax,
  ]);
  const diffCaption = el('p', { class: 'q-diff-caption', hidden: true, 'data-q-diff-caption': true }, [diffStatus, ramp]);
  const errorCaption = el('p', { class: 'q-diff-caption', hidden: true, role: 'status', 'data-q-errormap-caption': true });
  const highlightCaption = el('p', { class: 'q-diff-caption', hidden: true, role: 'status', 'data-q-highlight-caption': true });
  const captions = el('div', { class: 'q-captions' }, [diffCaption, errorCaption, highlightCaption]);

  const rightVariant = () => {
    const src = viewer.current('right');
    return src.kind === 'palette' ? src.variant : null;
  };

  function syncErrorToggle() {
    const v = rightVariant();
    const available = !!(v && v.errorMap);
    errorToggle.setAttribute('aria-disabled', String(!available));
    errorToggle.title = available ? `Per-pixel ΔE of k = ${v.k} (from the server)`
      : 'The error map exists for palette variants of results that have one';
  }

  function clearCaptions() {
    [diffCaption, errorCaption, highlightCaption].forEach((c) => { c.hidden = true; });
    diffCaption.removeAttribute('data-q-diff-max');
    diffCaption.removeAttribute('data-q-diff-mean');
    highlightCaption.removeAttribute('data-q-highlight-count');
    highlightCaption.removeAttribute('data-q-highlight-color');
  }

  function showDiff(t) {
    const src = viewer.current('right');
    diffCaption.hidden = false;
    rampMax.textContent = '';
    if (src.kind === 'original') {
      viewer.setOverlay(null);
      diffStatus.textContent = 'The right side shows the original itself; choose a variant on the right to see its difference heat-map.';
      ramp.hidden = true;
      return;
    }
    ramp.hidden = false;
    diffStatus.textContent = `Computing the difference between ${src.name} and the original…`;
    Promise.all([loadPixels(model.originalFile), loadPixels(src.file)]).then(([a, b]) => {
      if (t !== token) return;
      if (a.width !== b.width || a.height !== b.height) {
        throw new Error(`${src.file} is ${b.width} × ${b.height} px but the original is ${a.width} × ${a.height} px`);
      }
      const r = computeHeat(a, b);
      viewer.setOverlay(toCanvas(r.image, {
        'data-q-heat': true, 'aria-label': `Difference heat-map of ${src.name} against the original`,
      }), 'heat-map');
      diffCaption.setAttribute('data-q-diff-max', r.max.toFixed(2));
      diffCaption.setAttribute('data-q-diff-mean', r.mean.toFixed(3));
      diffStatus.textContent = `Per-pixel RGB distance, ${src.name} against the original: `
        + `max ${r.max.toFixed(1)}, mean ${r.mean.toFixed(2)} (of at most 441.7). Colour scale:`;
      rampMax.textContent = r.max > 0 ? r.max.toFixed(0) : '0';
    }).catch((err) => {
      if (t !== token) return;
      viewer.setOverlay(null);
      diffStatus.textContent = `No heat-map: ${err.message}.`;
    });
  }

  function showError(t) {
    const v = rightVariant();
    errorCaption.hidden = false;
    if (!v || !v.errorMap) {
      viewer.setOverlay(null);
      errorCaption.textContent = 'No error map for this side: choose a palette variant on the right.';
      return;
    }
    const img = el('img', {
      alt: `Per-pixel ΔE error map of k = ${v.k}`, draggable: 'false', 'data-q-errormap-img': true,
    });
    img.addEventListener('error', () => {
      if (t === token) errorCaption.textContent = `Could not load ${v.errorMap}.`;
    });
    img.src = fileUrl(v.errorMap);
    viewer.setOverlay(img, 'error map');
    const parts = [];
    if (isNum(v.deltaEP99)) parts.push(`99th percentile ΔE = ${fmtNum(v.deltaEP99, 2)}`);
    if (isNum(v.deltaE)) parts.push(`mean ΔE = ${fmtNum(v.deltaE, 2)}`);
    errorCaption.textContent = `Error map of k = ${v.k} (per-pixel CIEDE2000 against the original)`
      + `${parts.length ? `: ${parts.join(', ')}` : ''}.`;
    if (isNum(v.deltaEP99)) errorCaption.setAttribute('data-q-p99', String(v.deltaEP99));
    else errorCaption.removeAttribute('data-q-p99');
  }

  function showHighlight(t) {
    const src = viewer.current('right');
    const color = highlightColor;
    highlightCaption.hidden = false;
    highlightCaption.textContent = `Finding the pixels of ${color}…`;
    loadPixels(src.file).then((px) => {
      if (t !== token) return;
      const r = computeHighlight(px, color);
      viewer.setOverlay(toCanvas(r.image, {
        'data-q-highlight': color, 'aria-label': `Pixels of ${color} in ${src.name}`,
      }), `${color} only`);
      highlightCaption.setAttribute('data-q-highlight-color', color);
      highlightCaption.setAttribute('data-q-highlight-count', String(r.count));
      highlightCaption.textContent = `Showing the pixels of ${color} in ${src.name}: ${NF.format(r.count)} of `
        + `${NF.format(r.total)} (${fmtPct(r.total ? r.count / r.total : 0)}); the rest is darkened. `
        + 'Click the swatch again to clear.';
    }).catch((err) => {
      if (t !== token) return;
      viewer.setOverlay(null);
      highlightCaption.textContent = `No highlight: ${err.message}.`;
    });
  }

  function set(next, color) {
    const t = ++token;
    mode = next;
    highlightColor = next === 'highlight' ? color : null;
    diffToggle.setAttribute('aria-pressed', String(mode === 'diff'));
    errorToggle.setAttribute('aria-pressed', String(mode === 'error'));
    clearCaptions();
    if (mode === 'diff') showDiff(t);
    else if (mode === 'error') showError(t);
    else if (mode === 'highlight') showHighlight(t);
    else viewer.setOverlay(null);
    listeners.forEach((fn) => fn(highlightColor));
  }

  return {
    toggles: [diffToggle, errorToggle],
    captions,
    /** The right side changed: redo the overlay for the new image (a highlight belongs to the old palette). */
    rightChanged() {
      syncErrorToggle();
      if (mode === 'highlight') set(null);
      else if (mode) set(mode);
    },
    /** Shows only `color`'s pixels of the right side, or clears the highlight (null or the same colour again). */
    highlight(color) {
      if (!color || (mode === 'highlight' && highlightColor === color)) set(null);
      else set('highlight', color);
    },
    onHighlight(fn) { listeners.push(fn); },
  };
}
