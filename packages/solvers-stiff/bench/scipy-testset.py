"""scipy.integrate.solve_ivp (Radau, BDF, LSODA) on the stiff test set, for bench/scipy.ts.

Reads {"problems": [...], "methods": [...], "tolerances": [...]} as JSON on stdin and prints one
JSON list of runs: problem, method, rtol, atol, final state, nfev, njev, nlu, wall seconds (median
of up to three runs). Analytic Jacobians are passed, as Kinetica's runs get them.
"""
import json
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp


def rober():
    def f(t, y):
        a, b, c = 0.04 * y[0], 1e4 * y[1] * y[2], 3e7 * y[1] ** 2
        return np.array([-a + b, a - b - c, c])

    def jac(t, y):
        return np.array([[-0.04, 1e4 * y[2], 1e4 * y[1]],
                         [0.04, -1e4 * y[2] - 6e7 * y[1], -1e4 * y[1]],
                         [0.0, 6e7 * y[1], 0.0]])
    return f, jac, [1.0, 0.0, 0.0], 1e11, 1e-13


def hires():
    def f(t, y):
        r = 280 * y[5] * y[7]
        return np.array([
            -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007,
            1.71 * y[0] - 8.75 * y[1],
            -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4],
            8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3],
            -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6],
            -r + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6],
            r - 1.81 * y[6],
            -r + 1.81 * y[6]])

    def jac(t, y):
        J = np.zeros((8, 8))
        J[0, :3] = [-1.71, 0.43, 8.32]
        J[1, :2] = [1.71, -8.75]
        J[2, 2:5] = [-10.03, 0.43, 0.035]
        J[3, 1:4] = [8.32, 1.71, -1.12]
        J[4, 4:7] = [-1.745, 0.43, 0.43]
        J[5, 3:8] = [0.69, 1.71, -280 * y[7] - 0.43, 0.69, -280 * y[5]]
        J[6, 5:8] = [280 * y[7], -1.81, 280 * y[5]]
        J[7, 5:8] = [-280 * y[7], 1.81, -280 * y[5]]
        return J
    return f, jac, [1, 0, 0, 0, 0, 0, 0, 0.0057], 321.8122, None


POLLU_REACTIONS = [
    (0.35, [0], [(0, -1), (1, 1), (2, 1)]), (26.6, [1, 3], [(1, -1), (3, -1), (0, 1)]),
    (1.23e4, [4, 1], [(4, -1), (1, -1), (0, 1), (5, 1)]), (8.6e-4, [6], [(6, -1), (4, 2), (7, 1)]),
    (8.2e-4, [6], [(6, -1), (7, 1)]), (1.5e4, [6, 5], [(6, -1), (5, -1), (4, 1), (7, 1)]),
    (1.3e-4, [8], [(8, -1), (9, 1), (4, 1), (7, 1)]), (2.4e4, [8, 5], [(8, -1), (5, -1), (10, 1)]),
    (1.65e4, [10, 1], [(10, -1), (1, -1), (0, 1), (9, 1), (11, 1)]),
    (9e3, [10, 0], [(10, -1), (0, -1), (12, 1)]), (0.022, [12], [(12, -1), (10, 1), (0, 1)]),
    (1.2e4, [9, 1], [(9, -1), (1, -1), (13, 1), (0, 1)]), (1.88, [13], [(13, -1), (6, 1), (4, 1)]),
    (1.63e4, [0, 5], [(0, -1), (5, -1), (14, 1)]), (4.8e6, [2], [(2, -1), (3, 1)]),
    (3.5e-4, [3], [(3, -1), (15, 1)]), (0.0175, [3], [(3, -1), (2, 1)]), (1e8, [15], [(15, -1), (5, 2)]),
    (4.44e11, [15], [(15, -1), (2, 1)]), (1240, [16, 5], [(16, -1), (5, -1), (17, 1), (4, 1)]),
    (2.1, [18], [(18, -1), (1, 1)]), (5.78, [18], [(18, -1), (0, 1), (2, 1)]),
    (0.0474, [0, 3], [(0, -1), (3, -1), (18, 1)]), (1780, [18, 0], [(18, -1), (0, -1), (19, 1)]),
    (3.12, [19], [(19, -1), (18, 1), (0, 1)])]


