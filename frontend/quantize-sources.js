// Pixelwise quantize page: everything either side of the viewer can show, read defensively from the
// job result (older results have no formats, recommendation or quality bar).
import { isNum, fmtSize, fmtNum } from './dom.js';

/** Display order, curve colour class and name of each encoding. */
export const FORMATS = {
  png: { order: 0, name: 'Palette PNG', short: 'PNG' },
  webp: { order: 1, name: 'WebP', short: 'WebP' },
  jpeg: { order: 2, name: 'JPEG', short: 'JPEG' },
  'webp-lossless': { order: 3, name: 'Lossless WebP', short: 'lossless WebP' },
  avif: { order: 4, name: 'AVIF', short: 'AVIF' },
};
export const formatKey = (f) => String(f || '').toLowerCase();
export const formatName = (f) => (FORMATS[formatKey(f)] || { name: String(f || '?').toUpperCase() }).name;

/** "WebP q=75", "lossless WebP", "JPEG q=40". */
export function encodingText(format, quality) {
  const key = formatKey(format);
  const base = key === 'webp-lossless' ? 'lossless WebP' : formatName(format);
  return isNum(quality) ? `${base} q=${quality}` : base;
}

const asArray = (x) => (Array.isArray(x) ? x.filter((v) => v && typeof v === 'object') : []);

/**
 * Builds the source list from a job result.
 * Ids: 'original', String(k) for palette variants, the file name for every other encoded file.
 */
export function readResult(result) {
  const original = result.original || {};
  const variants = asArray(result.variants).filter((v) => isNum(v.k)).sort((a, b) => a.k - b.k);
  const originalFile = original.file || 'original.png';
  const originalFormat = original.format ? String(original.format).toUpperCase() : '';
  const suggested = variants.find((v) => v.k === result.suggestedK) || null;

  const sources = new Map();
  sources.set('original', {
    id: 'original', kind: 'original', group: null, name: 'Original', file: originalFile, bytes: original.bytes,
    option: `Original${originalFormat ? ` (${originalFormat})` : ''}`,
  });
  variants.forEach((v) => sources.set(String(v.k), {
    id: String(v.k), kind: 'palette', group: 'Palette PNG', name: `k = ${v.k}`, file: v.file || `k${v.k}.png`,
    bytes: v.bytes, variant: v, format: 'png', psnr: v.psnr, ssim: v.ssim, deltaE: v.deltaE, lossless: !!v.lossless,
    option: `k = ${v.k}${v === suggested ? ' (suggested)' : ''}`,
  }));

  /** Every format file: the original's curve points and each variant's size-matched encodings. */
  const formats = [];
  const seen = new Set();
  const addFormat = (f, owner) => {
    if (!f.format || (f.file && seen.has(f.file))) return;
    if (f.file) seen.add(f.file);
    const key = formatKey(f.format);
    const encoding = encodingText(f.format, f.quality);
    let name;
    if (key === 'webp-lossless' && owner) name = `Lossless WebP of k = ${owner.k}`;
    else if (f.matchedTo) name = `${encoding} at ${f.matchedTo}'s size`;
    else if (owner) name = `${encoding} at k = ${owner.k}'s size`;
    else name = `${encoding} of the original`;
    const entry = {
      ...f, key, name, owner: owner || null, lossless: !isNum(f.psnr) && key.includes('lossless') && !owner,
    };
    formats.push(entry);
    if (f.file && !sources.has(f.file)) {
      sources.set(f.file, {
        id: f.file, kind: 'format', group: formatName(f.format), name, file: f.file, bytes: f.bytes, format: key,
        fmt: entry, psnr: f.psnr, ssim: f.ssim, deltaE: f.deltaE, option: `${name} · ${fmtSize(f.bytes)}`,
      });
    }
  };
  asArray(original.formats).forEach((f) => addFormat(f, null));
  variants.forEach((v) => asArray(v.formats).forEach((f) => addFormat(f, v)));
  formats.sort((a, b) => ((FORMATS[a.key] || { order: 9 }).order - (FORMATS[b.key] || { order: 9 }).order)
    || ((a.bytes || 0) - (b.bytes || 0)));

  const bySource = (file) => [...sources.values()].find((s) => s.file === file) || null;
  return {
    original, originalFile, originalFormat, variants, suggested, sources, formats, bySource,
    bar: result.qualityBar && typeof result.qualityBar === 'object' ? result.qualityBar : null,
    recommendation: result.recommendation && typeof result.recommendation === 'object' ? result.recommendation : null,
    optionsUsed: result.optionsUsed && typeof result.optionsUsed === 'object' ? result.optionsUsed : null,
    timings: result.timingsMs && typeof result.timingsMs === 'object' ? result.timingsMs : null,
    target: result.target || null,
    elbowK: isNum(result.elbowK) ? result.elbowK : null,
  };
}

/** One line under a side's name: size, encoding and quality. */
export function describe(src, model) {
  if (src.kind === 'original') return `${fmtSize(src.bytes)}${model.originalFormat ? ` ${model.originalFormat}` : ''}`;
  if (src.kind === 'palette') {
    const v = src.variant;
    const colours = Array.isArray(v.palette) && v.palette.length ? v.palette.length : v.k;
    return `${fmtSize(src.bytes)} PNG · ${colours} colours${v.lossless ? ' · lossless' : ''}`;
  }
  return `${fmtSize(src.bytes)} ${encodingText(src.fmt.format, src.fmt.quality)}`
    + `${isNum(src.deltaE) ? ` · ΔE ${fmtNum(src.deltaE, 2)}` : ''}`;
}
