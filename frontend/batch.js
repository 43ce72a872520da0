// Pixelwise: the Batches page. One task and its options for many images (files, a folder, zips of images),
// sent in one request to POST /api/v1/batches; then a table that fills in as each image's job ends.
//
// - The file list is kept here (not in the file input), so picking files, a folder and dropping more add up.
// - The task options are the single-job form's own fields (tags/optionFields.html), checked and sent by the
//   same code (job-forms.js); a problem from the server goes beside the field it names.
// - The table follows the batch's event stream (an event per image that ends), with a GET every few seconds
//   for which images are running and how far; if the stream fails it polls GET /api/v1/batches/{id}. The
//   address becomes /batches?id=…, so reloading or sharing it shows the same table (from GET).
// - Presets (task + options under a name) are kept in localStorage.
import { el, NF, fmtSize, dropTarget } from './dom.js';
import {
  apiHeaders, readJson, writeJson, clearErrors, showFormError, readProblem, showProblem, optionsOf,
  checkFields, syncKAndTargets, submitButton, clearOnEdit,
} from './job-forms.js';

const PRESETS_KEY = 'pixelwise.batchPresets';
const POLL_MS = 1500;
const PROGRESS_MS = 3000;
const TERMINAL_BATCH = ['finished', 'cancelled'];
const TERMINAL_CHILD = ['succeeded', 'failed', 'cancelled'];
const ACCEPTED = /\.(png|jpe?g|gif|bmp|webp|tiff?|zip)$/i;
const isZip = (file) => /\.zip$/i.test(file.name) || /zip/.test(file.type);

// ---- choosing files

/** Every file under a dropped folder (readEntries answers in chunks until it answers none). */
async function filesOf(entry) {
  if (entry.isFile) {
    return new Promise((resolve) => entry.file((f) => resolve([f]), () => resolve([])));
  }
  if (!entry.isDirectory) return [];
  const reader = entry.createReader();
  const found = [];
  for (;;) {
    // eslint-disable-next-line no-await-in-loop
    const chunk = await new Promise((resolve) => reader.readEntries(resolve, () => resolve([])));
    if (!chunk.length) break;
    // eslint-disable-next-line no-await-in-loop
    for (const child of chunk) found.push(...await filesOf(child));
  }
  return found;
}

function mountChooser(form) {
  const chosen = [];
  const input = form.querySelector('[data-batch-files]');
  const folder = form.querySelector('[data-batch-folder]');
  const zone = form.querySelector('[data-batch-drop]');
  const summary = form.querySelector('[data-batch-chosen]');
  const list = form.querySelector('[data-batch-chosen-list]');
  const clear = form.querySelector('[data-batch-clear]');

  function show() {
    const bytes = chosen.reduce((sum, f) => sum + f.size, 0);
    const zips = chosen.filter(isZip).length;
    summary.textContent = chosen.length
      ? `${NF.format(chosen.length)} file${chosen.length === 1 ? '' : 's'}${zips ? ` (${zips} zip)` : ''} · ${fmtSize(bytes)}`
      : '';
    list.replaceChildren(...chosen.slice(0, 50).map((f) => el('li', null, f.name)));
    if (chosen.length > 50) list.append(el('li', { class: 'hint' }, `…and ${NF.format(chosen.length - 50)} more`));
    clear.hidden = chosen.length === 0;
    form.querySelectorAll('[data-field-error="image"]').forEach((p) => p.remove());
    input.removeAttribute('aria-invalid');
  }
  /** Adds files; from a folder only images and zips (no .DS_Store, Thumbs.db, sidecar files). */
  function add(files, fromFolder) {
    Array.from(files).forEach((f) => {
      if (fromFolder && (f.name.startsWith('.') || !ACCEPTED.test(f.name))) return;
      chosen.push(f);
    });
    show();
  }
  input.addEventListener('change', () => { add(input.files, false); input.value = ''; });
  folder.addEventListener('change', () => { add(folder.files, true); folder.value = ''; });
  clear.addEventListener('click', () => { chosen.length = 0; show(); });
  dropTarget(zone, async (e) => {
    const items = e.dataTransfer ? Array.from(e.dataTransfer.items || []) : [];
    const entries = items.map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null)).filter(Boolean);
    if (entries.length) {
      const folderDropped = entries.some((en) => en.isDirectory);
      const files = [];
      for (const entry of entries) files.push(...await filesOf(entry)); // eslint-disable-line no-await-in-loop
      add(files, folderDropped);
    } else if (e.dataTransfer && e.dataTransfer.files.length) {
      add(e.dataTransfer.files, false);
    }
  });
  return { files: () => chosen.slice(), input };
}

