// Pixelwise: the segment result page (an ES module, loaded by results/segment.html only): show one class
// alone from the legend, and name the class under the pointer. The overlay's opacity is heat-layer.js.
const root = document.querySelector('[data-segment]');
if (root) mount(root);

function mount(box) {
  const layer = box.querySelector('[data-seg-layer]');
  const hover = box.querySelector('[data-seg-hover]');
  const buttons = Array.from(box.querySelectorAll('[data-seg-class]'));
  function only(button) {
    buttons.forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
    layer.src = button ? button.dataset.file : layer.dataset.all;
  }
  buttons.forEach((b) => b.addEventListener('click', () => only(b.getAttribute('aria-pressed') === 'true' ? null : b)));
  box.querySelector('[data-seg-all]').addEventListener('click', () => only(null));

  // Hover: read the class colour under the pointer from the mask's pixels, once the mask is in a canvas.
  const mask = new Image();
  const canvas = document.createElement('canvas');
  mask.onload = () => {
    canvas.width = mask.naturalWidth;
    canvas.height = mask.naturalHeight;
    canvas.getContext('2d', { willReadFrequently: true }).drawImage(mask, 0, 0);
    box.setAttribute('data-seg-hover-ready', 'true');
  };
  mask.src = box.dataset.mask;
  const byColor = new Map(buttons.map((b) => [b.dataset.color, b.dataset.label]));
  box.querySelector('[data-seg-stage]').addEventListener('pointermove', (e) => {
    if (!canvas.width) return;
    const r = layer.getBoundingClientRect();
    const x = Math.floor((e.clientX - r.left) / r.width * canvas.width);
    const y = Math.floor((e.clientY - r.top) / r.height * canvas.height);
    if (x < 0 || y < 0 || x >= canvas.width || y >= canvas.height) return;
    const [red, green, blue, alpha] = canvas.getContext('2d', { willReadFrequently: true }).getImageData(x, y, 1, 1).data;
    const hex = '#' + [red, green, blue].map((v) => v.toString(16).padStart(2, '0')).join('');
    hover.textContent = alpha === 0 ? (byColor.get('#000000') || 'background') : (byColor.get(hex) || hex);
  });
}
