// Pixelwise quantize page: one table of the palette variants, one of every other encoded file.
// A row (or its button) puts that file on the right side of the viewer. On a phone each row becomes a
// card of labelled values (quantize.css): every cell carries its column's name in data-label, and the
// table roles are explicit, since display: block/grid drops them in some browsers.
import { el, isNum, fmtNum, fmtPct } from './dom.js';
import { formatName } from './quantize-sources.js';

function convergedText(c) {
  if (!c) return '—';
  const key = String(c).toLowerCase().replace(/_/g, '-');
  return ({ 'no-change': 'no change', tolerance: 'within tolerance', 'max-iterations': 'iteration limit' })[key] || key;
}
const head = (text, title, num = true) => el('th', { scope: 'col', role: 'columnheader', class: num ? 'q-num' : null, 'data-label': text },
  title ? el('abbr', { title }, text) : text);
const num = (text) => el('td', { class: 'q-num' }, text);
/** A body row: cells named after their columns (the card labels on a phone), roles spelled out. */
function row(props, cells, heads) {
  cells.forEach((cell, i) => {
    cell.setAttribute('role', cell.tagName === 'TH' ? 'rowheader' : 'cell');
    if (cell.tagName === 'TD') cell.setAttribute('data-label', heads[i].getAttribute('data-label'));
  });
  return el('tr', { role: 'row', ...props }, cells);
}
const table = (props, caption, heads, body) => el('table', { role: 'table', ...props }, [
  el('caption', null, caption),
  el('thead', { role: 'rowgroup' }, el('tr', { role: 'row' }, heads)),
  body,
]);
const psnrCell = (psnr, lossless) => num(isNum(psnr) ? fmtNum(psnr, 1) : (lossless ? '∞ lossless' : '—'));

export function createTables(model, fileUrl, show) {
  const rows = new Map(); // source id → { tr, button }
  const { variants, suggested, formats } = model;
  const bar = model.bar;

  const downloadLink = (file, text, what) => el('a', { href: `${fileUrl(file)}?download=1`, download: file, class: 'q-download' }, [
    text, el('span', { class: 'visually-hidden' }, ` of ${what}`),
  ]);
  const rowButton = (label, text) => el('button', { type: 'button', class: 'q-rowbtn', 'aria-pressed': 'false', 'aria-label': label }, text);
  const clickable = (tr, id) => tr.addEventListener('click', (e) => {
    if (!e.target.closest('a')) show(id);
  });

  // ---- palette variants
  const variantHeads = [
    head('k', 'Number of palette colours', false), head('Size (KB)'), head('Bits/px', 'Bits per pixel'),
    head('Saved vs original'), head('Saved vs lossless PNG'), head('PSNR (dB)', 'Peak signal-to-noise ratio'),
    head('SSIM', 'Structural similarity (1 = identical)'), head('ΔE', 'Mean colour difference (CIEDE2000)'),
    head('ΔE p99', '99th percentile of the per-pixel colour difference'),
    head('Iterations'), head('Converged', null, false), head('Download', null, false),
  ];
  const variantBody = el('tbody', { role: 'rowgroup' });
  variants.forEach((v) => {
    const id = String(v.k);
    const isSuggested = suggested === v;
    const button = rowButton(`Show k = ${v.k} on the right side`, String(v.k));
    const tr = row({ 'data-q-row': id, class: isSuggested ? 'q-suggested' : null }, [
      el('th', { scope: 'row' }, [button, isSuggested ? el('span', { class: 'q-badge' }, 'suggested') : null]),
      num(isNum(v.bytes) ? (v.bytes / 1000).toFixed(1) : '—'),
      num(fmtNum(v.bitsPerPixel, 2)),
      num(fmtPct(v.savedVsOriginal)),
      num(fmtPct(v.savedVsLossless)),
      psnrCell(v.psnr, v.lossless),
      num(fmtNum(v.ssim, 3)),
      num(fmtNum(v.deltaE, 2)),
      num(fmtNum(v.deltaEP99, 2)),
      num(isNum(v.iterations) ? String(v.iterations) : '—'),
      el('td', null, convergedText(v.converged)),
      el('td', null, downloadLink(v.file || `k${v.k}.png`, 'PNG', `k = ${v.k}`)),
    ], variantHeads);
    clickable(tr, id);
    rows.set(id, { tr, button });
    variantBody.append(tr);
  });
  const variantTable = table({ class: 'q-table', 'data-q-table': true },
    `Every palette variant; choose a k to show it on the right side.${suggested
      ? ` Suggested: k = ${suggested.k}${bar ? ' (the smallest that meets the quality bar)' : ''}.` : ''}`
      + `${isNum(model.elbowK) ? ` Elbow of inertia: k = ${model.elbowK}.` : ''}`,
    variantHeads, variantBody);

  // ---- other formats
  let formatSection = null;
  if (formats.length) {
    const formatHeads = [
      head('Format', null, false), head('Quality'), head('Source', 'What was encoded, or whose size was matched', false),
      head('Size (KB)'), head('PSNR (dB)', 'Peak signal-to-noise ratio'), head('SSIM', 'Structural similarity (1 = identical)'),
      head('ΔE', 'Mean colour difference (CIEDE2000)'), head('File', null, false),
    ];
    const formatBody = el('tbody', { role: 'rowgroup' });
    formats.forEach((f) => {
      const id = f.file && model.sources.has(f.file) ? f.file : null;
      const button = id ? rowButton(`Show ${f.name} on the right side`, formatName(f.format)) : formatName(f.format);
      const tr = row({ 'data-q-frow': f.file || '', 'data-q-format': f.key }, [
        el('th', { scope: 'row' }, button),
        num(isNum(f.quality) ? String(f.quality) : '—'),
        el('td', null, f.owner ? `k = ${f.owner.k}` : (f.matchedTo || 'original')),
        num(isNum(f.bytes) ? (f.bytes / 1000).toFixed(1) : '—'),
        psnrCell(f.psnr, f.lossless),
        num(fmtNum(f.ssim, 3)),
        num(fmtNum(f.deltaE, 2)),
        el('td', null, f.file ? downloadLink(f.file, f.file, f.name) : '—'),
      ], formatHeads);
      if (id) {
        clickable(tr, id);
        rows.set(id, { tr, button });
      }
      formatBody.append(tr);
    });
    const formatTable = table({ class: 'q-table', 'data-q-format-table': true },
      'The original in other formats: at a few qualities, and at each palette variant\'s size; '
        + 'lossless WebP of each palette image. Choose a row to show it on the right side.',
      formatHeads, formatBody);
    formatSection = el('section', { class: 'q-section', 'aria-label': 'Other formats' }, [
      el('h3', { class: 'q-h3' }, 'Other formats'),
      el('div', { class: 'q-table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Formats table' }, formatTable),
    ]);
  }

  const section = el('section', { class: 'q-section', 'aria-label': 'All variants' }, [
    el('h3', { class: 'q-h3' }, 'All variants'),
    el('div', { class: 'q-table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Variants table' }, variantTable),
  ]);

  function markCurrent(rightId) {
    rows.forEach(({ tr, button }, id) => {
      const current = id === rightId;
      tr.classList.toggle('q-current', current);
      if (typeof button !== 'string') button.setAttribute('aria-pressed', String(current));
    });
  }
  return { sections: [section, formatSection], markCurrent };
}
