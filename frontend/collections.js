// Pixelwise: the Collections page. Labels taught from a few example images, then photos classified with
// them, all through the collections API (/api/v1/collections) and POST /api/v1/classify with collection=.
//
// - Without an id: the caller's collections (create one, open one, delete one).
// - With an id (/collections/{id} or ?id=): a card per label; images or zips dropped on a card (or chosen)
//   are sent at once as that label's examples. Every change answers with the whole collection, so the
//   accuracy, the method and the confusion matrix are redrawn from the answer itself.
// - A new label is only a card in this page until its first example: the API keeps a label as its examples.
// - "Try it": one photo classified with the collection; the answer, unknown or not, beside the photo.
// - Problems (problem+json) go beside the control they are about, with job-forms.js's helpers.
import { el, NF, fmtNum, fmtPct, isNum, dropTarget } from './dom.js';
import {
  apiHeaders, clearErrors, showFieldError, showFormError, readProblem, submitButton, clearOnEdit,
} from './job-forms.js';

const API = '/api/v1/collections';
const EXAMPLE_TYPES = 'image/png,image/jpeg,image/gif,image/bmp,image/webp,image/tiff,.zip,application/zip';
const TERMINAL = ['succeeded', 'failed', 'cancelled'];
const POLL_MS = 1000;

// ---- the API

const unreachable = { title: 'The server did not answer', detail: 'check the connection and try again' };

/** One API call: { ok, data } or { ok: false, problem }; a body object goes as JSON. */
async function call(method, url, body) {
  const headers = apiHeaders();
  let payload = body;
  if (body && !(body instanceof FormData)) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body: payload, credentials: 'same-origin' });
  } catch (_) {
    return { ok: false, status: 0, problem: unreachable };
  }
  if (response.status === 204) return { ok: true, status: 204, data: null };
  if (response.ok) {
    const data = await response.json().catch(() => null);
    return data ? { ok: true, status: response.status, data }
      : { ok: false, status: response.status, problem: { title: 'The server answered without the expected JSON' } };
  }
  return { ok: false, status: response.status, problem: await readProblem(response) };
}

const collectionUrl = (id) => `${API}/${encodeURIComponent(id)}`;
/**
 * A label is addressed in the URL path; "." and ".." are path segments every client (the browser's URL
 * parser too, even as %2e) resolves away, so DELETE …/labels/.. would delete the collection itself.
 */
const unaddressable = (label) => label === '.' || label === '..';
const UNADDRESSABLE = 'cannot be deleted through the API (the address would mean the folder, or the collection, itself)';
const labelUrl = (id, label) => `${collectionUrl(id)}/labels/${encodeURIComponent(label)}`;

function problemText(p) {
  const retry = p.retryAfter ? ` Try again in about ${p.retryAfter} s.` : '';
  return `${p.title || 'Error'}${p.detail ? `: ${p.detail}` : ''}.${retry}`.replace(/([.!?])\.(\s|$)/, '$1$2');
}

/**
 * A problem beside the control it names ({@code fields}: API field name → input); a problem with the
 * images themselves (413, 415, 422) beside {@code fields.image}; anything else in the form's error line.
 */
function showApiProblem(form, problem, fields) {
  let target = problem.field ? fields[problem.field] : null;
  if (!target && [413, 415, 422].includes(problem.status)) target = fields.image;
  if (target && !target.disabled) {
    const detail = problem.field && problem.detail && problem.detail.startsWith(`${problem.field}: `)
      ? problem.detail.slice(problem.field.length + 2) : problem.detail;
    showFieldError(target, target.type === 'file' ? `${problem.title}: ${detail || ''}` : (detail || problem.title));
    target.focus();
  } else {
    showFormError(form, problemText(problem));
  }
}

function errorLine(box, problem) {
  box.textContent = problem ? problemText(problem) : '';
  box.hidden = !problem;
  if (problem) box.setAttribute('role', 'alert'); else box.removeAttribute('role');
}

