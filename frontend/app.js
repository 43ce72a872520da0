// Pixelwise pages: progressive enhancement only. Every page works without this file.
'use strict';

(function uploadForm() {
  const form = document.querySelector('[data-upload-form]');
  if (!form) return;
  const input = form.querySelector('input[type=file]');
  const zone = form.querySelector('[data-dropzone]');
  const nameOut = form.querySelector('[data-file-name]');
  const preview = form.querySelector('[data-preview]');

  function showFile() {
    const file = input.files && input.files[0];
    nameOut.textContent = file ? `${file.name} · ${(file.size / 1024).toFixed(0)} KB` : '';
    if (file && /^image\/(png|jpeg|gif|webp|bmp)$/.test(file.type)) {
      preview.src = URL.createObjectURL(file);
      preview.hidden = false;
    } else {
      preview.hidden = true;
    }
  }
  input.addEventListener('change', showFile);
  ['dragenter', 'dragover'].forEach((type) => zone.addEventListener(type, (e) => {
    e.preventDefault();
    zone.classList.add('dragging');
  }));
  ['dragleave', 'drop'].forEach((type) => zone.addEventListener(type, () => zone.classList.remove('dragging')));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files.length) {
      input.files = e.dataTransfer.files;
      showFile();
    }
  });

  // Show only the chosen task's options, and send only those.
  const choices = form.querySelectorAll('[data-task-choice]');
  function syncOptions() {
    const chosen = form.querySelector('[data-task-choice]:checked');
    form.querySelectorAll('[data-options-for]').forEach((fs) => {
      const active = chosen && fs.dataset.optionsFor === chosen.value;
      fs.hidden = !active;
      fs.disabled = !active;
    });
  }
  choices.forEach((c) => c.addEventListener('change', syncOptions));
  syncOptions();

  // Quantize takes k or a target (targetPsnr / targetBytes), not both: while a target has a value the
  // k field is disabled, so the browser leaves it out of the submitted form.
  form.querySelectorAll('[data-options-for]').forEach((fs) => {
    const k = fs.querySelector('[data-option=k]');
    const targets = Array.from(fs.querySelectorAll('[data-option=targetPsnr], [data-option=targetBytes]'));
    if (!k || !targets.length) return;
    const note = document.createElement('p');
    note.className = 'help';
    note.id = `${k.id}-off`;
    note.textContent = 'Not used: a target picks k.';
    note.hidden = true;
    k.insertAdjacentElement('afterend', note);
    const sync = () => {
      const targeted = targets.some((t) => t.value.trim() !== '');
      k.disabled = targeted;
      note.hidden = !targeted;
      if (targeted) k.setAttribute('aria-describedby', note.id); else k.removeAttribute('aria-describedby');
    };
    targets.forEach((t) => t.addEventListener('input', sync));
    window.addEventListener('pageshow', sync); // values restored by Back
    sync();
  });
  form.addEventListener('submit', () => {
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    button.textContent = 'Uploading…';
  });
})();

(function jobProgress() {
  const section = document.querySelector('[data-job-events]');
  if (!section || !window.EventSource) return;
  const bar = section.querySelector('[data-job-progress]');
  const status = section.querySelector('[data-job-status]');
  const stage = section.querySelector('[data-job-stage]');
  const source = new EventSource(section.dataset.jobEvents);
  source.onmessage = (event) => {
    const job = JSON.parse(event.data);
    const percent = Math.round(job.progress * 100);
    bar.value = percent;
    bar.textContent = `${percent}%`;
    status.textContent = job.status;
    if (stage) stage.textContent = job.stage || '';
    if (['succeeded', 'failed', 'cancelled'].includes(job.status)) {
      source.close();
      window.location.reload();
    }
  };
  source.onerror = () => {
    // The stream ends when the job ends; reload to show whatever state the server has.
    source.close();
    window.setTimeout(() => window.location.reload(), 1000);
  };
})();

(function heatmapOpacity() {
  const slider = document.querySelector('[data-heat-opacity]');
  const layer = document.querySelector('[data-heat-layer]');
  if (!slider || !layer) return;
  const apply = () => { layer.style.opacity = String(slider.value / 100); };
  slider.addEventListener('input', apply);
  apply();
})();

