// Pixelwise quantize page: the quality metrics it plots and the quality bar's wording.
import { isNum } from './dom.js';

/** The quality metrics the page can plot and compare against the quality bar. */
export const METRICS = {
  psnr: { name: 'PSNR', unit: 'dB', digits: 1, higherIsBetter: true, title: 'PSNR (dB, higher is better)' },
  ssim: { name: 'SSIM', unit: '', digits: 3, higherIsBetter: true, title: 'SSIM (1 = identical)' },
  deltaE: { name: 'ΔE', unit: '', digits: 2, higherIsBetter: false, title: 'ΔE CIEDE2000 (lower is better)' },
};

/** "ΔE ≤ 2.3", "SSIM ≥ 0.95", "PSNR ≥ 35 dB"; null for a missing or unknown bar. */
export function barText(bar) {
  const m = bar && METRICS[bar.metric];
  if (!m || !isNum(bar.value)) return null;
  return `${m.name} ${m.higherIsBetter ? '≥' : '≤'} ${bar.value}${m.unit ? ` ${m.unit}` : ''}`;
}
