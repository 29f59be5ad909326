"""scipy's initial step (Hairer-Norsett-Wanner I, II.4) for a few cases, the reference for
src/step-size/initial-step.test.ts.

Run from packages/ode-core: python3 scripts/initial-step-reference.py > test/fixtures/initial-step.json
"""
import json
import math

import numpy as np
import scipy
from scipy.integrate._ivp.common import select_initial_step

def b5(t, y):
    return np.array([y[1] * y[2], -y[0] * y[2], -0.51 * y[0] * y[1]])

def a3(t, y):
    return np.array([y[0] * math.cos(t)])

cases = []
for name, f, y0, t0, t1 in [('B5', b5, [0.0, 1.0, 1.0], 0.0, 20.0), ('A3', a3, [1.0], 0.0, 20.0),
                            ('A3-backward', a3, [1.0], 20.0, 0.0)]:
    for order, rtol, atol in [(4, 1e-6, 1e-8), (2, 1e-3, 1e-6), (7, 1e-10, 1e-12)]:
        y0a = np.array(y0)
        direction = 1.0 if t1 > t0 else -1.0
        h = select_initial_step(f, t0, y0a, t1, np.inf, f(t0, y0a), direction, order, rtol, atol)
        cases.append({'problem': name, 't0': t0, 't1': t1, 'y0': y0, 'order': order, 'rtol': rtol,
                      'atol': atol, 'h0': float(h)})
print(json.dumps({'generator': 'scipy %s select_initial_step' % scipy.__version__, 'cases': cases}, indent=1))
