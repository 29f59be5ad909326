"""The non-stiff DETEST problems (Hull, Enright, Fellen & Sedgwick 1972) on [0, 20], classes A-E
without C4 and C5; mirrors test/problems/detest.ts. Used by detest-reference.py and bench/scipy_compare.py."""
import math

import numpy as np

def c_chain(kind):
    def f(t, y):
        d = np.empty(10)
        if kind == 'C1':
            d[0] = -y[0]
            for i in range(1, 9):
                d[i] = y[i - 1] - y[i]
            d[9] = y[8]
        elif kind == 'C2':
            d[0] = -y[0]
            for i in range(1, 9):
                d[i] = i * y[i - 1] - (i + 1) * y[i]
            d[9] = 9 * y[8]
        else:
            d[0] = -2 * y[0] + y[1]
            for i in range(1, 9):
                d[i] = y[i - 1] - 2 * y[i] + y[i + 1]
            d[9] = y[8] - 2 * y[9]
        return d
    return f

def kepler(e):
    def f(t, y):
        r3 = (y[0] ** 2 + y[1] ** 2) ** 1.5
        return [y[2], y[3], -y[0] / r3, -y[1] / r3]
    return f, [1 - e, 0, 0, math.sqrt((1 + e) / (1 - e))]

def b4(t, y):
    r = math.hypot(y[0], y[1])
    return [-y[1] - y[0] * y[2] / r, y[0] - y[1] * y[2] / r, y[0] / r]

problems = {
    'A1': (lambda t, y: [-y[0]], [1.0]),
    'A2': (lambda t, y: [-y[0] ** 3 / 2], [1.0]),
    'A3': (lambda t, y: [y[0] * math.cos(t)], [1.0]),
    'A4': (lambda t, y: [y[0] / 4 * (1 - y[0] / 20)], [1.0]),
    'A5': (lambda t, y: [(y[0] - t) / (y[0] + t)], [4.0]),
    'B1': (lambda t, y: [2 * (y[0] - y[0] * y[1]), -(y[1] - y[0] * y[1])], [1.0, 3.0]),
    'B2': (lambda t, y: [-y[0] + y[1], y[0] - 2 * y[1] + y[2], y[1] - y[2]], [2.0, 0.0, 1.0]),
    'B3': (lambda t, y: [-y[0], y[0] - y[1] ** 2, y[1] ** 2], [1.0, 0.0, 0.0]),
    'B4': (b4, [3.0, 0.0, 0.0]),
    'B5': (lambda t, y: [y[1] * y[2], -y[0] * y[2], -0.51 * y[0] * y[1]], [0.0, 1.0, 1.0]),
    'C1': (c_chain('C1'), [1.0] + [0.0] * 9),
    'C2': (c_chain('C2'), [1.0] + [0.0] * 9),
    'C3': (c_chain('C3'), [1.0] + [0.0] * 9),
    'E1': (lambda t, y: [y[1], -(y[1] / (t + 1) + (1 - 0.25 / (t + 1) ** 2) * y[0])],
           [0.6713967071418030, 0.09540051444747446]),
    'E2': (lambda t, y: [y[1], (1 - y[0] ** 2) * y[1] - y[0]], [2.0, 0.0]),
    'E3': (lambda t, y: [y[1], y[0] ** 3 / 6 - y[0] + 2 * math.sin(2.78535 * t)], [0.0, 0.0]),
    'E4': (lambda t, y: [y[1], 0.032 - 0.4 * y[1] ** 2], [30.0, 0.0]),
    'E5': (lambda t, y: [y[1], math.sqrt(1 + y[1] ** 2) / (25 - t)], [0.0, 0.0]),
}
for k, e in enumerate([0.1, 0.3, 0.5, 0.7, 0.9]):
    problems['D%d' % (k + 1)] = kepler(e)