(function upscaleCompare() {
  const root = document.querySelector('[data-upscale]');
  if (!root) return;
  const src = root.querySelector('.u-sources').dataset;
  const stage = root.querySelector('[data-u-stage]');
  const right = root.querySelector('[data-u-layer=right]');
  const imgs = { left: root.querySelector('[data-u-img=left]'), right: root.querySelector('[data-u-img=right]') };
  const divider = root.querySelector('[data-u-divider]');
  const level = root.querySelector('[data-u-zoom-level]');
  const state = { zoom: 1, x: 0, y: 0 };

  function show(side) {
    const which = root.querySelector(`[data-u-side=${side}]`).value;
    imgs[side].src = src[which];
    // The original is smaller: stretched to the same box, nearest-neighbour shows its real pixels.
    imgs[side].classList.toggle('pixelated', which === 'original');
  }
  function clip() { right.style.clipPath = `inset(0 0 0 ${divider.value}%)`; }
  function transform() {
    const t = `translate(${state.x}px, ${state.y}px) scale(${state.zoom})`;
    imgs.left.style.transform = t;
    imgs.right.style.transform = t;
    level.textContent = `${state.zoom}×`;
    stage.dataset.zoom = String(state.zoom);
  }
  root.querySelectorAll('[data-u-side]').forEach((s) => s.addEventListener('change', () => show(s.dataset.uSide)));
  root.querySelectorAll('[data-u-zoom]').forEach((b) => b.addEventListener('click', () => {
    state.zoom = b.dataset.uZoom === 'in' ? Math.min(16, state.zoom * 2) : Math.max(1, state.zoom / 2);
    if (state.zoom === 1) { state.x = 0; state.y = 0; }
    transform();
  }));
  divider.addEventListener('input', clip);
  let drag = null;
  stage.addEventListener('pointerdown', (e) => { drag = { x: e.clientX - state.x, y: e.clientY - state.y }; stage.setPointerCapture(e.pointerId); });
  stage.addEventListener('pointermove', (e) => {
    if (!drag) return;
    if (state.zoom === 1) {
      const r = stage.getBoundingClientRect();
      divider.value = String(Math.round(Math.max(0, Math.min(1, (e.clientX - r.left) / r.width)) * 100));
      clip();
    } else {
      state.x = e.clientX - drag.x; state.y = e.clientY - drag.y; transform();
    }
  });
  stage.addEventListener('pointerup', () => { drag = null; });
  stage.addEventListener('keydown', (e) => {
    const step = 40;
    const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[e.key] && state.zoom > 1) { state.x += moves[e.key][0]; state.y += moves[e.key][1]; transform(); e.preventDefault(); }
  });
  show('left'); show('right'); clip(); transform();
})();

(function segmentLegend() {
  const root = document.querySelector('[data-segment]');
  if (!root) return;
  const layer = root.querySelector('[data-seg-layer]');
  const hover = root.querySelector('[data-seg-hover]');
  const buttons = Array.from(root.querySelectorAll('[data-seg-class]'));
  function only(button) {
    buttons.forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
    layer.src = button ? button.dataset.file : layer.dataset.all;
  }
  buttons.forEach((b) => b.addEventListener('click', () => only(b.getAttribute('aria-pressed') === 'true' ? null : b)));
  root.querySelector('[data-seg-all]').addEventListener('click', () => only(null));

  // Hover: read the class colour under the pointer from the mask's pixels.
  const mask = new Image();
  mask.src = root.dataset.mask;
  const canvas = document.createElement('canvas');
  mask.onload = () => {
    canvas.width = mask.naturalWidth;
    canvas.height = mask.naturalHeight;
    canvas.getContext('2d').drawImage(mask, 0, 0);
  };
  const byColor = new Map(buttons.map((b) => [b.dataset.color, b.dataset.label]));
  root.querySelector('[data-seg-stage]').addEventListener('pointermove', (e) => {
    if (!canvas.width) return;
    const r = layer.getBoundingClientRect();
    const x = Math.floor((e.clientX - r.left) / r.width * canvas.width);
    const y = Math.floor((e.clientY - r.top) / r.height * canvas.height);
    if (x < 0 || y < 0 || x >= canvas.width || y >= canvas.height) return;
    const [red, green, blue, alpha] = canvas.getContext('2d').getImageData(x, y, 1, 1).data;
    const hex = '#' + [red, green, blue].map((v) => v.toString(16).padStart(2, '0')).join('');
    hover.textContent = alpha === 0 ? (byColor.get('#000000') || 'background') : (byColor.get(hex) || hex);
  });
})();
