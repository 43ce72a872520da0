// Pixelwise: the forms that start jobs, and "My jobs". An ES module loaded by the home page (upload form,
// recent jobs) and the job page ("run again with other options"). Without it the forms post as plain
// forms (PageResource) and still work.
//
// - The browser checks what it can before anything is sent (file chosen and within the size limit, number
//   ranges from the option specs rendered as min/max, the k list); a message goes beside its field.
// - The form is sent with fetch, so the page never leaves: a 400 from the server (problem+json naming the
//   field) shows beside that field, and the chosen file and options stay as they were.
// - The button never stays "Uploading…": it comes back on any answer, and on pageshow (browser Back).
// - Options are kept in sessionStorage, so the way back to the form from an error (keep=1) finds them again.
// - Jobs started here are listed in localStorage; the home page shows them, checking each with the server.
// The checks, errors beside fields and the button are exported for the batch page (batch.js).
import { el, NF } from './dom.js';

const JOBS_KEY = 'pixelwise.jobs';
const FORM_KEY = 'pixelwise.form';
const MAX_JOBS = 30;

/** The page's CSRF token (base.html's meta): a page session needs it to start work through the API. */
export function apiHeaders() {
  const headers = { Accept: 'application/json' };
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) headers['X-CSRF-Token'] = meta.content;
  return headers;
}

// ---- storage (either may be off or full: the pages then work without the list and the kept options)

export function readJson(storage, key, fallback) {
  try {
    const value = JSON.parse(storage.getItem(key));
    return value === null ? fallback : value;
  } catch (_) {
    return fallback;
  }
}

export function writeJson(storage, key, value) {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch (_) { /* storage off or full: nothing kept */ }
}

export function recentJobs() {
  const list = readJson(window.localStorage, JOBS_KEY, []);
  return Array.isArray(list) ? list.filter((j) => j && typeof j.id === 'string') : [];
}

/** Adds a job to this browser's list, or merges what is new about one already in it. */
export function rememberJob(entry) {
  const list = recentJobs();
  const known = list.find((j) => j.id === entry.id);
  if (known) Object.assign(known, entry);
  else list.unshift(entry);
  list.sort((a, b) => String(b.at || '').localeCompare(String(a.at || '')));
  writeJson(window.localStorage, JOBS_KEY, list.slice(0, MAX_JOBS));
}

// ---- checks before upload

/** The k list as QuantizeOptions.parseKs reads it: whole numbers 2..256, at most 16 different. */
export function kListError(raw) {
  const parts = raw.split(/[,\s]+/).filter((p) => p !== '');
  if (!parts.length) return 'Give at least one palette size, e.g. 8,16,32.';
  const ks = new Set();
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return `“${p}” is not a whole number; give sizes like 8,16,32.`;
    const k = Number(p);
    if (k < 2 || k > 256) return `Each k must be between 2 and 256; ${NF.format(k)} is not.`;
    ks.add(k);
  }
  if (ks.size > 16) return `At most 16 palette sizes per job; this list has ${ks.size}.`;
  return '';
}

const FORMATS = ['png', 'webp', 'jpeg', 'avif'];
function formatsError(raw) {
  const parts = raw.toLowerCase().split(/[,\s]+/).filter((p) => p !== '');
  if (!parts.length) return 'Give at least one format, e.g. png.';
  const bad = parts.find((p) => !FORMATS.includes(p));
  return bad ? `“${bad}” is not one of ${FORMATS.join(', ')}.` : '';
}

/** Checks beyond what the HTML attributes say, by field name (task.option). */
const CHECKS = { 'quantize.k': kListError, 'quantize.formats': formatsError };

function rangeText(input) {
  const min = input.min !== '' ? Number(input.min) : null;
  const max = input.max !== '' ? Number(input.max) : null;
  if (min !== null && max !== null) return `between ${NF.format(min)} and ${NF.format(max)}`;
  if (min !== null) return `at least ${NF.format(min)}`;
  return `at most ${NF.format(max)}`;
}

