// Pixelwise quantize page: the palette of the right side's variant, each colour as wide as its share of
// the pixels. Clicking a colour shows only its pixels in the viewer; clicking it again clears that.
import { el, isNum, fmtPct, NF } from './dom.js';

export function createPalette(model, overlays) {
  const title = el('h3', { class: 'q-h3' }, 'Palette');
  const note = el('p', { class: 'q-palette-note' });
  const box = el('div', { class: 'q-palette', role: 'group', 'aria-label': 'Palette colours', 'data-q-palette': true });
  const chip = el('span', { class: 'q-chip', 'aria-hidden': 'true' });
  const readoutText = el('span', { class: 'q-readout-text' });
  const readout = el('p', { class: 'q-palette-readout', 'aria-live': 'polite' }, [chip, readoutText]);
  const section = el('section', { class: 'q-section q-palette-section', 'aria-label': 'Palette' }, [title, note, box, readout]);
  const unique = isNum(model.original.uniqueColors) ? `${NF.format(model.original.uniqueColors)} unique colours` : null;

  function show(swatch) {
    chip.style.backgroundColor = swatch.getAttribute('data-color');
    readoutText.textContent = swatch.getAttribute('data-label');
    box.querySelectorAll('.q-swatch-active').forEach((s) => s.classList.remove('q-swatch-active'));
    swatch.classList.add('q-swatch-active');
  }

  function render(src) {
    box.replaceChildren();
    if (src.kind !== 'palette') {
      title.textContent = 'Palette';
      note.textContent = src.kind === 'original'
        ? `The right side shows the original${unique ? ` (${unique})` : ''}; choose a palette variant to see its palette.`
        : `The right side shows ${src.name}, which has no palette; choose a palette variant to see one.`;
      readout.hidden = true;
      box.hidden = true;
      return;
    }
    const palette = (Array.isArray(src.variant.palette) ? src.variant.palette : []).filter((p) => p && p.color);
    title.textContent = `Palette of k = ${src.variant.k}`;
    note.textContent = palette.length === 0 ? 'This result lists no palette colours for this variant.'
      : `${palette.length} colours${unique ? `, from the original's ${unique}` : ''}. `
        + 'Each box is as wide as that colour\'s share of the pixels; click one to see where its pixels are.';
    readout.hidden = palette.length === 0;
    box.hidden = palette.length === 0;
    palette.forEach((p, i) => {
      const share = isNum(p.share) ? p.share : 0;
      const label = `${p.color} · ${fmtPct(share, share < 0.001 ? 2 : 1)} of pixels`;
      const swatch = el('button', {
        type: 'button', class: 'q-swatch', tabindex: i === 0 ? '0' : '-1', title: `${label} (click to show its pixels)`,
        'aria-label': `${label}: show its pixels`, 'aria-pressed': 'false', 'data-color': p.color, 'data-label': label,
        'data-share': String(share),
      });
      if (p.color === 'transparent') swatch.classList.add('q-swatch-transparent');
      else swatch.style.backgroundColor = p.color;
      swatch.style.flexGrow = String(Math.max(0, share));
      box.append(swatch);
    });
    if (palette.length) show(box.firstElementChild);
  }

  box.addEventListener('click', (e) => {
    const s = e.target.closest('.q-swatch');
    if (s) overlays.highlight(s.getAttribute('data-color'));
  });
  overlays.onHighlight((color) => {
    box.querySelectorAll('.q-swatch').forEach((s) => s.setAttribute('aria-pressed', String(s.getAttribute('data-color') === color)));
  });
  box.addEventListener('pointerover', (e) => {
    const s = e.target.closest('.q-swatch');
    if (s) show(s);
  });
  box.addEventListener('focusin', (e) => {
    const s = e.target.closest('.q-swatch');
    if (s) show(s);
  });
  box.addEventListener('keydown', (e) => {
    const items = [...box.children];
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

  return { section, render };
}
