"""Reference crossing times for the Lotka-Volterra event test (src/output/events.test.ts).

Run from packages/ode-core: python3 scripts/lotka-volterra-events.py > test/fixtures/lotka-volterra-events.json
x' = a x - b x y, y' = -c y + d x y with a=1.5, b=1, c=3, d=1, (x, y)(0) = (10, 5) on [0, 15];
events: prey x crossing 2 (both directions) and predator y crossing 8 upwards. scipy's DOP853 at
rtol 1e-13, atol 1e-14; scipy locates events with brentq to 4·eps.
"""
import json

import scipy
from scipy.integrate import solve_ivp

def f(t, u):
    x, y = u
    return [1.5 * x - x * y, -3 * y + x * y]

def prey(t, u):
    return u[0] - 2

def predator_up(t, u):
    return u[1] - 8
predator_up.direction = 1

sol = solve_ivp(f, (0, 15), [10, 5], method='DOP853', rtol=1e-13, atol=1e-14, events=[prey, predator_up])
assert sol.success
print(json.dumps({
    'generator': 'scipy %s solve_ivp DOP853 rtol=1e-13 atol=1e-14' % scipy.__version__,
    'prey_crosses_2': [float(t) for t in sol.t_events[0]],
    'predator_rises_through_8': [float(t) for t in sol.t_events[1]],
    'y_at_15': [float(v) for v in sol.y[:, -1]],
}, indent=1))