/** What is wrong with one field, or '' when it will do (disabled fields are not sent, so not checked). */
function fieldError(input) {
  if (input.disabled || !input.willValidate) return '';
  const check = CHECKS[input.name];
  input.setCustomValidity(check && input.value.trim() !== '' ? check(input.value.trim()) : '');
  if (input.checkValidity()) return '';
  const v = input.validity;
  if (v.customError) return input.validationMessage;
  if (v.badInput) return 'Give a number.';
  if (v.rangeUnderflow || v.rangeOverflow) return `Must be ${rangeText(input)}.`;
  if (v.stepMismatch) return 'Must be a whole number.';
  return input.validationMessage;
}

// ---- errors beside fields

export function clearErrors(form) {
  form.querySelectorAll('[data-field-error]').forEach((p) => p.remove());
  form.querySelectorAll('[aria-invalid]').forEach((input) => {
    input.removeAttribute('aria-invalid');
    const before = input.dataset.describedBy;
    if (before) input.setAttribute('aria-describedby', before); else input.removeAttribute('aria-describedby');
    delete input.dataset.describedBy;
  });
  const general = form.querySelector('[data-form-error]');
  if (general) {
    general.hidden = true;
    general.textContent = '';
    general.removeAttribute('role');
  }
}

let errorIds = 0;
export function showFieldError(input, message) {
  // Right under the field (a checkbox's: under its label), above the field's help text.
  const anchor = input.type === 'checkbox' && input.closest('label') ? input.closest('label') : input;
  const id = `field-error-${++errorIds}`;
  const after = anchor.nextElementSibling && anchor.nextElementSibling.id === `${input.id}-off` ? anchor.nextElementSibling : anchor;
  after.insertAdjacentElement('afterend', el('p', { class: 'field-error', id, role: 'alert', 'data-field-error': input.name }, message));
  if (!input.hasAttribute('aria-invalid')) input.dataset.describedBy = input.getAttribute('aria-describedby') || '';
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', `${input.dataset.describedBy} ${id}`.trim());
}

export function showFormError(form, message) {
  const general = form.querySelector('[data-form-error]');
  general.textContent = message;
  general.setAttribute('role', 'alert');
  general.hidden = false;
}

export async function readProblem(response) {
  try {
    const p = await response.json();
    if (p && (p.detail || p.title)) return p;
  } catch (_) { /* not JSON */ }
  return { status: response.status, title: `The server answered ${response.status}` };
}

/**
 * Puts a problem beside the field it names (options are named task.option in the form); a problem with
 * the file itself (413, 415, 422) goes beside the file field; anything else above the button.
 */
export function showProblem(form, problem, task, fileInput) {
  let target = null;
  if (problem.field === 'image') target = fileInput;
  else if (problem.field) target = form.querySelector(`[name="${CSS.escape(`${task}.${problem.field}`)}"]`);
  else if ([413, 415, 422].includes(problem.status)) target = fileInput;
  if (target && !target.disabled) {
    // A bad option's detail starts with the field's name, which the field's own label already says.
    const detail = problem.field && problem.detail && problem.detail.startsWith(`${problem.field}: `)
      ? problem.detail.slice(problem.field.length + 2) : problem.detail;
    const text = target === fileInput ? `${problem.title}: ${detail || ''}` : (detail || problem.title);
    showFieldError(target, text);
    target.focus();
  } else {
    const retry = problem.retryAfter ? ` Try again in about ${problem.retryAfter} s.` : '';
    showFormError(form, `${problem.title}${problem.detail ? `: ${problem.detail}` : ''}.${retry}`.replace('..', '.'));
  }
}

