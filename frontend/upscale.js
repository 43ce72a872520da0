// Pixelwise: the upscale result page (an ES module, loaded by results/upscale.html only). Turns the
// page's links to the original, bicubic and ESRGAN images into the shared compare viewer: ESRGAN on the
// right, the original (stretched, nearest neighbour) on the left, either side switchable.
import { el } from './dom.js';
import { createViewer } from './compare-viewer.js';

const root = document.querySelector('[data-upscale-compare]');
if (root) mount(root);

function mount(box) {
  const sources = new Map();
  box.querySelectorAll('a[data-source]').forEach((a) => {
    const id = a.dataset.source;
    sources.set(id, {
      id, name: a.dataset.name, note: a.dataset.note || '', url: a.getAttribute('href'),
      pixelated: a.hasAttribute('data-pixelated'),
    });
  });
  if (!sources.has('original') || !sources.has('model')) return; // keep the plain links
  const viewer = createViewer({
    sources,
    left: 'original',
    right: 'model',
    url: (src) => src.url,
    width: Number(box.dataset.width),
    height: Number(box.dataset.height),
    describe: (src) => src.note,
    alt: (src) => `${src.name}: ${src.note}`,
  });
  box.replaceChildren(
    viewer.controls,
    el('div', { class: 'cv-toolbar', role: 'toolbar', 'aria-label': 'View' }, [viewer.zoomGroup]),
    viewer.labels,
    viewer.stage,
    viewer.help,
  );
  viewer.start().then(() => box.setAttribute('data-compare-ready', 'true'));
}