// ---- task and options

function chosenTask(form) {
  const radio = form.querySelector('[data-task-choice]:checked');
  return radio ? radio.value : '';
}

function fieldsetOf(form, task) {
  return form.querySelector(`[data-options-for="${CSS.escape(task)}"]`);
}

/** Only the chosen task's options are shown and sent. */
function syncTask(form) {
  const task = chosenTask(form);
  form.querySelectorAll('[data-options-for]').forEach((fs) => {
    const active = fs.dataset.optionsFor === task;
    fs.hidden = !active;
    fs.disabled = !active;
  });
}

function chooseTask(form, task) {
  const radio = form.querySelector(`[data-task-choice][value="${CSS.escape(task)}"]`);
  if (!radio) return false;
  radio.checked = true;
  syncTask(form);
  return true;
}

/** Sets a task's fields to the given options; fields the options leave out go back to their defaults. */
function fillOptions(form, task, options) {
  const fieldset = fieldsetOf(form, task);
  Array.from(fieldset.elements).forEach((input) => {
    if (!input.name || !input.name.startsWith(`${task}.`)) return;
    const name = input.name.slice(task.length + 1);
    const has = Object.prototype.hasOwnProperty.call(options, name);
    if (input.type === 'checkbox') input.checked = has ? options[name] === 'true' : input.defaultChecked;
    else if (input.tagName === 'SELECT') {
      const ok = has && Array.from(input.options).some((o) => o.value === options[name]);
      Array.from(input.options).forEach((o) => { o.selected = ok ? o.value === options[name] : o.defaultSelected; });
    } else input.value = has ? options[name] : input.defaultValue;
    input.dispatchEvent(new Event('input', { bubbles: true })); // the k/target switch follows
  });
}

// ---- presets

function readPresets() {
  const presets = readJson(window.localStorage, PRESETS_KEY, {});
  return presets && typeof presets === 'object' && !Array.isArray(presets) ? presets : {};
}

function mountPresets(form) {
  const box = form.querySelector('[data-presets]');
  const pick = box.querySelector('[data-preset-pick]');
  const name = box.querySelector('[data-preset-name]');
  const note = box.querySelector('[data-preset-note]');
  const del = box.querySelector('[data-preset-delete]');

  function list(selected) {
    const presets = readPresets();
    const names = Object.keys(presets).sort((a, b) => a.localeCompare(b));
    pick.replaceChildren(el('option', { value: '' }, names.length ? 'Choose a preset…' : '(none saved)'),
      ...names.map((n) => el('option', { value: n, selected: n === selected }, `${n} (${presets[n].task})`)));
    del.disabled = !pick.value;
  }
  pick.addEventListener('change', () => {
    del.disabled = !pick.value;
    const preset = readPresets()[pick.value];
    if (!preset) return;
    if (!chooseTask(form, preset.task)) {
      note.textContent = `This preset's task (${preset.task}) is not offered by this server.`;
      return;
    }
    fillOptions(form, preset.task, preset.options || {});
    name.value = pick.value;
    note.textContent = `Preset “${pick.value}” applied.`;
  });
  box.querySelector('[data-preset-save]').addEventListener('click', () => {
    const key = name.value.trim();
    if (!key) {
      note.textContent = 'Give the preset a name first.';
      name.focus();
      return;
    }
    const task = chosenTask(form);
    const presets = readPresets();
    presets[key] = { task, options: optionsOf(fieldsetOf(form, task), task) };
    writeJson(window.localStorage, PRESETS_KEY, presets);
    list(key);
    note.textContent = readPresets()[key] ? `Saved “${key}”.` : 'This browser does not keep presets (storage is off or full).';
  });
  del.addEventListener('click', () => {
    const key = pick.value;
    if (!key) return;
    const presets = readPresets();
    delete presets[key];
    writeJson(window.localStorage, PRESETS_KEY, presets);
    list('');
    note.textContent = `Deleted “${key}”.`;
  });
  list('');
}

// ---- the batch table

/** Local files by the child they became: by position when no zip was sent, else by name in order. */
function thumbnailsFor(files) {
  if (!files || !files.length) return () => null;
  const urls = new Map();
  const url = (f) => {
    if (!urls.has(f)) urls.set(f, /^image\/(png|jpeg|gif|webp|bmp)$/.test(f.type) ? URL.createObjectURL(f) : null);
    return urls.get(f);
  };
  if (!files.some(isZip)) return (child) => (files[child.index] ? url(files[child.index]) : null);
  const byName = new Map();
  files.filter((f) => !isZip(f)).forEach((f) => byName.set(f.name, (byName.get(f.name) || []).concat(f)));
  const given = new Map(); // child index → file, so a row keeps its picture when redrawn
  return (child) => {
    if (!given.has(child.index)) {
      const queue = byName.get(child.name);
      given.set(child.index, queue && queue.length ? queue.shift() : null);
    }
    const f = given.get(child.index);
    return f ? url(f) : null;
  };
}

