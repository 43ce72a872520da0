// Pixelwise pages: DOM builders and number formatting shared by the page modules (compare viewer,
// quantize-*.js, upscale.js). Strict CSP: no inline style attributes — styles go through the CSSOM
// (element.style.x) or classes.

export const SVG_NS = 'http://www.w3.org/2000/svg';
export const NF = new Intl.NumberFormat('en');

let uid = 0;
export const nextId = (name) => `pw-${name}-${++uid}`;

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
export const el = (tag, props, children) => build(document.createElement(tag), props, children);
export const sv = (tag, props, children) => build(document.createElementNS(SVG_NS, tag), props, children);
export const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
export const isNum = (x) => typeof x === 'number' && Number.isFinite(x);

export function fmtSize(bytes) {
  if (!isNum(bytes)) return '—';
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(2)} MB`;
  return `${(bytes / 1e3).toFixed(1)} KB`;
}
export const fmtNum = (x, digits) => (isNum(x) ? x.toFixed(digits).replace(/^-/, '−') : '—');
export const fmtPct = (x, digits = 1) => (isNum(x) ? `${fmtNum(x * 100, digits)}%` : '—');
export const fmtZoom = (z) => String(Math.round(z * 100) / 100);
export function fmtRoughPct(fraction) {
  const p = fraction * 100;
  return p < 1 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
}

/**
 * Makes `zone` take drops: highlighted (class "dragging") while something is dragged over it, and
 * `onDrop` called with the drop event (its default, opening the file, prevented).
 */
export function dropTarget(zone, onDrop) {
  ['dragenter', 'dragover'].forEach((type) => zone.addEventListener(type, (e) => {
    e.preventDefault();
    zone.classList.add('dragging');
  }));
  ['dragleave', 'drop'].forEach((type) => zone.addEventListener(type, () => zone.classList.remove('dragging')));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    onDrop(e);
  });
}