/** The options of a task as the API names them: without the task prefix; an unticked box says false. */
export function optionsOf(fieldset, task) {
  const options = {};
  if (!fieldset) return options;
  Array.from(fieldset.elements).forEach((input) => {
    if (!input.name || !input.name.startsWith(`${task}.`) || input.disabled) return;
    const name = input.name.slice(task.length + 1);
    if (input.type === 'checkbox') options[name] = input.checked ? 'true' : 'false';
    else if (input.value.trim() !== '') options[name] = input.value.trim();
  });
  return options;
}

/** Checks every field of the fieldset and shows what is wrong; true when all will do. */
export function checkFields(fieldset, extra = []) {
  const problems = extra.slice();
  if (fieldset) {
    Array.from(fieldset.elements).forEach((input) => {
      const message = input.name ? fieldError(input) : '';
      if (message) problems.push([input, message]);
    });
  }
  problems.forEach(([input, message]) => showFieldError(input, message));
  if (problems.length) problems[0][0].focus();
  return problems.length === 0;
}

/**
 * Quantize takes k or a target (targetPsnr / targetBytes), not both: while a target has a value the k
 * field is disabled, so it is neither checked nor sent.
 */
export function syncKAndTargets(fieldset) {
  const k = fieldset.querySelector('[data-option=k]');
  const targets = Array.from(fieldset.querySelectorAll('[data-option=targetPsnr], [data-option=targetBytes]'));
  if (!k || !targets.length) return;
  const note = el('p', { class: 'help', id: `${k.id}-off`, hidden: true }, 'Not used: a target picks k.');
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
}

/** The button says what is happening, and is never left disabled once the answer is in. */
export function submitButton(form, busyText) {
  const button = form.querySelector('button[type=submit]');
  const idle = button.textContent;
  const set = (busy) => {
    button.disabled = busy;
    button.textContent = busy ? busyText : idle;
  };
  // Back to a page kept in the back/forward cache (or restored) finds the form as it was left: usable.
  window.addEventListener('pageshow', () => set(false));
  return set;
}

/** A field's error goes away as soon as the field is changed. */
export function clearOnEdit(form) {
  form.addEventListener('input', (e) => {
    const input = e.target;
    if (!input.hasAttribute || !input.hasAttribute('aria-invalid')) return;
    form.querySelectorAll('[data-field-error]').forEach((p) => { if (p.dataset.fieldError === input.name) p.remove(); });
    input.removeAttribute('aria-invalid');
    const before = input.dataset.describedBy;
    if (before) input.setAttribute('aria-describedby', before); else input.removeAttribute('aria-describedby');
    delete input.dataset.describedBy;
  });
}

// ---- the upload form (home page)

function keepFormState(form) {
  const save = () => {
    const values = {};
    Array.from(form.elements).forEach((input) => {
      if (!input.name || input.type === 'file' || input.type === 'hidden' || input.name === 'task') return;
      values[input.name] = input.type === 'checkbox' ? input.checked : input.value;
    });
    const chosen = form.querySelector('[data-task-choice]:checked');
    writeJson(window.sessionStorage, FORM_KEY, { task: chosen ? chosen.value : null, values });
  };
  form.addEventListener('change', save);
  form.addEventListener('input', save);
  return save;
}

/**
 * Brings back this tab's last task and options when the address asks for it (keep=1: the error page's
 * link back, a failed job's "try another image"). Back restores them by itself; a plain visit to the
 * home page starts from the defaults (a kept target would silently switch k off).
 */
