import { solve } from '@kinetica/solvers-stiff';
import { bindParameters, checkField, checkState, type ParametricField } from '../field';
import { jacobianOf } from '../jacobian/finite-difference';
import type { SimulationOptions } from '../interventions/trajectory';

/** Cube root of machine epsilon: central-difference step for ∂f/∂p. */
const CBRT_EPS = Math.cbrt(Number.EPSILON);

/** Options of `localSensitivities`. */
export interface SensitivityOptions extends Omit<SimulationOptions, 'saveAt'> {
  /** Entries of p to differentiate with respect to. Default: all. */
  indices?: readonly number[];
  /**
   * 'forward' (default): integrate the forward sensitivity equations s' = J·s + ∂f/∂p_k with the
   * state. 'finite-difference': central differences of whole solves, with step fdStep·max(|p_k|, 1).
   */
  approach?: 'forward' | 'finite-difference';
  /**
   * 'absolute' (default): ∂x(T)/∂p_k. 'relative': ∂x(T)/∂ln p_k, the response to scaling p_k
   * (an over-expression factor); for a driven control this scales its whole trajectory.
   */
  scale?: 'absolute' | 'relative';
  /** Relative step of the finite-difference approach. Default 1e-4. */
  fdStep?: number;
}

/** ∂x(T)/∂p at the final time T = tspan[1]. */
export interface Sensitivities {
  status: 'success' | 'failed';
  message: string;
  /** The state x(T). */
  x: Float64Array;
  indices: Int32Array;
  /** Row-major n × k: S[i·k + c] = ∂x_i(T)/∂p_{indices[c]} (or /∂ln p under 'relative'). */
  S: Float64Array;
}

/**
 * Local sensitivities of the final state to parameters or controls, by forward sensitivity
 * equations (Hairer–Nørsett–Wanner I, §I.14) or by finite differences of solves.
 */
export function localSensitivities(field: ParametricField, options: SensitivityOptions): Sensitivities {
  const where = 'localSensitivities';
  checkField(field, where);
  const n = field.n;
  checkState(options.y0, n, `${where}: y0`);
  const np = field.p.length;
  const indices = Int32Array.from(options.indices ?? Array.from({ length: np }, (_, i) => i));
  for (const k of indices) {
    if (k < 0 || k >= np) throw new RangeError(`${where}: index ${k} is outside p (length ${np})`);
  }
  const relative = options.scale === 'relative';
  const { tspan, method = 'radau5', rtol = 1e-8, atol = 1e-10, maxSteps } = options;
  const kk = indices.length;
  if (options.approach === 'finite-difference') {
    const step = options.fdStep ?? 1e-4;
    const x = solveWith(-1, 0);
    if (typeof x === 'string') return failed(x);
    const S = new Float64Array(n * kk);
    for (let c = 0; c < kk; c++) {
      const k = indices[c]!;
      const h = relative ? step : step * Math.max(Math.abs(field.p[k]!), 1);
      const plus = solveWith(k, h);
      const minus = solveWith(k, -h);
      if (typeof plus === 'string') return failed(plus);
      if (typeof minus === 'string') return failed(minus);
      for (let i = 0; i < n; i++) S[i * kk + c] = (plus[i]! - minus[i]!) / (2 * h);
    }
    return { status: 'success', message: '', x, indices, S };
  }

  // Forward sensitivities: z = [x; s_1; …; s_k], s_c' = J·s_c + ∂f/∂p_k.
  const pw = Float64Array.from(field.p);
  const base = Float64Array.from(field.p);
  const fp = new Float64Array(n);
  const fm = new Float64Array(n);
  const J = new Float64Array(n * n);
  const xs = new Float64Array(n);
  const dx = new Float64Array(n);
  const fieldJac = field.jac?.bind(field);
  const jac = jacobianOf(
    (t, y, d) => field.f(t, y, pw, d),
    n,
    fieldJac ? (t, y, JJ) => fieldJac(t, y, pw, JJ) : undefined,
    field.scale,
  );
  const refresh = (t: number) => {
    pw.set(base);
    field.drive?.(t, pw);
  };
  const f = (t: number, z: Float64Array, dz: Float64Array) => {
    refresh(t);
    for (let i = 0; i < n; i++) xs[i] = z[i]!;
    field.f(t, xs, pw, dx);
    for (let i = 0; i < n; i++) dz[i] = dx[i]!;
    jac(t, xs, J);
    for (let c = 0; c < kk; c++) {
      const k = indices[c]!;
      const pk = pw[k]!;
      const h = relative ? CBRT_EPS : CBRT_EPS * Math.max(Math.abs(pk), 1);
      pw[k] = relative ? pk * (1 + h) : pk + h;
      field.f(t, xs, pw, fp);
      pw[k] = relative ? pk * (1 - h) : pk - h;
      field.f(t, xs, pw, fm);
      pw[k] = pk;
      const off = n * (c + 1);
      for (let i = 0; i < n; i++) {
        let s = (fp[i]! - fm[i]!) / (2 * h);
        for (let j = 0; j < n; j++) s += J[i * n + j]! * z[off + j]!;
        dz[off + i] = s;
      }
    }
  };
  const z0 = new Float64Array(n * (kk + 1));
  z0.set(Float64Array.from(options.y0));
  const sol = solve(
    { f, y0: z0, tspan },
    { method, rtol, atol: scalarAtol(atol, n, kk), saveAt: [tspan[1]], maxSteps },
  );
  if (sol.status !== 'success') return failed(sol.message);
  const zT = sol.y[sol.y.length - 1]!;
  const S = new Float64Array(n * kk);
  for (let c = 0; c < kk; c++) for (let i = 0; i < n; i++) S[i * kk + c] = zT[n * (c + 1) + i]!;
  return { status: 'success', message: '', x: zT.slice(0, n), indices, S };

  /** x(T) with p_k bumped by h (k < 0: unperturbed); the bump follows `drive` so it survives it. */
  function solveWith(k: number, h: number): Float64Array | string {
    const p = Float64Array.from(field.p);
    const bump = (q: Float64Array) => {
      if (k < 0) return;
      if (relative) q[k]! *= 1 + h;
      else q[k]! += h;
    };
    const perturbed: ParametricField = {
      n,
      p,
      f: field.f.bind(field),
      jac: field.jac?.bind(field),
      scale: field.scale,
    };
    if (field.drive) {
      const drive = field.drive.bind(field);
      perturbed.drive = (t, q) => {
        drive(t, q);
        bump(q);
      };
    } else {
      bump(p);
    }
    const bound = bindParameters(perturbed);
    const s = solve(
      { f: bound.f, jac: bound.jac, y0: options.y0, tspan },
      { method, rtol, atol, saveAt: [tspan[1]], maxSteps },
    );
    return s.status === 'success' ? Float64Array.from(s.y[s.y.length - 1]!) : s.message;
  }

  function failed(message: string): Sensitivities {
    return {
      status: 'failed',
      message: `${where}: ${message}`,
      x: new Float64Array(n),
      indices,
      S: new Float64Array(n * kk),
    };
  }
}

/** Per-component atol for the augmented state: the state's atol repeated for each sensitivity block. */
function scalarAtol(atol: number | ArrayLike<number>, n: number, k: number): number | Float64Array {
  if (typeof atol === 'number') return atol;
  const out = new Float64Array(n * (k + 1));
  for (let b = 0; b <= k; b++) for (let i = 0; i < n; i++) out[b * n + i] = atol[i]!;
  return out;
}