const plural = (n, one, many = `${one}s`) => `${NF.format(n)} ${n === 1 ? one : many}`;
const examplesOf = (c) => c.labels.reduce((sum, l) => sum + l.examples, 0);
/** What a card shows of its examples: their ids in order (a card is rebuilt when this changes). */
const signature = (items) => items.map((i) => i.id).join(',');

/** What a drop brings: its files (a dropped folder is not read; its images can be zipped or chosen). */
function droppedFiles(e) {
  return e.dataTransfer ? Array.from(e.dataTransfer.files || []) : [];
}

/** Calls `onFiles` with the files of each drop on `zone`. */
function dropFilesOn(zone, onFiles) {
  dropTarget(zone, (e) => {
    const files = droppedFiles(e);
    if (files.length) onFiles(files);
  });
}

// ---- the list of collections

function mountIndex(section) {
  const list = section.querySelector('[data-col-list]');
  const status = section.querySelector('[data-col-list-status]');
  const listError = section.querySelector('[data-col-list-error]');
  const create = section.querySelector('[data-col-create]');
  const name = create.querySelector('[data-col-name]');

  function item(c) {
    const examples = examplesOf(c);
    const labels = c.labels.map((l) => l.name);
    const shown = labels.length > 8 ? `${labels.slice(0, 8).join(', ')}, …` : labels.join(', ');
    const del = el('button', { type: 'button', class: 'col-delete', 'data-col-delete': c.id }, 'Delete');
    del.addEventListener('click', () => remove(c, del));
    return el('li', { class: 'col-item', 'data-collection': c.id }, [
      el('a', { class: 'col-item-name', href: `/collections/${encodeURIComponent(c.id)}` }, c.name),
      el('span', { class: 'col-item-labels', 'data-col-item-labels': true },
        labels.length ? `${plural(labels.length, 'label')}: ${shown}` : 'no labels yet'),
      el('span', { class: 'col-item-facts' }, [
        plural(examples, 'example'),
        ' · accuracy ', el('strong', { 'data-col-item-accuracy': true }, isNum(c.accuracy) ? fmtPct(c.accuracy) : '—'),
        c.evaluation ? ` (${c.evaluation})` : '',
        ' · ', el('span', { 'data-col-item-method': true }, c.method),
      ]),
      del,
    ]);
  }

  async function load() {
    const r = await call('GET', API);
    if (!r.ok) {
      status.textContent = '';
      errorLine(listError, r.problem);
      return;
    }
    errorLine(listError, null);
    list.replaceChildren(...r.data.map(item));
    status.textContent = r.data.length ? `${plural(r.data.length, 'collection')}, newest first.`
      : 'No collections yet: create one above.';
  }

  async function remove(c, button) {
    if (!window.confirm(`Delete the collection “${c.name}” and everything taught to it?`)) return;
    button.disabled = true;
    const r = await call('DELETE', collectionUrl(c.id));
    button.disabled = false;
    if (!r.ok && r.status !== 404) { errorLine(listError, r.problem); return; }
    await load();
  }

  create.noValidate = true;
  clearOnEdit(create);
  const busy = submitButton(create, 'Creating…');
  create.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(create);
    if (!name.value.trim()) {
      showFieldError(name, 'Give the collection a name.');
      name.focus();
      return;
    }
    busy(true);
    const r = await call('POST', API, { name: name.value.trim() });
    if (r.ok && r.data.id) {
      window.location.assign(`/collections/${encodeURIComponent(r.data.id)}`);
      return; // busy until the collection's page loads; pageshow frees the button on Back
    }
    busy(false);
    showApiProblem(create, r.problem || { title: 'The server answered without a collection' }, { name });
  });
  load();
}

// ---- one collection

class CollectionPage {
  constructor(section) {
    this.section = section;
    this.id = section.dataset.collectionId;
    this.maxBytes = Number(section.dataset.maxUploadMb || 0) * 1024 * 1024;
    this.view = null;
    this.pending = []; // labels added in this page that have no example yet
    this.version = 0;
    this.q = (sel) => section.querySelector(sel);
    this.cards = this.q('[data-col-cards]');
    this.mountThreshold();
    this.mountAddLabel();
    this.mountTry();
  }

