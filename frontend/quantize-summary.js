// Pixelwise quantize page: the recommendation banner, the options the job ran with, and "try other k",
// which re-runs this job's upload with new palette sizes and goes to the new job's page.
import { el, isNum, fmtSize, NF, nextId } from './dom.js';
import { barText } from './quantize-metrics.js';
import { encodingText } from './quantize-sources.js';

/** "palette PNG k=16", "WebP q=75", "lossless WebP of k=16". */
function recommendedText(rec) {
  const f = String(rec.format || '').toLowerCase();
  if (f === 'png') return isNum(rec.k) ? `palette PNG k=${rec.k}` : 'palette PNG';
  const base = encodingText(f, rec.quality);
  return isNum(rec.k) ? `${base} of k=${rec.k}` : base;
}

export function createRecommendation(model, show) {
  const rec = model.recommendation;
  if (!rec || !rec.format) return null;
  const bar = barText(model.bar);
  const what = `${recommendedText(rec)}${isNum(rec.bytes) ? ` (${fmtSize(rec.bytes)})` : ''}`;
  let headline;
  if (bar && rec.meetsBar !== false) headline = `The smallest file that meets ${bar} is ${what}.`;
  else if (bar) headline = `No file meets ${bar}; the closest is ${what}.`;
  else headline = `Recommended: ${what}.`;
  const src = rec.file ? model.bySource(rec.file) : null;
  const button = src ? el('button', { type: 'button', class: 'cv-btn', 'data-q-show-recommended': src.id }, 'Show it on the right') : null;
  if (button) button.addEventListener('click', () => show(src.id));
  return el('div', {
    class: `q-banner${rec.meetsBar === false ? ' q-banner-miss' : ''}`, role: 'note', 'data-q-recommendation': true,
    'data-q-rec-format': String(rec.format), 'data-q-rec-file': rec.file || '',
  }, [
    el('div', { class: 'q-banner-text' }, [
      el('p', { class: 'q-banner-head' }, headline),
      rec.reason ? el('p', { class: 'q-banner-reason' }, String(rec.reason)) : null,
    ]),
    button,
  ]);
}

/** The options the job ran with, and what each stage took. */
export function createOptionsUsed(model) {
  const opts = model.optionsUsed;
  const timings = model.timings;
  if (!opts && !timings) return null;
  const items = [];
  if (opts) {
    Object.entries(opts).forEach(([key, value]) => {
      if (value === null || value === undefined || value === '') return;
      items.push(el('dt', null, key), el('dd', null, typeof value === 'object' ? JSON.stringify(value) : String(value)));
    });
  }
  const timingText = timings ? Object.entries(timings).filter(([, v]) => isNum(v))
    .map(([k, v]) => `${k} ${NF.format(Math.round(v))} ms`).join(' · ') : '';
  return el('details', { class: 'q-options', 'data-q-options': true, open: true }, [
    el('summary', null, 'Options used'),
    items.length ? el('dl', { class: 'q-options-list' }, items) : null,
    timingText ? el('p', { class: 'hint' }, `Timings: ${timingText}`) : null,
  ]);
}

/** Where the job JSON of a 201/202 answer says the new job is: its id, else the Location's last segment. */
async function newJobId(response) {
  let body = null;
  try { body = await response.json(); } catch (_) { /* no body */ }
  if (body && body.id) return String(body.id);
  const location = response.headers.get('Location');
  return location ? location.replace(/\/+$/, '').split('/').pop() : null;
}

async function problemText(response) {
  try {
    const p = await response.json();
    return p.detail || p.title || `HTTP ${response.status}`;
  } catch (_) {
    return `HTTP ${response.status}`;
  }
}

export function createRerun(model, jobUrl) {
  const inputId = nextId('rerun-k');
  const now = model.variants.map((v) => v.k).join(',');
  const input = el('input', {
    id: inputId, type: 'text', name: 'k', inputmode: 'numeric', autocomplete: 'off', placeholder: 'e.g. 4,8,12',
    'data-q-rerun-k': true, 'aria-describedby': `${inputId}-help`,
  });
  const button = el('button', { type: 'submit', class: 'primary', 'data-q-rerun-submit': true }, 'Try these k');
  const status = el('p', { class: 'q-rerun-status', role: 'status', 'data-q-rerun-status': true });
  const form = el('form', { class: 'q-rerun', 'data-q-rerun': true, novalidate: true }, [
    el('label', { for: inputId }, 'Try other k'),
    el('div', { class: 'q-rerun-row' }, [input, button]),
    el('p', { class: 'hint', id: `${inputId}-help` },
      `Palette sizes 2–256, comma-separated (this job: ${now || '—'}). The same upload runs again with these k; no new upload.`),
    status,
  ]);

  // The page's CSRF token (base.html's meta), which a page session needs to start a job through the API.
  const csrf = document.querySelector('meta[name="csrf-token"]');
  async function post(body) {
    const headers = { Accept: 'application/json' };
    if (csrf && csrf.content) headers['X-CSRF-Token'] = csrf.content;
    return fetch(`${jobUrl}/rerun`, { method: 'POST', body, headers, credentials: 'same-origin' });
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const ks = input.value.trim();
    status.classList.remove('q-error-text');
    if (!/^\d+(\s*[,\s]\s*\d+)*$/.test(ks)) {
      status.textContent = 'Give one or more whole numbers, e.g. 4,8,12.';
      status.classList.add('q-error-text');
      input.focus();
      return;
    }
    button.disabled = true;
    status.textContent = 'Starting a new job…';
    try {
      const multipart = new FormData();
      multipart.append('k', ks);
      let response = await post(multipart);
      if (response.status === 415) response = await post(new URLSearchParams({ k: ks })); // a form-encoded endpoint
      if (!response.ok) throw new Error(await problemText(response));
      const id = await newJobId(response);
      if (!id) throw new Error('the server did not say which job it started');
      status.textContent = 'Started; opening the new job…';
      window.location.assign(`/jobs/${encodeURIComponent(id)}`);
    } catch (err) {
      status.textContent = `Could not start the new job: ${err.message}`;
      status.classList.add('q-error-text');
      button.disabled = false;
    }
  });
  return form;
}

