"""Computes the reference values the omics-io tests compare against, once, with scipy.

Run from the repository root:  python3 packages/omics-io/scripts/make-fixtures.py
Writes packages/omics-io/test/fixtures/scipy-savgol.json and scipy-interpolate.json.
Inputs are generated from fixed seeds, so rerunning gives the same files for a given scipy.
Savitzky-Golay cases also carry 'exact': the same filter with weights computed in rational
arithmetic, because scipy's own weights lose digits for wide windows and high orders (its lstsq
works on the unscaled Vandermonde matrix), e.g. about 1e-11 for window 21, order 6.
"""
import json
import os
from fractions import Fraction
from functools import lru_cache

import numpy as np
import scipy
from scipy.interpolate import Akima1DInterpolator, PchipInterpolator, interp1d
from scipy.ndimage import convolve1d
from scipy.signal import savgol_coeffs, savgol_filter

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures')


def floats(a):
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(a, dtype=float)]


@lru_cache(maxsize=None)
def exact_coeffs(window, order, deriv, pos, delta):
    """Savitzky-Golay 'dot' weights in rational arithmetic (normal equations solved exactly)."""
    p = order + 1
    if deriv > order:
        return tuple([Fraction(0)] * window)
    xs = [Fraction(j - pos) for j in range(window)]
    A = [[x ** i for x in xs] for i in range(p)]
    M = [[sum(A[i][k] * A[j][k] for k in range(window)) for j in range(p)] for i in range(p)]
    fact = 1
    for i in range(2, deriv + 1):
        fact *= i
    for i in range(p):
        M[i].append(Fraction(fact) / Fraction(delta) ** deriv if i == deriv else Fraction(0))
    for c in range(p):
        for r in range(p):
            if r != c and M[r][c] != 0:
                f = M[r][c] / M[c][c]
                M[r] = [a - f * b for a, b in zip(M[r], M[c])]
    z = [M[i][p] / M[i][i] for i in range(p)]
    return tuple(sum(A[i][k] * z[i] for i in range(p)) for k in range(window))


def exact_filter(y, window, order, deriv, delta, mode, cval):
    """The same filter with exactly computed weights: ndimage does the boundary extension,
    and for 'interp' the edge values are exact dot products with off-centre weights."""
    half = window // 2
    centre = exact_coeffs(window, order, deriv, half, delta)
    conv = np.array([float(c) for c in centre[::-1]])
    out = convolve1d(y, conv, mode='constant' if mode == 'interp' else mode, cval=cval)
    if mode == 'interp':
        n = y.size
        exact_y = [Fraction(float(v)) for v in y]
        for i in range(half):
            left = exact_coeffs(window, order, deriv, i, delta)
            out[i] = float(sum(c * v for c, v in zip(left, exact_y[:window])))
            right = exact_coeffs(window, order, deriv, window - half + i, delta)
            out[n - half + i] = float(sum(c * v for c, v in zip(right, exact_y[n - window:])))
    return out


def savgol_cases():
    rng = np.random.default_rng(20261123)
    t = np.linspace(0.0, 3.0, 25)
    signals = {
        'noisy-sine': np.sin(2.0 * t) + 0.1 * rng.standard_normal(t.size),
        'growth-1e4': 1e4 / (1.0 + np.exp(-3.0 * (t - 1.5))) + 50.0 * rng.standard_normal(t.size),
    }
    short = rng.standard_normal(7)
    cases = []
    for name, y in signals.items():
        for window in (3, 5, 7, 11, 21):
            for order in (0, 1, 2, 3, 5):
                if order >= window:
                    continue
                for deriv in (0, 1, 2):
                    # The boundary modes are exercised on one signal; 'interp' on both.
                    modes = ('interp', 'mirror', 'nearest', 'wrap', 'constant') if name == 'noisy-sine' else ('interp',)
                    for mode in modes:
                        delta = 0.1 if deriv > 0 else 1.0
                        cval = 0.5 if mode == 'constant' else 0.0
                        cases.append({
                            'signal': name, 'window': window, 'order': order, 'deriv': deriv,
                            'delta': delta, 'mode': mode, 'cval': cval,
                            'expected': floats(savgol_filter(y, window, order, deriv=deriv, delta=delta,
                                                             mode=mode, cval=cval)),
                            'exact': floats(exact_filter(y, window, order, deriv, delta, mode, cval)),
                        })
    for window, order in ((7, 2), (7, 4), (7, 6), (5, 3)):
        for deriv in (0, 1, 3):
            cases.append({
                'signal': 'short', 'window': window, 'order': order, 'deriv': deriv, 'delta': 1.0,
                'mode': 'interp', 'cval': 0.0,
                'expected': floats(savgol_filter(short, window, order, deriv=deriv, mode='interp')),
                'exact': floats(exact_filter(short, window, order, deriv, 1.0, 'interp', 0.0)),
            })
    # Windows longer than the signal: the boundary modes extend it repeatedly.
    tiny = rng.standard_normal(4)
    for mode in ('mirror', 'nearest', 'wrap', 'constant'):
        for window, order, deriv in ((9, 2, 0), (11, 3, 1)):
            cases.append({
                'signal': 'tiny', 'window': window, 'order': order, 'deriv': deriv, 'delta': 1.0,
                'mode': mode, 'cval': 0.25,
                'expected': floats(savgol_filter(tiny, window, order, deriv=deriv, mode=mode, cval=0.25)),
                'exact': floats(exact_filter(tiny, window, order, deriv, 1.0, mode, 0.25)),
            })
    coeffs = []
    for window, order, deriv, pos in ((5, 2, 0, None), (7, 2, 1, None), (11, 4, 2, None), (9, 3, 0, 0),
                                      (9, 3, 1, 8), (21, 6, 0, None), (31, 5, 3, 4)):
        at = window // 2 if pos is None else pos
        coeffs.append({'window': window, 'order': order, 'deriv': deriv, 'pos': pos, 'delta': 1.0,
                       'expected': floats(savgol_coeffs(window, order, deriv=deriv, pos=pos, use='dot')),
                       'exact': [float(c) for c in exact_coeffs(window, order, deriv, at, 1.0)]})
    return {
        'scipy': scipy.__version__,
        'signals': {**{k: floats(v) for k, v in signals.items()}, 'short': floats(short), 'tiny': floats(tiny)},
        'filter': cases,
        'coeffs': coeffs,
    }


