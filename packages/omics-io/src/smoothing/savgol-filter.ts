import { checkSavgolArgs, savgolCoeffs } from './savgol-coeffs';

/**
 * How the filter treats the ends, as in scipy.signal.savgol_filter: 'interp' (default) fits the
 * polynomial to the first/last window and evaluates it there; the others extend the signal
 * (scipy.ndimage conventions): 'mirror' (d c b | a b c d | c b a), 'nearest' (a a | a b c d | d d),
 * 'wrap' (c d | a b c d | a b), 'constant' (cval outside).
 */
export type SavgolMode = 'interp' | 'mirror' | 'nearest' | 'wrap' | 'constant';

export interface SavgolOptions {
  deriv?: number;
  delta?: number;
  mode?: SavgolMode;
  /** Value outside the signal for mode 'constant' (default 0). */
  cval?: number;
  /** Output array (length of y); allocated when omitted. Must not be y itself. */
  out?: Float64Array;
}

/**
 * Savitzky–Golay smoothing (deriv 0) or derivative of equally spaced samples, window odd, order
 * below the window; matches scipy.signal.savgol_filter. Samples must be finite and evenly spaced
 * (resample uneven series onto a grid first).
 */
export function savgolFilter(
  y: ArrayLike<number>,
  window: number,
  order: number,
  options: SavgolOptions = {},
): Float64Array {
  const deriv = options.deriv ?? 0;
  const delta = options.delta ?? 1;
  const mode = options.mode ?? 'interp';
  const cval = options.cval ?? 0;
  checkSavgolArgs(window, order, deriv, delta);
  const n = y.length;
  const out = options.out ?? new Float64Array(n);
  if (out.length !== n) throw new RangeError(`omics-io: savgol out has length ${out.length}, expected ${n}`);
  if (out === y) throw new RangeError('omics-io: savgol out must not be the input array');
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i]!))
      throw new RangeError(`omics-io: savgol input y[${i}] = ${y[i]} is not finite`);
  }
  if (n === 0) return out;
  const half = (window - 1) / 2;
  const c = savgolCoeffs(window, order, { deriv, delta, use: 'dot' });
  if (mode === 'interp') {
    if (window > n) {
      throw new RangeError(
        `omics-io: savgol mode 'interp' needs window (${window}) <= number of samples (${n})`,
      );
    }
    for (let i = half; i < n - half; i++) {
      let s = 0;
      for (let j = 0; j < window; j++) s += c[j]! * y[i - half + j]!;
      out[i] = s;
    }
    for (let i = 0; i < half; i++) {
      out[i] = dotWindow(savgolCoeffs(window, order, { deriv, delta, pos: i, use: 'dot' }), y, 0);
      const pos = window - half + i;
      out[n - half + i] = dotWindow(
        savgolCoeffs(window, order, { deriv, delta, pos, use: 'dot' }),
        y,
        n - window,
      );
    }
    return out;
  }
  const index = boundaryIndex(mode, n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < window; j++) {
      const k = index(i - half + j);
      s += c[j]! * (k < 0 ? cval : y[k]!);
    }
    out[i] = s;
  }
  return out;
}

function dotWindow(c: Float64Array, y: ArrayLike<number>, start: number): number {
  let s = 0;
  for (let j = 0; j < c.length; j++) s += c[j]! * y[start + j]!;
  return s;
}

/** Maps an index outside [0, n) to the sample that stands there; -1 means "use cval". */
function boundaryIndex(mode: SavgolMode, n: number): (k: number) => number {
  switch (mode) {
    case 'mirror': {
      const period = 2 * n - 2;
      return (k) => {
        if (k >= 0 && k < n) return k;
        if (period === 0) return 0;
        const r = ((k % period) + period) % period;
        return r < n ? r : period - r;
      };
    }
    case 'nearest':
      return (k) => (k < 0 ? 0 : k >= n ? n - 1 : k);
    case 'wrap':
      return (k) => ((k % n) + n) % n;
    case 'constant':
      return (k) => (k >= 0 && k < n ? k : -1);
    default:
      throw new TypeError(
        `omics-io: savgol mode must be 'interp', 'mirror', 'nearest', 'wrap' or 'constant', got ${JSON.stringify(mode)}`,
      );
  }
}
