// Pixelwise: the segment result page (an ES module, loaded by results/segment.html only). Puts the photo
// into the shared compare viewer (compare-viewer.js): the photo on the left, the photo with the class
// layer on the right (the overlay file and the mask can go on either side); the legend shows one class
// alone in that layer, the caption names the class under the pointer, the slider sets the layer's opacity.
import { el } from './dom.js';
import { createViewer } from './compare-viewer.js';

const root = document.querySelector('[data-segment]');
if (root) mount(root);

function mount(box) {
  const view = box.querySelector('[data-seg-view]');
  const hover = box.querySelector('[data-seg-hover]');
  const slider = box.querySelector('[data-seg-opacity]');
  const buttons = Array.from(box.querySelectorAll('[data-seg-class]'));
  const width = Number(view.dataset.width);
  const height = Number(view.dataset.height);

  // The class layer: the whole mask, or one class's file (its pixels in its colour, the rest transparent).
  // The viewer lays it over the right side's photo in the photo's own box.
  const layer = el('img', { class: 'seg-layer', alt: '', draggable: 'false', 'data-seg-layer': true, src: box.dataset.mask });
  let chosen = null; // the button of the class shown alone
  const layerLabel = () => (chosen ? chosen.dataset.label : 'all classes');
  const applyOpacity = () => { layer.style.opacity = String(Number(slider.value) / 100); };

  const sources = new Map([
    ['photo', { id: 'photo', name: 'Photo', note: 'the upload', url: view.dataset.photo }],
    ['overlay', { id: 'overlay', name: 'Overlay', note: 'the classes blended in (the overlay file)', url: view.dataset.overlay }],
    ['mask', { id: 'mask', name: 'Mask', note: 'the class colours alone', url: box.dataset.mask }],
  ]);
  // The layer goes over the photo only: the overlay file and the mask already show the classes.
  const showLayer = () => {
    if (viewer.current('right').id === 'photo') viewer.setOverlay(layer, layerLabel(), { keepImage: true });
    else viewer.setOverlay(null);
  };
  const viewer = createViewer({
    sources,
    left: 'photo',
    right: 'photo',
    url: (src) => src.url,
    width,
    height,
    describe: (src) => src.note,
    alt: (src) => `${src.name}: ${src.note}`,
    onSideChange: (side) => { if (side === 'right') showLayer(); },
    onHover: (point) => nameClassAt(point),
  });

  function only(button) {
    chosen = button;
    buttons.forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
    layer.src = button ? button.dataset.file : box.dataset.mask;
    layer.alt = `Segmentation mask: ${layerLabel()}`;
    if (viewer.current('right').id !== 'photo') viewer.setSide('right', 'photo'); // the layer is where the choice shows
    else showLayer(); // the side's caption names the class
  }
  buttons.forEach((b) => b.addEventListener('click', () => only(b.getAttribute('aria-pressed') === 'true' ? null : b)));
  box.querySelector('[data-seg-all]').addEventListener('click', () => only(null));
  slider.addEventListener('input', applyOpacity);
  applyOpacity();
  layer.alt = `Segmentation mask: ${layerLabel()}`;

  // Hover: read the class colour under the pointer from the mask's pixels, once the mask is in a canvas.
  const mask = new Image();
  const canvas = document.createElement('canvas');
  let pixels = null;
  mask.onload = () => {
    canvas.width = mask.naturalWidth;
    canvas.height = mask.naturalHeight;
    pixels = canvas.getContext('2d', { willReadFrequently: true });
    pixels.drawImage(mask, 0, 0);
    box.setAttribute('data-seg-hover-ready', 'true');
  };
  mask.src = box.dataset.mask;
  const byColor = new Map(buttons.map((b) => [b.dataset.color, b]));
  let marked = null;
  function mark(button) {
    if (marked === button) return;
    if (marked) marked.removeAttribute('data-seg-hovered');
    marked = button;
    if (button) button.setAttribute('data-seg-hovered', 'true');
  }
  function nameClassAt(point) {
    if (!point || !pixels) {
      mark(null);
      return;
    }
    // The mask is at the photo's size; scale in case a viewer size and the mask ever differ.
    const x = Math.floor((point.x / (width || canvas.width)) * canvas.width);
    const y = Math.floor((point.y / (height || canvas.height)) * canvas.height);
    if (x < 0 || y < 0 || x >= canvas.width || y >= canvas.height) return;
    const [red, green, blue, alpha] = pixels.getImageData(x, y, 1, 1).data;
    const hex = '#' + [red, green, blue].map((v) => v.toString(16).padStart(2, '0')).join('');
    const button = alpha === 0 ? byColor.get('#000000') : byColor.get(hex);
    hover.textContent = button ? button.dataset.label : (alpha === 0 ? 'background' : hex);
    mark(button || null);
  }

  view.replaceChildren(
    viewer.controls,
    el('div', { class: 'cv-toolbar', role: 'toolbar', 'aria-label': 'View' }, [viewer.zoomGroup]),
    viewer.labels,
    viewer.stage,
    hover,
    viewer.help,
  );
  viewer.start().then(() => view.setAttribute('data-compare-ready', 'true'));
}