def pollu():
    k = np.array([r[0] for r in POLLU_REACTIONS])
    a = np.array([r[1][0] for r in POLLU_REACTIONS])
    b = np.array([r[1][1] if len(r[1]) > 1 else -1 for r in POLLU_REACTIONS])
    S = np.zeros((20, len(POLLU_REACTIONS)))
    for j, (_, _, changes) in enumerate(POLLU_REACTIONS):
        for s, c in changes:
            S[s, j] += c
    second = b >= 0
    bb = np.where(second, b, 0)

    def f(t, y):
        rate = k * y[a] * np.where(second, y[bb], 1.0)
        return S @ rate

    def jac(t, y):
        dA = k * np.where(second, y[bb], 1.0)
        dB = np.where(second, k * y[a], 0.0)
        R = np.zeros((len(k), 20))
        R[np.arange(len(k)), a] += dA
        R[np.arange(len(k))[second], b[second]] += dB[second]
        return S @ R
    y0 = [0, 0.2, 0, 0.04, 0, 0, 0.1, 0.3, 0.01, 0, 0, 0, 0, 0, 0, 0, 0.007, 0, 0, 0]
    return f, jac, y0, 60.0, None


def orego():
    s, w, q = 77.27, 0.161, 8.375e-6

    def f(t, y):
        return np.array([s * (y[1] - y[0] * y[1] + y[0] - q * y[0] ** 2),
                         (-y[1] - y[0] * y[1] + y[2]) / s, w * (y[0] - y[2])])

    def jac(t, y):
        return np.array([[s * (-y[1] + 1 - 2 * q * y[0]), s * (1 - y[0]), 0],
                         [-y[1] / s, (-1 - y[0]) / s, 1 / s], [w, 0, -w]])
    return f, jac, [1.0, 2.0, 3.0], 360.0, None


def e5():
    A, B, C, MC = 7.89e-10, 1.1e7, 1.13e3, 1.13e9

    def f(t, y):
        p1, p2, p3, p4 = A * y[0], B * y[0] * y[2], MC * y[1] * y[2], C * y[3]
        return np.array([-p1 - p2, p1 - p3, p1 - p3 - p2 + p4, p2 - p4])

    def jac(t, y):
        y1, y2, y3 = y[0], y[1], y[2]
        return np.array([[-A - B * y3, 0, -B * y1, 0], [A, -MC * y3, -MC * y2, 0],
                         [A - B * y3, -MC * y3, -MC * y2 - B * y1, C], [B * y3, 0, B * y1, -C]])
    return f, jac, [1.76e-3, 0, 0, 0], 1e13, 1e-20


def vdpol():
    eps = 1e-6

    def f(t, y):
        return np.array([y[1], ((1 - y[0] ** 2) * y[1] - y[0]) / eps])

    def jac(t, y):
        return np.array([[0, 1], [(-2 * y[0] * y[1] - 1) / eps, (1 - y[0] ** 2) / eps]])
    return f, jac, [2.0, 0.0], 2.0, None


# LSODA can creep along for minutes once E5 has overflowed; such a run is reported as failed.
TIME_LIMIT = 60.0


def limited(f, deadline):
    def g(t, y):
        if time.perf_counter() > deadline:
            raise TimeoutError
        return f(t, y)
    return g


PROBLEMS = {'ROBER': rober, 'HIRES': hires, 'POLLU': pollu, 'OREGO': orego, 'E5': e5, 'VDPOL': vdpol}


def main():
    cfg = json.load(sys.stdin)
    out = []
    for name in cfg['problems']:
        f, jac, y0, t1, atol_fixed = PROBLEMS[name]()
        for method in cfg['methods']:
            for rtol in cfg['tolerances']:
                atol = atol_fixed if atol_fixed is not None else rtol
                times, sol = [], None
                for _ in range(3):
                    t0 = time.perf_counter()
                    try:
                        sol = solve_ivp(limited(f, t0 + TIME_LIMIT), (0.0, t1), y0, method=method, jac=jac,
                                        rtol=rtol, atol=atol)
                    except TimeoutError:
                        sol = None
                    times.append(time.perf_counter() - t0)
                    if sol is None or sum(times) > 2.0:
                        break
                if sol is None:
                    print(f"{name} {method} {rtol:g}: gave up after {TIME_LIMIT} s", file=sys.stderr, flush=True)
                    out.append({'problem': name, 'method': method, 'rtol': rtol, 'atol': atol, 'success': False,
                                'message': f'no result within {TIME_LIMIT} s', 'y': [], 'nfev': 0, 'njev': 0,
                                'nlu': 0, 'seconds': times[-1]})
                    continue
                print(f"{name} {method} {rtol:g}: {len(times)} runs, median {sorted(times)[len(times) // 2]:.3f} s",
                      file=sys.stderr, flush=True)
                y_end = sol.y[:, -1]
                finite = bool(np.all(np.isfinite(y_end)))
                out.append({'problem': name, 'method': method, 'rtol': rtol, 'atol': atol,
                            'success': bool(sol.success) and finite,
                            'message': sol.message if finite else 'NaN or Inf in the final state',
                            'y': [float(v) if np.isfinite(v) else None for v in y_end], 'nfev': int(sol.nfev),
                            'njev': int(sol.njev), 'nlu': int(sol.nlu),
                            'seconds': sorted(times)[len(times) // 2]})
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