const count = (n, word) => `${NF.format(n)} ${word}`;

class BatchView {
  constructor(section, thumbnail) {
    this.section = section;
    this.thumbnail = thumbnail;
    this.rows = new Map();
    this.batch = null;
    this.outBytes = null;
    this.totalsTicket = 0;
    this.q = (sel) => section.querySelector(sel);
    this.q('[data-batch-cancel]').addEventListener('click', () => this.cancel());
  }

  get id() { return this.batch ? this.batch.id : this.section.dataset.batchId; }

  links() {
    const id = encodeURIComponent(this.id);
    const own = (this.batch && this.batch.links) || {};
    return {
      self: own.self || `/api/v1/batches/${id}`,
      events: own.events || `/api/v1/batches/${id}/events`,
      archive: own.archive || `/api/v1/batches/${id}/archive`,
    };
  }

  /** A whole Batch view (POST's answer, GET, the "done" event). */
  render(batch) {
    const before = this.batch;
    // A GET answered after the stream's "done" (or a later event) must not take the table back in time.
    if (before && TERMINAL_BATCH.includes(before.status) && !TERMINAL_BATCH.includes(batch.status)) return;
    if (before && (batch.done || 0) < (before.done || 0)) return;
    this.batch = batch;
    this.section.hidden = false;
    this.section.dataset.batchId = batch.id;
    this.section.dataset.batchTask = batch.task;
    this.q('[data-batch-name]').textContent = batch.id;
    const page = `/batches?id=${encodeURIComponent(batch.id)}`;
    const link = this.q('[data-batch-link]');
    link.href = page;
    link.textContent = new URL(page, window.location.href).href;
    this.q('[data-batch-archive]').href = this.links().archive;
    (batch.jobs || []).forEach((child) => this.renderChild(child));
    this.counts(batch);
  }

  /** The counts and status (every event carries them). */
  counts(c) {
    if (!this.batch) return;
    ['status', 'total', 'done', 'succeeded', 'failed', 'cancelled', 'finishedAt'].forEach((k) => {
      if (c[k] !== undefined) this.batch[k] = c[k];
    });
    const b = this.batch;
    const total = b.total !== undefined ? b.total : (b.jobs || []).length;
    this.section.dataset.batchStatus = b.status;
    this.q('[data-batch-status]').textContent = b.status;
    const parts = [`${NF.format(b.done || 0)} of ${NF.format(total)} done`];
    if (b.succeeded) parts.push(count(b.succeeded, 'succeeded'));
    if (b.failed) parts.push(count(b.failed, 'failed'));
    if (b.cancelled) parts.push(count(b.cancelled, 'cancelled'));
    this.q('[data-batch-counts]').textContent = `· ${parts.join(', ')}`;
    const bar = this.q('[data-batch-progress]');
    bar.max = Math.max(total, 1);
    bar.value = b.done || 0;
    bar.textContent = `${b.done || 0} / ${total}`;
    this.q('[data-batch-cancel]').hidden = TERMINAL_BATCH.includes(b.status);
    if (TERMINAL_BATCH.includes(b.status)) this.totals();
  }

