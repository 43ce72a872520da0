// Pixelwise pages: progressive enhancement only. Every page works without this file. Loaded by every page:
// the upload form and the job progress. Each result page loads its own modules (quantize.js, upscale.js,
// segment.js, heat-layer.js).
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