  async load() {
    const r = await call('GET', collectionUrl(this.id));
    if (!r.ok) {
      this.q('[data-col-title]').textContent = r.status === 404 ? 'Collection not found' : 'Collection';
      const p = r.status === 404
        ? { title: r.problem.title || 'Not found', detail: `${r.problem.detail || 'no such collection'} (it may have been deleted, or belong to another API key)` }
        : r.problem;
      errorLine(this.q('[data-col-error]'), p);
      return;
    }
    this.render(r.data, true);
  }

  /** Everything from one CollectionView (every change answers with one). */
  render(c, setThreshold = false) {
    this.view = c;
    this.section.dataset.version = String(++this.version);
    this.section.dataset.method = c.method;
    errorLine(this.q('[data-col-error]'), null);
    this.q('[data-col-body]').hidden = false;
    this.q('[data-col-title]').textContent = c.name;
    document.title = `${c.name} · Collections · Pixelwise`;
    this.pending = this.pending.filter((p) => !c.labels.some((l) => l.name === p));
    this.renderQuality(c);
    if (setThreshold) this.q('[data-col-threshold-input]').value = String(c.threshold);
    this.renderCards(c);
  }

  renderQuality(c) {
    const accuracy = this.q('[data-col-accuracy]');
    accuracy.textContent = isNum(c.accuracy) ? fmtPct(c.accuracy) : '—';
    accuracy.dataset.value = isNum(c.accuracy) ? String(c.accuracy) : '';
    this.q('[data-col-evaluation]').textContent = c.evaluation ? `(${c.evaluation})` : '(once two labels have examples)';
    this.q('[data-col-method]').textContent = c.method === 'head' ? 'trained head' : 'imprinting';
    this.q('[data-col-examples]').textContent = NF.format(examplesOf(c));
    const fewest = c.labels.length ? Math.min(...c.labels.map((l) => l.examples)) : 0;
    this.q('[data-col-method-note]').textContent = c.method === 'head'
      ? `A softmax layer trained on the examples answers, since every label has ${c.headMinExamples} or more; `
        + 'accuracy is cross-validated (each example answered by a head trained without its fold).'
      : `Imprinting answers: cosine similarity to each label's mean example, each example left out of its own label's mean for the accuracy. `
        + `A trained head takes over once every label (two or more) has ${c.headMinExamples} examples`
        + `${c.labels.length ? ` (the fewest now: ${fewest})` : ''}.`;
    this.renderConfusion(c);
  }

