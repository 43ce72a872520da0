// Pixelwise: an image with a layer over it (classify heat-map, segment mask), whose opacity a slider
// sets. An ES module, loaded by the results/classify.html and results/segment.html templates only.
const slider = document.querySelector('[data-heat-opacity]');
const layer = document.querySelector('[data-heat-layer]');
if (slider && layer) {
  const apply = () => { layer.style.opacity = String(slider.value / 100); };
  slider.addEventListener('input', apply);
  apply();
}
