"""Reference end states for the DETEST problems (Hull, Enright, Fellen & Sedgwick 1972).

Run from packages/ode-core: python3 scripts/detest-reference.py > test/fixtures/detest-reference.json
Each problem (scripts/detest_problems.py, mirroring test/problems/detest.ts) is integrated once
with scipy's DOP853 at rtol 1e-13, atol 1e-15; closed forms, where they exist, are checked
against these values in test/detest.test.ts.
"""
import json

import scipy
from scipy.integrate import solve_ivp

from detest_problems import problems

out = {'generator': 'scipy %s solve_ivp DOP853 rtol=1e-13 atol=1e-15' % scipy.__version__, 'tspan': [0, 20], 'y1': {}}
for name in sorted(problems):
    f, y0 = problems[name]
    sol = solve_ivp(f, (0, 20), y0, method='DOP853', rtol=1e-13, atol=1e-15)
    assert sol.success, name
    out['y1'][name] = [float(v) for v in sol.y[:, -1]]
print(json.dumps(out, indent=1))
