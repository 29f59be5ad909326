"""Reference trajectory of the limonene pathway model, computed independently with scipy.

Transcribes the kinetic model of Costello & Martin 2018 (JBEI/KineticLearning, notebooks/
"Create Data Set.ipynb", `kinetic_model` with `fit_kinetic_parameters`) and integrates it with
scipy's Radau at rtol 1e-10 for fixed leaky-Hill enzyme time courses e(t) = kf*t/(km + t) + kl.
Writes test/fixtures/limonene-reference.json. Run from the package folder:
    python3 scripts/limonene_reference.py
"""
import json
import pathlib

import numpy as np
import scipy
from scipy.integrate import solve_ivp

K = [2096.3009981450155, 7874322774.19455, 49306379427.56338, 132500.5312217570943, 20586148840.691242,
     23802328389.43773, 2087040054.0574365, 4439677505.252835, 266857338.26716882, 11636187181.118937,
     2830617721.9279895, 38700521939.961815, 1994251.5089258063, 13495068871.5197, 5635309295.377245,
     8823936481.806189, 33150292760.489136, 51.02190165102573, 19498380183.677044, 601.2843909320609,
     15921655319.058493, 43094446860.82067, 42028337180.13576, 8642163412.320396, 4525784432.95358,
     39055142600.75094, 37460.65655172646, 1681760830.1612275, 25648330078.428032, 48445445838.558846,
     0.006281218505564503, 10867785463.5929, 1.321769162835513, 18.343026702997715]

# Enzymes in the order of limonene_data.csv's columns; levels near strain L1's first measurement.
ENZYMES = ['AtoB', 'GPPS', 'HMGR', 'HMGS', 'Idi', 'Limonene Synthase', 'MK', 'PMD', 'PMK']
LEVELS = [4104.5, 3967.0, 17116.0, 7309.5, 339361.5, 116540.0, 9766.0, 174631.5, 39064.5]
COURSES = [{'kf': L, 'km': 6.0 + 2.0 * i, 'kl': 0.5 * L} for i, L in enumerate(LEVELS)]


def enzymes(t):
    return {name: c['kf'] * t / (c['km'] + t) + c['kl'] for name, c in zip(ENZYMES, COURSES)}


def rhs(t, s):
    (k11, k12, k13, k21, k22, k23, k24, k31, k32, k33, k34, k35, k41, k42, k43, k44, k45, k51, k52,
     k61, k62, k63, k64, k65, k71, k72, k81, k82, k83, k84, k91, k92, vin, ks3) = K
    e = enzymes(t)
    s1, s2, s3, s4, s5, s6, s7, s8, s9, _ = s
    v1 = k11 * e['AtoB'] * s1 / (k12 + k13 * s1)
    v2 = k21 * e['HMGS'] * s1 * s2 * ks3 / (k22 * s2 + k23 * s1 + k24 * s1 * s2)
    v3 = k31 * e['HMGR'] * s3 / (k32 * s1 + k33 * s2 + k34 * s3 + k35)
    v4 = k41 * e['MK'] * s4 / (k42 * s9 + k43 * s5 + k44 * s4 + k45)
    v5 = k51 * e['PMK'] * s5 / (k52 + s5)
    v6 = k61 * e['PMD'] * s6 / (k62 * s5 + k63 * s4 + k64 * s6 + k65)
    v7 = k71 * e['Idi'] * s7 / (k72 + s7)
    v8 = k81 * e['GPPS'] * s7 * s8 / (k82 + k83 * s7 + k84 * s8 + s7 * s8)
    v9 = k91 * e['Limonene Synthase'] * s9 / (k92 + s9)
    return [vin - v1 - v2, v1 - v2, v2 - v3, v3 - v4, v4 - v5, v5 - v6, v6 - v7 - v8, v7 - v8, v8 - v9, v9]


def main():
    y0 = [0.2] * 9 + [0.0]
    times = np.linspace(0.0, 72.0, 13)
    sol = solve_ivp(rhs, [0.0, 72.0], y0, method='Radau', rtol=1e-10, atol=1e-16, t_eval=times)
    assert sol.status == 0, sol.message
    check = solve_ivp(rhs, [0.0, 72.0], y0, method='Radau', rtol=1e-12, atol=1e-18, t_eval=times)
    rel = np.max(np.abs(sol.y - check.y) / np.maximum(np.abs(check.y), 1e-30))
    out = {
        'generatedBy': f'scripts/limonene_reference.py, scipy {scipy.__version__} solve_ivp Radau rtol=1e-10 atol=1e-16',
        'selfCheckMaxRelativeDifferenceVsRtol1e-12': float(rel),
        'enzymes': ENZYMES,
        'enzymeCourses': COURSES,
        'y0': y0,
        't': times.tolist(),
        'y': sol.y.T.tolist(),
    }
    path = pathlib.Path(__file__).resolve().parent.parent / 'test' / 'fixtures' / 'limonene-reference.json'
    path.write_text(json.dumps(out, indent=1) + '\n')
    print(f'wrote {path}; max relative difference to the rtol 1e-12 solve: {rel:.2e}')


if __name__ == '__main__':
    main()
