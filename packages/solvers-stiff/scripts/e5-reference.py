"""E5 end point y2 = y3 at t = 1e13 (why the Bari value is corrected in src/testset/e5.ts).

y2 - y3 - y4 is conserved at zero, so y3 = y2 - y4 exactly; y4 decays on a 1/C = 1e-3 s time
scale, so at t = 1e13 y2 = y3. Integrating the full 4-species system lets round-off break the
invariant (scipy's Radau then disagrees with itself in the third digit), so this script integrates
the reduced 3-species system (y1, y2, y4) with y3 = y2 - y4 substituted, at several tolerances.
Run: python3 packages/solvers-stiff/scripts/e5-reference.py
"""
from scipy.integrate import solve_ivp

A, B, C, MC = 7.89e-10, 1.1e7, 1.13e3, 1.13e9


def f(t, u):
    y1, y2, y4 = u
    y3 = y2 - y4
    return [-A * y1 - B * y1 * y3, A * y1 - MC * y2 * y3, B * y1 * y3 - C * y4]


def jac(t, u):
    y1, y2, y4 = u
    y3 = y2 - y4
    return [[-A - B * y3, -B * y1, B * y1],
            [A, -MC * (y3 + y2), MC * y2],
            [B * y3, B * y1, -B * y1 - C]]


for rtol in (1e-10, 1e-12, 1e-13):
    sol = solve_ivp(f, (0, 1e13), [1.76e-3, 0, 0], method='Radau', jac=jac, rtol=rtol,
                    atol=[1e-30, 1e-40, 1e-40])
    y1, y2, y4 = sol.y[:, -1]
    print(f"rtol={rtol:g}: y2={y2:.16e} y3={y2 - y4:.16e} y4={y4:.3e} ({sol.message})")
