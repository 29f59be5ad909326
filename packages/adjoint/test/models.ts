import type { GradientModel, Observations } from '../src/types';

/** Lotka–Volterra x' = αx − βxy, y' = δxy − γy with p = [α, β, δ, γ]. */
export function lotkaVolterra(p = [1.5, 1, 1, 3], y0 = [1, 1]): GradientModel {
  return {
    t0: 0,
    y0,
    p,
    f(_t, y, p, d) {
      d[0] = p[0]! * y[0]! - p[1]! * y[0]! * y[1]!;
      d[1] = p[2]! * y[0]! * y[1]! - p[3]! * y[1]!;
    },
    vjp(_t, y, p, v, vy, vp) {
      const [x, z] = [y[0]!, y[1]!];
      vy[0] = v[0]! * (p[0]! - p[1]! * z) + v[1]! * p[2]! * z;
      vy[1] = -v[0]! * p[1]! * x + v[1]! * (p[2]! * x - p[3]!);
      vp[0] = v[0]! * x;
      vp[1] = -v[0]! * x * z;
      vp[2] = v[1]! * x * z;
      vp[3] = -v[1]! * z;
    },
    jac(_t, y, p, J) {
      J[0] = p[0]! - p[1]! * y[1]!;
      J[1] = -p[1]! * y[0]!;
      J[2] = p[2]! * y[1]!;
      J[3] = p[2]! * y[0]! - p[3]!;
    },
  };
}

/** Robertson's stiff chemical kinetics with rate constants p = [k1, k2, k3] = [0.04, 3e7, 1e4]. */
export function robertson(p = [0.04, 3e7, 1e4], y0 = [1, 0, 0]): GradientModel {
  return {
    t0: 0,
    y0,
    p,
    f(_t, y, p, d) {
      const r1 = p[0]! * y[0]!;
      const r2 = p[1]! * y[1]! * y[1]!;
      const r3 = p[2]! * y[1]! * y[2]!;
      d[0] = -r1 + r3;
      d[1] = r1 - r2 - r3;
      d[2] = r2;
    },
    vjp(_t, y, p, v, vy, vp) {
      const a = v[1]! - v[0]!;
      const b = v[2]! - v[1]!;
      const c = v[0]! - v[1]!;
      vy[0] = a * p[0]!;
      vy[1] = b * 2 * p[1]! * y[1]! + c * p[2]! * y[2]!;
      vy[2] = c * p[2]! * y[1]!;
      vp[0] = a * y[0]!;
      vp[1] = b * y[1]! * y[1]!;
      vp[2] = c * y[1]! * y[2]!;
    },
    jac(_t, y, p, J) {
      J[0] = -p[0]!;
      J[1] = p[2]! * y[2]!;
      J[2] = p[2]! * y[1]!;
      J[3] = p[0]!;
      J[4] = -2 * p[1]! * y[1]! - p[2]! * y[2]!;
      J[5] = -p[2]! * y[1]!;
      J[6] = 0;
      J[7] = 2 * p[1]! * y[1]!;
      J[8] = 0;
    },
  };
}

/** The Brusselator with a time-dependent feed A(t) = p0·(1 + 0.2 sin t), p = [A, B]. */
export function brusselator(p = [1, 3], y0 = [1.5, 3]): GradientModel {
  return {
    t0: 0,
    y0,
    p,
    f(t, y, q, d) {
      const a = q[0]! * (1 + 0.2 * Math.sin(t));
      d[0] = a + y[0]! * y[0]! * y[1]! - (q[1]! + 1) * y[0]!;
      d[1] = q[1]! * y[0]! - y[0]! * y[0]! * y[1]!;
    },
    vjp(t, y, q, v, vy, vp) {
      const x = y[0]!;
      const z = y[1]!;
      vy[0] = v[0]! * (2 * x * z - (q[1]! + 1)) + v[1]! * (q[1]! - 2 * x * z);
      vy[1] = (v[0]! - v[1]!) * x * x;
      vp[0] = v[0]! * (1 + 0.2 * Math.sin(t));
      vp[1] = (v[1]! - v[0]!) * x;
    },
  };
}

/** L = Σᵢ Σⱼ wⱼ (y_j(tᵢ) − target_ij)² / 2 with a fixed pseudo-random target. */
export function quadraticLoss(times: number[], n: number, weights?: number[]): Observations {
  const w = weights ?? new Array(n).fill(1);
  const target = times.map((_, i) => Array.from({ length: n }, (_, j) => 0.3 + 0.1 * Math.sin(3 * i + j)));
  return {
    times,
    loss(i, y) {
      let s = 0;
      for (let j = 0; j < n; j++) s += 0.5 * w[j]! * (y[j]! - target[i]![j]!) ** 2;
      return s;
    },
    lossGrad(i, y, out) {
      for (let j = 0; j < n; j++) out[j] = w[j]! * (y[j]! - target[i]![j]!);
    },
  };
}

/**
 * Enzyme kinetics E + S ⇌ C → E + P (mass action) with the enzyme conserved, E = E0 − C, so three
 * species y = [S, C, P] and p = [kf, kr, kcat]. The defaults are stiff: C settles on a time scale
 * of 1/(kf·(E + S)) ≈ 1e-4 while S is used up over t ≈ 10.
 */
export function enzyme(p = [1e3, 1e2, 1], y0 = [10, 0, 0], E0 = 1): GradientModel {
  return {
    t0: 0,
    y0,
    p,
    f(_t, y, p, d) {
      const bind = p[0]! * (E0 - y[1]!) * y[0]!;
      const unbind = p[1]! * y[1]!;
      const cat = p[2]! * y[1]!;
      d[0] = -bind + unbind;
      d[1] = bind - unbind - cat;
      d[2] = cat;
    },
    vjp(_t, y, p, v, vy, vp) {
      const E = E0 - y[1]!;
      const wBind = v[1]! - v[0]!;
      const wUnbind = v[0]! - v[1]!;
      const wCat = v[2]! - v[1]!;
      vy[0] = wBind * p[0]! * E;
      vy[1] = -wBind * p[0]! * y[0]! + wUnbind * p[1]! + wCat * p[2]!;
      vy[2] = 0;
      vp[0] = wBind * E * y[0]!;
      vp[1] = wUnbind * y[1]!;
      vp[2] = wCat * y[1]!;
    },
  };
}
