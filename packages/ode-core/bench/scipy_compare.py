"""scipy side of bench/scipy-compare.ts: solve the DETEST problems with RK45 and DOP853.

Usage: python3 bench/scipy_compare.py REFERENCE_JSON RTOL [RTOL ...]  (atol = rtol)
Prints one JSON object: {"scipy": version, "runs": [{problem, method, rtol, nfev, err, seconds}]}.
err is max_i |y_i - ref_i| / (atol + rtol |ref_i|) at t = 20; seconds is the best of repeated solves.
"""
import json
import os
import sys
import time

import scipy
from scipy.integrate import solve_ivp

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'scripts'))
from detest_problems import problems  # noqa: E402

ref = json.load(open(sys.argv[1]))['y1']
runs = []
for rtol in [float(r) for r in sys.argv[2:]]:
    for name in sorted(problems):
        f, y0 = problems[name]
        for method in ('RK45', 'DOP853'):
            best = float('inf')
            reps = 0
            spent = 0.0
            while reps < 3 or (spent < 0.2 and reps < 50):
                t0 = time.perf_counter()
                sol = solve_ivp(f, (0, 20), y0, method=method, rtol=rtol, atol=rtol)
                dt = time.perf_counter() - t0
                best = min(best, dt)
                spent += dt
                reps += 1
            err = max(abs(a - b) / (rtol + rtol * abs(b)) for a, b in zip(sol.y[:, -1], ref[name]))
            runs.append({'problem': name, 'method': method, 'rtol': rtol, 'nfev': int(sol.nfev),
                         'err': err, 'seconds': best, 'success': bool(sol.success)})
print(json.dumps({'scipy': scipy.__version__, 'runs': runs}))
