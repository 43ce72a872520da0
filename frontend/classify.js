// Pixelwise: the classify result page with a heat-map (an ES module, loaded by results/classify.html only).
// Puts the photo into the shared compare viewer (compare-viewer.js): the photo alone on the left, the
// photo with the heat-map layer on the right, split, zoom and pan shared. The layer is the page's own
// heat-map image, moved into the viewer, which stretches it to the photo's box at every zoom (a class
// activation map is a 128-px PNG). Picking a label shows its map; the slider sets the layer's opacity.
// Without scripts the page stays the photo with the layer over it.
import { el } from './dom.js';
import { createViewer } from './compare-viewer.js';

const root = document.querySelector('[data-classify]');
if (root) mount(root);

function mount(box) {
  const view = box.querySelector('[data-cls-view]');
  const layer = box.querySelector('[data-heat-layer]');
  const slider = box.querySelector('[data-heat-opacity]');
  const named = box.querySelector('[data-heat-label]');
  const labels = Array.from(box.querySelectorAll('[data-predictions] li[data-heatmap]'));
  if (!view || !layer) return;

  const applyOpacity = () => { layer.style.opacity = String(Number(slider.value) / 100); };
  let label = view.dataset.label; // the label whose map is shown
  const method = view.dataset.method === 'cam' ? 'CAM' : 'occlusion';
  const layerCaption = () => `${method}: ${label}`;

  // Both sides show the photo; the layer on the right makes the difference (no side selects).
  const photo = { id: 'photo', name: 'Photo', note: 'the upload', url: view.dataset.photo };
  const viewer = createViewer({
    sources: new Map([['photo', photo]]),
    left: 'photo',
    right: 'photo',
    url: (src) => src.url,
    describe: () => '',
    alt: (src) => `${src.name}: ${src.note}`,
  });
  layer.classList.add('cls-heat'); // smooth even when the viewer shows real pixels (classify rules in app.css)
  layer.draggable = false;
  const showLayer = () => viewer.setOverlay(layer, layerCaption(), { keepImage: true });

  // Class activation maps come one per label: picking a label (click, Enter or Space) shows its map.
  const pick = (li) => {
    labels.forEach((other) => other.removeAttribute('aria-current'));
    li.setAttribute('aria-current', 'true');
    label = li.dataset.label;
    layer.src = li.dataset.heatmap;
    if (layer.dataset.heatAlt) layer.alt = layer.dataset.heatAlt.replace('%s', label);
    if (named) named.textContent = label;
    showLayer(); // the right side's caption names the label
  };
  if (labels.length > 1) {
    labels.forEach((li) => {
      li.addEventListener('click', () => pick(li));
      li.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          pick(li);
        }
      });
    });
  }
  if (slider) {
    slider.addEventListener('input', applyOpacity);
    applyOpacity();
  }

  view.replaceChildren(
    el('div', { class: 'cv-toolbar', role: 'toolbar', 'aria-label': 'View' }, [viewer.zoomGroup]),
    viewer.labels,
    viewer.stage,
    viewer.help,
  );
  showLayer();
  viewer.start().then(() => view.setAttribute('data-compare-ready', 'true'));
}