def interpolate_cases():
    rng = np.random.default_rng(7)
    x = np.cumsum(rng.uniform(0.2, 2.0, 12))
    datasets = {
        'oscillating': np.sin(x) * 3.0 + 0.2 * x,
        'monotone-steps': np.array([0, 0, 1, 1, 1, 3, 8, 8, 9, 12, 12, 12], dtype=float),
        'protein-areas': rng.uniform(1e5, 1e7, 12),
        'flat-then-jump': np.array([2, 2, 2, 2, 2, 2, 5, 5, 5, 5, 5, 5], dtype=float),
    }
    span = x[-1] - x[0]
    query = np.concatenate([
        np.linspace(x[0] - 0.3 * span, x[-1] + 0.3 * span, 61),
        x,
        0.5 * (x[1:] + x[:-1]),
    ])
    cases = []
    for name, y in datasets.items():
        lin_in = interp1d(x, y)(np.clip(query, x[0], x[-1]))
        lin_ex = interp1d(x, y, fill_value='extrapolate')(query)
        entry = {'data': name, 'y': floats(y), 'linear': {'inside': floats(lin_in), 'extend': floats(lin_ex)}}
        for label, make in (
            ('pchip', lambda e: PchipInterpolator(x, y, extrapolate=e)),
            ('akima', lambda e: Akima1DInterpolator(x, y, method='akima', extrapolate=e)),
            ('makima', lambda e: Akima1DInterpolator(x, y, method='makima', extrapolate=e)),
        ):
            inside = make(False)
            extend = make(True)
            d = extend.derivative()
            entry[label] = {
                'nan': floats(inside(query)),
                'extend': floats(extend(query)),
                'endSlopes': [float(d(x[0])), float(d(x[-1]))],
            }
        cases.append(entry)
    # Few points: two points are a straight line for every method, three exercise the end slopes.
    small = []
    for xs, ys in (([0.0, 2.0], [1.0, 5.0]), ([0.0, 1.0, 3.0], [0.0, 2.0, 1.0]), ([1.0, 2.0, 4.0], [1.0, 2.0, 8.0])):
        xs = np.array(xs)
        ys = np.array(ys)
        q = np.linspace(xs[0] - 1, xs[-1] + 1, 9)
        small.append({
            'x': floats(xs), 'y': floats(ys), 'query': floats(q),
            'linear': floats(interp1d(xs, ys, fill_value='extrapolate')(q)),
            'pchip': floats(PchipInterpolator(xs, ys, extrapolate=True)(q)),
            'akima': floats(Akima1DInterpolator(xs, ys, extrapolate=True)(q)),
            'makima': floats(Akima1DInterpolator(xs, ys, method='makima', extrapolate=True)(q)),
        })
    return {'scipy': scipy.__version__, 'x': floats(x), 'query': floats(query), 'cases': cases, 'small': small}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in (('scipy-savgol.json', savgol_cases()), ('scipy-interpolate.json', interpolate_cases())):
        with open(os.path.join(OUT, name), 'w') as f:
            json.dump(data, f, separators=(',', ':'))
            f.write('\n')
        print('wrote', name)


if __name__ == '__main__':
    main()