  renderChild(child) {
    const known = this.rows.get(child.index);
    if (known && TERMINAL_CHILD.includes(known.dataset.status) && !TERMINAL_CHILD.includes(child.status)) return;
    if (this.batch && this.batch.jobs) {
      const i = this.batch.jobs.findIndex((j) => j.index === child.index);
      if (i >= 0) this.batch.jobs[i] = child; else this.batch.jobs.push(child);
    }
    let row = known;
    if (!row) {
      row = el('tr', { 'data-batch-row': child.index });
      const rows = this.q('[data-batch-rows]');
      const after = Array.from(rows.children).find((r) => Number(r.dataset.batchRow) > child.index);
      rows.insertBefore(row, after || null);
      this.rows.set(child.index, row);
    }
    row.dataset.status = child.status;
    // The picture is drawn once per row (redrawing the row keeps it). A file the server refused (a corrupt
    // one: the browser may still draw part of it) or the browser cannot draw gets the empty box.
    const none = () => el('span', { class: 'batch-thumb none', 'aria-hidden': 'true' });
    let thumbCell = row.querySelector('.batch-thumb-cell');
    if (!thumbCell) {
      const src = this.thumbnail(child);
      thumbCell = el('td', { class: 'batch-thumb-cell' }, src
        ? el('img', { class: 'batch-thumb', src, alt: '', on: { error: (e) => e.target.replaceWith(none()) } }) : none());
    }
    if (child.status === 'failed' && !child.id) thumbCell.replaceChildren(none());
    const name = el('td', { class: 'batch-name', 'data-label': 'Image' }, [child.name || `#${child.index + 1}`,
      child.bytes ? el('span', { class: 'hint' }, ` ${fmtSize(child.bytes)}`) : null]);
    const running = child.status === 'running' && child.progress > 0 ? ` ${Math.round(child.progress * 100)}%` : '';
    const status = el('td', { 'data-label': 'Status' }, el('span', { class: `batch-status is-${child.status}`, 'data-child-status': true },
      `${child.status}${running}`));
    let result;
    if (child.error) {
      result = el('td', { 'data-label': 'Result', 'data-child-error': true, class: 'batch-error' }, [
        el('strong', null, child.error.title || 'Failed'),
        child.error.detail ? `: ${child.error.detail}` : ''
      ]);
    } else {
      result = el('td', { 'data-label': 'Result', 'data-child-summary': true }, child.summary || '');
    }
    const job = el('td', { 'data-label': 'Job' }, child.id
      ? el('a', { href: `/jobs/${encodeURIComponent(child.id)}`, 'data-child-job': child.id }, TERMINAL_CHILD.includes(child.status) ? 'open' : 'follow')
      : '—');
    row.replaceChildren(thumbCell, name, status, result, job);
  }

  /** At the end: how many worked, and for quantize what the palettes saved. */
  async totals() {
    const ticket = ++this.totalsTicket; // counts() may call again while the sizes are fetched
    const out = this.q('[data-batch-totals]');
    const b = this.batch;
    const parts = [`${count(b.succeeded || 0, 'succeeded')}, ${count(b.failed || 0, 'failed')}`];
    if (b.cancelled) parts.push(count(b.cancelled, 'cancelled'));
    out.textContent = `Totals: ${parts.join(', ')}.`;
    out.hidden = false;
    if (b.task !== 'quantize') return;
    const done = (b.jobs || []).filter((j) => j.status === 'succeeded' && j.id);
    if (!done.length) return;
    if (this.outBytes === null) {
      this.outBytes = Promise.all(done.map((j) => outputBytes(j))).then((outs) => ({
        in: done.reduce((s, j, i) => s + (outs[i] !== null ? j.bytes || 0 : 0), 0),
        out: outs.reduce((s, o) => s + (o || 0), 0),
        counted: outs.filter((o) => o !== null).length,
      }));
    }
    const sums = await this.outBytes;
    if (!sums.counted || ticket !== this.totalsTicket) return;
    const saved = sums.in > 0 ? 1 - sums.out / sums.in : 0;
    const pct = `${saved >= 0 ? '−' : '+'}${Math.abs(Math.round(saved * 100))} %`;
    out.append(' ', el('span', { 'data-batch-bytes': true, 'data-bytes-in': sums.in, 'data-bytes-out': sums.out },
      `Bytes in ${fmtSize(sums.in)} → out ${fmtSize(sums.out)} (${pct}) over ${count(sums.counted, sums.counted === 1 ? 'image' : 'images')}.`));
  }

  async cancel() {
    const button = this.q('[data-batch-cancel]');
    button.disabled = true;
    try {
      const response = await fetch(this.links().self, { method: 'DELETE', headers: apiHeaders(), credentials: 'same-origin' });
      if (response.ok) this.render(await response.json());
      else this.error(await readProblem(response));
    } catch (_) {
      this.error({ title: 'The server did not answer', detail: 'the batch may still be running; try Cancel again' });
    } finally {
      button.disabled = false;
    }
  }

  error(problem) {
    const box = this.q('[data-batch-error]');
    box.textContent = `${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`;
    box.setAttribute('role', 'alert');
    box.hidden = false;
  }

