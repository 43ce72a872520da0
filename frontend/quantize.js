// Pixelwise: comparison page of the K-Means colour quantisation task (an ES module, loaded by
// results/quantize.html only). Progressive enhancement of
// <div data-quantize-app data-job="/api/v1/jobs/{id}">; the page keeps a no-JS table.
// Modules: quantize-sources (the result read defensively), compare-viewer (split view, zoom; shared
// with the upscale page), -overlays (heat-map, error map, colour highlight), -palette, -chart, -table,
// -summary (recommendation, options used, try other k), -metrics; dom (helpers).
import { el, isNum, fmtSize, NF } from './dom.js';
import { readResult, describe } from './quantize-sources.js';
import { createViewer } from './compare-viewer.js';
import { createOverlays } from './quantize-overlays.js';
import { createPalette } from './quantize-palette.js';
import { createChart } from './quantize-chart.js';
import { createTables } from './quantize-table.js';
import { createRecommendation, createOptionsUsed, createRerun } from './quantize-summary.js';

const root = document.querySelector('[data-quantize-app]');
if (root) start(root);

function showError(title, detail) {
  root.removeAttribute('data-q-ready');
  root.setAttribute('data-q-state', 'error');
  root.replaceChildren(el('div', { class: 'error q-error', role: 'alert', 'data-q-error': true }, [
    el('h2', { text: title }), el('p', { text: detail }),
  ]));
}

function start() {
  const jobUrl = (root.getAttribute('data-job') || '').replace(/\/+$/, '');
  if (!jobUrl) {
    showError('Comparison unavailable', 'The page does not say which job to show (missing data-job).');
    return;
  }
  root.setAttribute('data-q-state', 'loading');
  root.replaceChildren(el('p', { class: 'q-loading', role: 'status', text: 'Loading the comparison…' }));
  fetch(jobUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
    .then((response) => {
      if (!response.ok) throw new Error(`The server answered HTTP ${response.status} for ${jobUrl}.`);
      return response.json().catch(() => { throw new Error('The server sent something that is not JSON.'); });
    })
    .then((job) => {
      const status = job && job.status ? String(job.status).toLowerCase() : 'unknown';
      if (status !== 'succeeded') {
        showError('No comparison yet',
          `The comparison appears once the job has succeeded; this job is ${status.replace(/_/g, ' ')}.`);
        return;
      }
      const result = job.result;
      const model = result && result.original ? readResult(result) : null;
      if (!model || model.variants.length === 0) {
        showError('Nothing to compare', 'The job finished without any quantised variants.');
        return;
      }
      mount(model, jobUrl);
    })
    .catch((err) => {
      console.error(err); // eslint-disable-line no-console
      showError('Could not load the comparison', err && err.message ? err.message : String(err));
    });
}

function mount(model, jobUrl) {
  const o = model.original;
  const fileUrl = (file) => `${jobUrl}/files/${encodeURIComponent(file)}`;
  let overlays = null;
  let palette = null;
  let chart = null;
  let tables = null;
  const show = (id) => viewer.setSide('right', id);
  const firstRight = model.suggested || model.variants[Math.floor(model.variants.length / 2)];
  const viewer = createViewer({
    sources: model.sources,
    left: 'original',
    right: String(firstRight.k),
    url: (src) => fileUrl(src.file),
    width: o.width,
    height: o.height,
    describe: (src) => describe(src, model),
    alt: (src) => (src.kind === 'palette' ? `quantised to k = ${src.variant.k} colours`
      : src.kind === 'format' ? src.name : 'the original image'),
    onSideChange: (side, src) => {
      if (side !== 'right' || !overlays) return;
      tables.markCurrent(src.id);
      chart.markCurrent(src.id);
      palette.render(src);
      overlays.rightChanged();
    },
  });
  overlays = createOverlays(model, viewer, fileUrl);
  palette = createPalette(model, overlays);
  chart = createChart(model, show);
  tables = createTables(model, fileUrl, show);

  const bits = [];
  if (isNum(o.width) && isNum(o.height)) bits.push(`${NF.format(o.width)} × ${NF.format(o.height)} px`);
  if (isNum(o.bytes)) bits.push(`${fmtSize(o.bytes)}${model.originalFormat ? ` ${model.originalFormat}` : ''}`);
  if (isNum(o.uniqueColors)) bits.push(`${NF.format(o.uniqueColors)} unique colours`);
  if (isNum(o.losslessBytes)) bits.push(`${o.losslessEstimated ? '≈ ' : ''}${fmtSize(o.losslessBytes)} as lossless PNG`);

  const app = el('div', { class: 'q-app' }, [
    el('h2', { class: 'q-h2' }, 'Compare'),
    el('p', { class: 'q-summary' }, [el('strong', { text: 'Original: ' }), bits.join(' · ')]),
    createRecommendation(model, show),
    viewer.controls,
    el('div', { class: 'cv-toolbar', role: 'toolbar', 'aria-label': 'View' }, [viewer.zoomGroup, ...overlays.toggles]),
    viewer.labels,
    viewer.sizeLine,
    viewer.stage,
    overlays.captions,
    viewer.help,
    palette.section,
    chart.section,
    ...tables.sections,
    el('section', { class: 'q-section q-run-section', 'aria-label': 'Run again' }, [
      createRerun(model, jobUrl),
      createOptionsUsed(model),
    ]),
  ]);
  root.replaceChildren(app);
  root.setAttribute('data-q-state', 'ready');

  const shown = viewer.start();
  chart.render();
  chart.watchSize();
  shown.then(() => root.setAttribute('data-q-ready', 'true'));
}
