// Pixelwise pages: progressive enhancement only. Every page works without this file. Loaded by every page:
// the upload form's file and task choice, the error page's way back, and the job progress. Each result page loads its own modules (quantize.js, upscale.js,
// segment.js, classify.js). A module (deferred, strict), for dom.js's drop handling.
import { dropTarget } from './dom.js';

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
  dropTarget(zone, (e) => {
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
  window.addEventListener('pageshow', syncOptions); // the task restored by Back
  syncOptions();

  // Checks, sending, errors beside the fields, the k/target switch and the button: job-forms.js.
})();

(function backToTheForm() {
  // The error page's link back: when the form is the page before, go back to it, which keeps the chosen
  // file as well as the task and options (job-forms.js brings those back on a fresh load too).
  const link = document.querySelector('[data-back-to-form]');
  if (!link || !document.referrer) return;
  const before = new URL(document.referrer);
  if (before.origin === window.location.origin && before.pathname === '/' && window.history.length > 1) {
    link.addEventListener('click', (e) => {
      e.preventDefault();
      window.history.back();
    });
  }
})();

(function jobProgress() {
  const section = document.querySelector('[data-job-events]');
  if (!section || !window.EventSource) return;
  const bar = section.querySelector('[data-job-progress]');
  const status = section.querySelector('[data-job-status]');
  const stage = section.querySelector('[data-job-stage]');
  const percentOut = section.querySelector('[data-job-percent]');
  const etaOut = section.querySelector('[data-job-eta]');
  // Time left from the rate so far, on this browser's clock: the first event with some progress is the
  // start line (model loading and decoding before it are not the steady work the rest will be).
  let first = null;
  function timeLeft(progress) {
    const now = performance.now();
    if (!first || progress < first.progress) first = { progress, at: now };
    const done = progress - first.progress;
    const elapsed = (now - first.at) / 1000;
    if (done <= 0.02 || elapsed < 1 || progress >= 1) return '';
    const seconds = Math.round(elapsed / done * (1 - progress));
    const text = seconds >= 90 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
    return `· about ${text} left`;
  }
  // An upscale's preview of the tiles finished so far: fetched again when the tile count moves, shown
  // once it has loaded (it is written a second or so after the first tiles; absent on another node).
  const preview = section.querySelector('[data-job-preview]');
  let previewStage = null;
  function showPreview(job) {
    if (!preview || !(job.files || []).includes('preview.png') || job.stage === previewStage) return;
    previewStage = job.stage;
    const img = preview.querySelector('img');
    const next = new Image();
    next.onload = () => { img.src = next.src; preview.hidden = false; };
    next.src = `/api/v1/jobs/${encodeURIComponent(section.dataset.jobId)}/files/preview.png?at=${Date.now()}`;
  }
  const source = new EventSource(section.dataset.jobEvents);
  source.onmessage = (event) => {
    const job = JSON.parse(event.data);
    showPreview(job);
    const percent = Math.round(job.progress * 100);
    bar.value = percent;
    bar.textContent = `${percent}%`;
    if (percentOut) percentOut.textContent = `${percent}%`;
    if (etaOut) etaOut.textContent = job.status === 'running' && job.progress > 0 ? timeLeft(job.progress) : '';
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