function restoreFormState(form) {
  const params = new URLSearchParams(window.location.search);
  if (!params.has('keep')) return;
  params.delete('keep');
  const rest = params.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${rest ? `?${rest}` : ''}`);
  const saved = readJson(window.sessionStorage, FORM_KEY, null);
  if (!saved || typeof saved !== 'object') return;
  Object.entries(saved.values || {}).forEach(([name, value]) => {
    const input = form.elements.namedItem(name);
    if (!input || !input.tagName) return;
    if (input.type === 'checkbox') {
      if (input.checked === input.defaultChecked) input.checked = value === true;
    } else if (input.tagName === 'SELECT') {
      const isDefault = Array.from(input.options).every((o) => o.selected === o.defaultSelected);
      if (isDefault && Array.from(input.options).some((o) => o.value === value)) input.value = value;
    } else if (input.value === input.defaultValue) {
      input.value = value;
    }
  });
  if (saved.task && !params.has('task')) {
    const radio = form.querySelector(`[data-task-choice][value="${CSS.escape(saved.task)}"]`);
    if (radio && !radio.checked) {
      radio.checked = true;
      radio.dispatchEvent(new Event('change', { bubbles: true })); // app.js shows that task's options
    }
  }
}

function mountUploadForm(form) {
  const fileInput = form.querySelector('input[type=file]');
  const maxBytes = Number(form.dataset.maxUploadMb || 0) * 1024 * 1024;
  form.noValidate = true; // our messages beside the fields instead of the browser's bubbles
  restoreFormState(form);
  form.querySelectorAll('[data-options-for]').forEach(syncKAndTargets);
  const save = keepFormState(form);
  const busy = submitButton(form, 'Uploading…');
  clearOnEdit(form);
  fileInput.addEventListener('change', () => {
    form.querySelectorAll('[data-field-error="image"]').forEach((p) => p.remove());
    fileInput.removeAttribute('aria-invalid');
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const chosen = form.querySelector('[data-task-choice]:checked');
    const task = chosen ? chosen.value : '';
    const fieldset = form.querySelector(`[data-options-for="${CSS.escape(task)}"]`);
    const file = fileInput.files && fileInput.files[0];
    const extra = [];
    if (!file) extra.push([fileInput, 'Choose an image file first.']);
    else if (maxBytes && file.size > maxBytes) {
      extra.push([fileInput, `This file is ${NF.format(Math.ceil(file.size / 1048576))} MB; the limit is ${NF.format(maxBytes / 1048576)} MB.`]);
    }
    if (!checkFields(fieldset, extra)) return;

    const options = optionsOf(fieldset, task);
    const body = new FormData();
    body.append('task', task);
    body.append('image', file, file.name);
    Object.entries(options).forEach(([name, value]) => body.append(name, value));
    save();
    busy(true);
    let response;
    try {
      response = await fetch('/api/v1/jobs', { method: 'POST', body, headers: apiHeaders(), credentials: 'same-origin' });
    } catch (err) {
      busy(false);
      showFormError(form, 'The upload did not reach the server. Check the connection and press Start again.');
      return;
    }
    if (response.ok) {
      const job = await response.json().catch(() => null);
      if (job && job.id) {
        rememberJob({ id: job.id, task, file: file.name, options, at: job.createdAt || new Date().toISOString() });
        window.location.assign(`/jobs/${encodeURIComponent(job.id)}`);
        return; // the button stays busy while the job page loads; pageshow frees it on Back
      }
    }
    busy(false);
    showProblem(form, await readProblem(response), task, fileInput);
  });
}

// ---- "run again with other options" (job page)

function mountRerunForm(form) {
  const id = form.dataset.job;
  const task = form.dataset.task;
  const fieldset = form.querySelector('[data-options-for]');
  const previous = recentJobs().find((j) => j.id === id);
  // This job's own options, when this browser started it: the form starts from them.
  if (previous && previous.options) {
    Object.entries(previous.options).forEach(([name, value]) => {
      const input = form.elements.namedItem(`${task}.${name}`);
      if (!input || !input.tagName) return;
      if (input.type === 'checkbox') input.checked = value === 'true';
      else input.value = value;
    });
    // A job run for a target had no k: leave k out rather than offer the default next to the target.
    if (fieldset.querySelector('[data-option=targetPsnr], [data-option=targetBytes]') && !('k' in previous.options)) {
      const k = fieldset.querySelector('[data-option=k]');
      if (k) k.value = '';
    }
  }
  syncKAndTargets(fieldset);
  form.noValidate = true;
  const busy = submitButton(form, 'Starting…');
  clearOnEdit(form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!checkFields(fieldset)) return;
    const options = optionsOf(fieldset, task);
    const body = new FormData();
    Object.entries(options).forEach(([name, value]) => body.append(name, value));
    busy(true);
    let response;
    try {
      response = await fetch(`/api/v1/jobs/${encodeURIComponent(id)}/rerun`,
        { method: 'POST', body, headers: apiHeaders(), credentials: 'same-origin' });
    } catch (err) {
      busy(false);
      showFormError(form, 'The request did not reach the server. Check the connection and try again.');
      return;
    }
    if (response.ok) {
      const job = await response.json().catch(() => null);
      if (job && job.id) {
        rememberJob({ id: job.id, task, file: previous ? previous.file : undefined, options, from: id,
          at: job.createdAt || new Date().toISOString() });
        window.location.assign(`/jobs/${encodeURIComponent(job.id)}`);
        return;
      }
    }
    busy(false);
    const problem = await readProblem(response);
    if (response.status === 404) {
      showFormError(form, `${problem.detail || 'This job is gone'}. Upload the image again from the home page.`);
      return;
    }
    showProblem(form, problem, task, null);
  });
}

// ---- "My jobs" (home page)

function taskTitles() {
  const titles = {};
  document.querySelectorAll('[data-task-choice]').forEach((radio) => {
    const title = radio.parentElement.querySelector('.task-title');
    titles[radio.value] = title ? title.textContent.trim() : radio.value;
  });
  return titles;
}

function when(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
}

function markGone(li, link, state) {
  li.setAttribute('data-gone', '');
  link.replaceWith(el('span', { class: 'job-name' }, link.textContent));
  state.textContent = 'expired: no longer on the server';
}

/** Lists this browser's jobs; each links to its result while the server still has the job. */
function mountMyJobs(box) {
  const list = box.querySelector('[data-my-jobs-list]');
  const titles = taskTitles();
  const jobs = recentJobs();
  box.hidden = jobs.length === 0;
  jobs.forEach((job) => {
    const label = `${titles[job.task] || job.task || 'Job'}${job.file ? ` · ${job.file}` : ''}`;
    const link = el('a', { href: `/jobs/${encodeURIComponent(job.id)}`, class: 'job-name' }, label);
    const state = el('span', { class: 'job-state', 'data-job-state': true }, 'checking…');
    const li = el('li', { 'data-my-job': job.id }, [link, el('span', { class: 'hint' }, when(job.at)), state]);
    list.append(li);
    fetch(`/api/v1/jobs/${encodeURIComponent(job.id)}`, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(async (response) => {
        if (response.status === 404) {
          markGone(li, link, state);
        } else if (response.ok) {
          const now = await response.json();
          state.textContent = now.status;
          li.setAttribute('data-status', now.status);
        } else {
          state.textContent = `unknown (the server answered ${response.status})`;
        }
      })
      .catch(() => { state.textContent = 'unknown (the server did not answer)'; });
  });
  box.querySelector('[data-my-jobs-clear]').addEventListener('click', () => {
    try { window.localStorage.removeItem(JOBS_KEY); } catch (_) { /* nothing kept anyway */ }
    list.replaceChildren();
    box.hidden = true;
  });
}

const upload = document.querySelector('[data-upload-form]');
if (upload) mountUploadForm(upload);
const rerun = document.querySelector('[data-rerun-form]');
if (rerun) mountRerunForm(rerun);
const jobSection = document.querySelector('[data-job-id]');
if (jobSection && document.referrer && new URL(document.referrer).origin === window.location.origin) {
  // A job page reached from this site's pages is this browser's job (started here, or a rerun, also by
  // "Try other k"); a link shared from elsewhere is not added. What the upload form knew is kept.
  rememberJob({ id: jobSection.dataset.jobId, task: jobSection.dataset.jobTask, at: jobSection.dataset.jobCreated });
}
const mine = document.querySelector('[data-my-jobs]');
if (mine) mountMyJobs(mine);