  /** Rows: true label; columns: the answer. A cell's colour is its share of the row: blue right, red wrong. */
  renderConfusion(c) {
    const box = this.q('[data-col-confusion-box]');
    const table = this.q('[data-col-confusion]');
    if (!c.confusion) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    const names = c.labels.map((l) => l.name);
    table.tHead.replaceChildren(el('tr', null, [
      el('th', { scope: 'col', class: 'col-corner' }, [el('span', null, 'true ↓'), ' ', el('span', null, 'answer →')]),
      ...names.map((n) => el('th', { scope: 'col' }, n)),
    ]));
    table.tBodies[0].replaceChildren(...c.confusion.map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0);
      return el('tr', { 'data-true-label': names[i] }, [
        el('th', { scope: 'row' }, names[i]),
        ...row.map((count, j) => {
          const share = total ? count / total : 0;
          const cell = el('td', {
            'data-count': count,
            class: `${i === j ? 'hit' : 'miss'}${share > 0.55 ? ' strong' : ''}`,
            title: `${plural(count, 'example')} of “${names[i]}” answered “${names[j]}” (${fmtPct(share, 0)} of ${total})`,
          }, NF.format(count));
          if (count > 0) cell.style.setProperty('--share', String(0.12 + 0.78 * share));
          return cell;
        }),
      ]);
    }));
  }

  /**
   * A card is rebuilt only when its examples changed: one still sending (another card's answer came first)
   * or unchanged stays as it is, with its status, its error and its open example list.
   */
  renderCards(c) {
    const before = new Map(Array.from(this.cards.querySelectorAll('[data-label-card]')).map((f) => [f.dataset.labelCard, f]));
    const wanted = c.labels.map((l) => [l.name, l.items || []]).concat(this.pending.map((name) => [name, []]));
    const cards = wanted.map(([name, items]) => {
      const old = before.get(name);
      const keep = old && (old.getAttribute('aria-busy') === 'true' || old.dataset.examples === signature(items));
      return keep ? old : this.card(name, items);
    });
    this.cards.replaceChildren(...cards);
    if (!cards.length) this.cards.append(el('p', { class: 'hint col-no-labels' }, 'No labels yet: add one below.'));
  }

  card(name, items) {
    const examples = items.length;
    const safeId = `col-files-${Math.random().toString(36).slice(2, 10)}`;
    const input = el('input', {
      id: safeId, name: 'image', type: 'file', multiple: true, accept: EXAMPLE_TYPES, 'data-label-files': true,
    });
    const status = el('p', { class: 'hint col-card-status', 'aria-live': 'polite', 'data-label-status': true });
    const zone = el('div', { class: 'dropzone col-card-drop', 'data-label-drop': true }, [
      el('label', { for: safeId }, `Add images to “${name}”`),
      input,
      el('span', { class: 'hint drop-hint', 'aria-hidden': 'true' }, '…or drop images or zips here'),
    ]);
    const stuck = examples > 0 && unaddressable(name);
    const del = el('button', { type: 'button', class: 'col-delete', 'data-label-delete': true, disabled: stuck,
      title: stuck ? `“${name}” ${UNADDRESSABLE}` : null }, examples ? 'Delete label' : 'Remove');
    const form = el('form', { class: `col-card${examples ? '' : ' pending'}`, 'data-label-card': name, 'data-examples': signature(items) }, [
      el('div', { class: 'col-card-head' }, [
        el('h3', null, name),
        el('span', { class: 'col-card-count', 'data-label-count': examples },
          examples ? plural(examples, 'example') : 'no examples yet: not kept until it has one'),
        del,
      ]),
      zone,
      status,
      el('p', { class: 'form-error', 'data-form-error': true, hidden: true }),
      examples && !stuck ? this.exampleList(name, items) : null,
    ]);
    form.noValidate = true;
    form.addEventListener('submit', (e) => e.preventDefault());
    input.addEventListener('change', () => {
      const files = Array.from(input.files || []);
      input.value = '';
      if (files.length) this.addExamples(form, name, files, input, status);
    });
    dropFilesOn(zone, (files) => this.addExamples(form, name, files, input, status));
    del.addEventListener('click', () => (examples ? this.deleteLabel(form, name, del) : this.dropPending(name)));
    return form;
  }

  /** The examples, each by the file name it came with (the API keeps embeddings, not pictures) and deleted by its id. */
  exampleList(name, items) {
    const rows = items.map((item, i) => {
      const shown = item.source || `#${i + 1}`;
      const button = el('button', { type: 'button', class: 'col-example-delete', 'data-example-delete': item.id,
        'aria-label': `Delete example ${shown} of “${name}”` }, '×');
      button.addEventListener('click', () => this.deleteExample(button.closest('form'), name, item, shown, button));
      return el('li', { 'data-example': item.id, title: `Example ${item.id}` }, [shown, button]);
    });
    return el('details', { class: 'col-examples' }, [
      el('summary', null, `Examples (${NF.format(items.length)}), in the order added`),
      el('ul', null, rows),
    ]);
  }

  async addExamples(form, name, files, input, status) {
    clearErrors(form);
    const big = this.maxBytes ? files.find((f) => f.size > this.maxBytes) : null;
    if (big) {
      showFieldError(input, `“${big.name}” is ${NF.format(Math.ceil(big.size / 1048576))} MB; the limit is ${NF.format(this.maxBytes / 1048576)} MB per file.`);
      return;
    }
    const body = new FormData();
    body.append('label', name);
    files.forEach((f) => body.append('image', f, f.name));
    form.setAttribute('aria-busy', 'true');
    input.disabled = true;
    status.textContent = `Adding ${plural(files.length, 'file')}…`;
    const r = await call('POST', `${collectionUrl(this.id)}/examples`, body);
    form.removeAttribute('aria-busy');
    input.disabled = false;
    status.textContent = '';
    if (r.ok) {
      this.render(r.data);
      this.announce(`Added ${plural(files.length, 'file')} to “${name}”.`);
      return;
    }
    showApiProblem(form, r.problem, { image: input }); // a bad label name: the card's own error line
  }

  async deleteLabel(form, name, button) {
    if (!window.confirm(`Delete the label “${name}” and all its examples?`)) return;
    button.disabled = true;
    const r = await call('DELETE', labelUrl(this.id, name));
    button.disabled = false;
    if (r.ok) {
      this.render(r.data);
      this.announce(`Deleted the label “${name}”.`);
    } else {
      clearErrors(form);
      showFormError(form, problemText(r.problem));
    }
  }

  async deleteExample(form, name, item, shown, button) {
    button.disabled = true;
    const r = await call('DELETE', `${labelUrl(this.id, name)}/examples/${encodeURIComponent(item.id)}`);
    button.disabled = false;
    if (r.ok) {
      this.render(r.data);
      this.announce(`Deleted example ${shown} of “${name}”.`);
    } else {
      clearErrors(form);
      showFormError(form, problemText(r.problem));
    }
  }

  dropPending(name) {
    this.pending = this.pending.filter((p) => p !== name);
    this.renderCards(this.view);
  }

  /** Says what changed, under the figures (the figures themselves were just redrawn). */
  announce(text) {
    let note = this.q('[data-col-changed]');
    if (!note) {
      note = el('p', { class: 'col-changed', 'data-col-changed': true, 'aria-live': 'polite' });
      this.q('.col-figures').insertAdjacentElement('beforebegin', note);
    }
    note.textContent = `${text} Accuracy now ${isNum(this.view.accuracy) ? fmtPct(this.view.accuracy) : '— (needs two labels with examples)'}.`;
  }

  mountAddLabel() {
    const form = this.q('[data-col-add-label]');
    const input = form.querySelector('[data-col-label-name]');
    form.noValidate = true;
    clearOnEdit(form);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearErrors(form);
      const name = input.value.trim();
      const taken = this.view && (this.view.labels.some((l) => l.name === name) || this.pending.includes(name));
      let message = '';
      if (!name) message = 'Give the label a name.';
      else if ([...name].length > 64) message = 'At most 64 characters.';
      else if (/\p{Cc}/u.test(name)) message = 'No control characters.';
      else if (taken) message = `There is already a label “${name}”: add images to its card.`;
      else if (unaddressable(name)) message = `“${name}” ${UNADDRESSABLE}; choose another name.`;
      if (message) {
        showFieldError(input, message);
        input.focus();
        return;
      }
      this.pending.push(name);
      this.renderCards(this.view);
      input.value = '';
      const card = this.cards.querySelector(`[data-label-card="${CSS.escape(name)}"] input[type=file]`);
      if (card) card.focus();
    });
  }

  mountThreshold() {
    const form = this.q('[data-col-threshold]');
    const input = form.querySelector('[data-col-threshold-input]');
    form.noValidate = true;
    clearOnEdit(form);
    const busy = submitButton(form, 'Saving…');
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const value = Number(input.value);
      if (input.value.trim() === '' || !Number.isFinite(value) || value < -1 || value > 1) {
        showFieldError(input, 'A cosine similarity between −1 and 1, e.g. 0.4.');
        input.focus();
        return;
      }
      busy(true);
      const r = await call('PATCH', collectionUrl(this.id), { threshold: value });
      busy(false);
      if (r.ok) {
        this.render(r.data, true);
        this.announce(`Threshold set to ${fmtNum(r.data.threshold, 2)}.`);
      } else {
        showApiProblem(form, r.problem, { threshold: input });
      }
    });
  }

  // ---- "Try it"

  mountTry() {
    const form = this.q('[data-col-try]');
    const input = form.querySelector('[data-col-try-file]');
    let chosen = null;
    form.noValidate = true;
    const busy = submitButton(form, 'Classifying…');
    const run = async () => {
      clearErrors(form);
      if (!chosen) {
        showFieldError(input, 'Choose a photo first.');
        input.focus();
        return;
      }
      if (this.maxBytes && chosen.size > this.maxBytes) {
        showFieldError(input, `This file is ${NF.format(Math.ceil(chosen.size / 1048576))} MB; the limit is ${NF.format(this.maxBytes / 1048576)} MB.`);
        return;
      }
      busy(true);
      const answer = await this.classify(chosen);
      busy(false);
      if (answer.problem) showApiProblem(form, answer.problem, { image: input });
      else this.showAnswer(answer.job, chosen);
    };
    input.addEventListener('change', () => {
      chosen = input.files && input.files[0] ? input.files[0] : null;
      if (chosen) run();
    });
    dropFilesOn(this.q('[data-col-try-drop]'), (files) => {
      [chosen] = files;
      input.value = '';
      run();
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      run();
    });
  }

  /** POST /api/v1/classify with the collection; a job still running after the wait is followed by GET. */
  async classify(file) {
    const body = new FormData();
    body.append('image', file, file.name);
    body.append('collection', this.id);
    body.append('topK', String(Math.max(1, Math.min(1001, this.view ? this.view.labels.length : 1))));
    body.append('timeout', '60');
    const r = await call('POST', '/api/v1/classify', body);
    if (!r.ok) return { problem: r.problem };
    let job = r.data;
    while (!TERMINAL.includes(job.status)) {
      // eslint-disable-next-line no-await-in-loop
      await new Promise((resolve) => { window.setTimeout(resolve, POLL_MS); });
      // eslint-disable-next-line no-await-in-loop
      const next = await call('GET', `/api/v1/jobs/${encodeURIComponent(job.id)}`);
      if (!next.ok) return { problem: next.problem };
      job = next.data;
    }
    if (job.status === 'failed') return { problem: job.error || { title: 'The classification failed' } };
    if (job.status === 'cancelled') return { problem: { title: 'The classification was cancelled' } };
    return { job };
  }

  showAnswer(job, file) {
    const result = job.result || {};
    const used = result.collection || {};
    const ranked = result.predictions || [];
    const top = ranked[0];
    const box = this.q('[data-col-answer]');
    box.hidden = false;
    box.dataset.topLabel = top ? top.label : '';
    box.dataset.unknown = String(Boolean(used.unknown));
    box.dataset.method = used.method || '';
    box.dataset.job = job.id;
    const photo = this.q('[data-col-answer-photo]');
    photo.src = result.image ? `/api/v1/jobs/${encodeURIComponent(job.id)}/files/${encodeURIComponent(result.image)}` : '';
    photo.alt = `The photo classified: ${file.name}`;
    const verdict = this.q('[data-col-verdict]');
    if (!top) verdict.replaceChildren('No answer.');
    else if (used.unknown) {
      verdict.replaceChildren(el('strong', { class: 'col-unknown' }, 'Unknown'),
        `: none of the labels fits. Nearest: “${top.label}”, similarity ${fmtNum(used.similarity, 2)} is below the threshold ${fmtNum(used.threshold, 2)}.`);
    } else {
      verdict.replaceChildren(el('strong', { 'data-col-verdict-label': true }, top.label),
        ` (${fmtPct(top.probability)})`);
    }
    this.q('[data-col-answer-facts]').textContent = [
      `${file.name}`,
      `answered by ${used.method === 'head' ? 'the trained head' : 'imprinting'}`,
      `similarity ${fmtNum(used.similarity, 2)} (unknown below ${fmtNum(used.threshold, 2)})`,
    ].join(' · ');
    this.q('[data-col-ranked]').replaceChildren(...ranked.map((p) => el('li', { 'data-label': p.label }, [
      el('span', { class: 'pred-label' }, p.label),
      el('meter', { min: 0, max: 1, value: p.probability, title: fmtPct(p.probability) }, fmtPct(p.probability)),
      el('span', { class: 'pred-pct' }, fmtPct(p.probability)),
    ])));
  }
}

const index = document.querySelector('[data-col-index]');
const detail = document.querySelector('[data-col-detail]');
if (detail && detail.dataset.collectionId) {
  new CollectionPage(detail).load();
} else if (index) {
  mountIndex(index);
}
