// Pixelwise: an image with a layer over it (classify heat-map, segment mask), whose opacity a slider
// sets. An ES module, loaded by the results/classify.html and results/segment.html templates only.
const slider = document.querySelector('[data-heat-opacity]');
const layer = document.querySelector('[data-heat-layer]');
if (slider && layer) {
  const apply = () => { layer.style.opacity = String(slider.value / 100); };
  slider.addEventListener('input', apply);
  apply();
}

// Class activation maps come one per label: picking a label (click, Enter or Space) shows its map.
const labels = document.querySelectorAll('[data-predictions] li[data-heatmap]');
if (layer && labels.length > 1) {
  const named = document.querySelector('[data-heat-label]');
  const pick = (li) => {
    labels.forEach((other) => other.removeAttribute('aria-current'));
    li.setAttribute('aria-current', 'true');
    layer.src = li.dataset.heatmap;
    if (layer.dataset.heatAlt) layer.alt = layer.dataset.heatAlt.replace('%s', li.dataset.label);
    if (named) named.textContent = li.dataset.label;
  };
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