  /** The table follows the event stream (it starts with the batch and replays children that ended); GET polls if it fails. */
  follow() {
    if (TERMINAL_BATCH.includes(this.batch.status)) return;
    if (!window.EventSource) { this.poll(); return; }
    this.section.dataset.batchLive = 'events';
    const source = new EventSource(this.links().events);
    source.addEventListener('batch', (event) => this.render(JSON.parse(event.data))); // the batch as the stream starts
    source.addEventListener('child', (event) => {
      const data = JSON.parse(event.data);
      if (data.child) this.renderChild(data.child);
      this.counts(data);
    });
    // The stream tells when an image ends; which are running, and how far, a GET now and then shows.
    const progress = window.setInterval(() => this.refresh().catch(() => {}), PROGRESS_MS);
    source.addEventListener('done', (event) => {
      source.close();
      window.clearInterval(progress);
      this.render(JSON.parse(event.data));
    });
    source.onerror = () => {
      // The server closes the stream after "done"; anything else: poll instead.
      source.close();
      window.clearInterval(progress);
      if (!TERMINAL_BATCH.includes(this.batch.status)) this.poll();
    };
  }

  async refresh() {
    const response = await fetch(this.links().self, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    if (!response.ok) throw await readProblem(response);
    this.render(await response.json());
  }

  async poll() {
    this.section.dataset.batchLive = 'polling';
    while (!TERMINAL_BATCH.includes(this.batch.status)) {
      // eslint-disable-next-line no-await-in-loop
      await new Promise((r) => { window.setTimeout(r, POLL_MS); });
      try {
        await this.refresh(); // eslint-disable-line no-await-in-loop
      } catch (problem) {
        if (problem && problem.status === 404) { this.error(problem); return; }
        // network blip: try again on the next round
      }
    }
  }
}

/** A quantize child's output size: the batch names it (the file its summary names); older answers lack it. */
async function outputBytes(child) {
  return Number.isFinite(child.outputBytes) ? child.outputBytes : null;
}

// ---- the form

function mountForm(form, section) {
  const chooser = mountChooser(form);
  form.noValidate = true;
  form.querySelectorAll('[data-task-choice]').forEach((r) => r.addEventListener('change', () => syncTask(form)));
  window.addEventListener('pageshow', () => syncTask(form));
  syncTask(form);
  form.querySelectorAll('[data-options-for]').forEach(syncKAndTargets);
  mountPresets(form);
  const busy = submitButton(form, 'Uploading…');
  clearOnEdit(form);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const task = chosenTask(form);
    const fieldset = fieldsetOf(form, task);
    const files = chooser.files();
    const extra = files.length ? [] : [[chooser.input, 'Choose some images (or a folder, or a zip) first.']];
    if (!checkFields(fieldset, extra)) return;

    const options = optionsOf(fieldset, task);
    const body = new FormData();
    body.append('task', task);
    Object.entries(options).forEach(([name, value]) => body.append(name, value)); // sharedPalette among them
    files.forEach((f) => body.append('image', f, f.name));
    busy(true);
    let response;
    try {
      response = await fetch('/api/v1/batches', { method: 'POST', body, headers: apiHeaders(), credentials: 'same-origin' });
    } catch (_) {
      busy(false);
      showFormError(form, 'The upload did not reach the server. Check the connection and press Start batch again.');
      return;
    }
    busy(false);
    const batch = response.ok ? await response.json().catch(() => null) : null;
    if (!batch || !batch.id) {
      showProblem(form, response.ok ? { title: 'The server answered without a batch' } : await readProblem(response), task, chooser.input);
      return;
    }
    window.history.pushState({ batch: batch.id }, '', `/batches?id=${encodeURIComponent(batch.id)}`);
    form.hidden = true;
    const view = new BatchView(section, thumbnailsFor(files));
    view.render(batch);
    view.follow();
    section.querySelector('h2').focus({ preventScroll: false });
  });
}

async function showSaved(section) {
  const view = new BatchView(section, () => null);
  try {
    const response = await fetch(`/api/v1/batches/${encodeURIComponent(section.dataset.batchId)}`,
      { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    if (!response.ok) {
      const problem = await readProblem(response);
      section.querySelector('[data-batch-status]').textContent = 'unknown';
      view.error(response.status === 404 ? { title: problem.title || 'Not found', detail: `${problem.detail || 'no such batch'} (batches are kept for a limited time)` } : problem);
      section.querySelector('[data-batch-archive]').hidden = true;
      return;
    }
    view.render(await response.json());
    view.follow();
  } catch (_) {
    view.error({ title: 'The server did not answer', detail: 'reload the page to try again' });
  }
}

const form = document.querySelector('[data-batch-form]');
const section = document.querySelector('[data-batch]');
if (section) section.querySelector('h2').tabIndex = -1;
if (form && section) mountForm(form, section);
if (section && section.dataset.batchId) showSaved(section);
// Back from a batch's address to the bare page: the form again.
window.addEventListener('popstate', () => window.location.reload());
