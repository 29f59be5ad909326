import {
  enzymeIndices,
  enzymePower,
  type StoichiometrySpec,
  saturateEnzyme,
  substrateFactor,
} from '../field/neural-ode';
import { LinearControls } from '../field/controls';
import type { TrainingTrajectory } from './types';

/** Moore–Penrose pseudo-inverse (nr × n, row-major) of S (n × nr) by one-sided Jacobi SVD. */
function pseudoInverse(S: readonly (readonly number[])[]): Float64Array {
  const n = S.length;
  const nr = S[0]!.length;
  // Columns of A = S·V become orthogonal under plane rotations; then A_k = σ_k·u_k.
  const A = Float64Array.from({ length: n * nr }, (_, q) => S[Math.floor(q / nr)]![q % nr]!);
  const V = new Float64Array(nr * nr);
  for (let k = 0; k < nr; k++) V[k * nr + k] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < nr - 1; p++) {
      for (let q = p + 1; q < nr; q++) {
        let a = 0;
        let b = 0;
        let c = 0;
        for (let i = 0; i < n; i++) {
          const x = A[i * nr + p]!;
          const y = A[i * nr + q]!;
          a += x * x;
          b += y * y;
          c += x * y;
        }
        if (Math.abs(c) <= 1e-15 * Math.sqrt(a * b)) continue;
        rotated = true;
        const zeta = (b - a) / (2 * c);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const cs = 1 / Math.sqrt(1 + t * t);
        const sn = cs * t;
        for (const [M, rows] of [
          [A, n],
          [V, nr],
        ] as const) {
          for (let i = 0; i < rows; i++) {
            const x = M[i * nr + p]!;
            const y = M[i * nr + q]!;
            M[i * nr + p] = cs * x - sn * y;
            M[i * nr + q] = sn * x + cs * y;
          }
        }
      }
    }
    if (!rotated) break;
  }
  const sigma = Array.from({ length: nr }, (_, k) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += A[i * nr + k]! ** 2;
    return Math.sqrt(s);
  });
  const tol = 1e-10 * Math.max(...sigma);
  // S⁺ = Σ_k v_k·u_kᵀ/σ_k = Σ_k v_k·A_kᵀ/σ_k² over the non-negligible σ_k.
  const P = new Float64Array(nr * n);
  for (let k = 0; k < nr; k++) {
    if (!(sigma[k]! > tol)) continue;
    const w = 1 / (sigma[k]! * sigma[k]!);
    for (let j = 0; j < nr; j++) {
      const v = V[j * nr + k]! * w;
      for (let i = 0; i < n; i++) P[j * n + i] += v * A[i * nr + k]!;
    }
  }
  return P;
}

/**
 * Default rate scales of the S·r_θ form from the data: on every interval between consecutive
 * fully measured points, the least-squares fluxes r̂ = S⁺·Δx/Δt and the rate factors
 * e_j·m_j at the interval's midpoint (enzyme levels to their starting elasticity, and the
 * substrate factor if enabled);
 * rateScale_j = RMS(r̂_j)/RMS(e_j·m_j), so softplus(net_j) starts of order one. A reaction the
 * data leave at zero flux (below 1e-12 of the largest RMS flux) gets the constructor's default,
 * the largest outputScale_i/|S_ij| over the species it changes.
 * Returns the spec unchanged where it gives rateScale. `scaling` is the network scaling the model
 * is built with (`fitScaling`).
 */
export function fitRateScale(
  spec: StoichiometrySpec,
  trajectories: readonly TrainingTrajectory[],
  scaling: {
    stateShift: number[];
    stateScale: number[];
    outputScale: number[];
    controlShift: number[];
    controlScale: number[];
  },
): StoichiometrySpec {
  if (spec.rateScale !== undefined) return spec;
  const { S, enzymes } = spec;
  const n = S.length;
  const nr = S[0]?.length ?? 0;
  if (n === 0 || nr === 0 || enzymes.length !== nr) return spec;
  const level = (shift: number[], scale: number[]) =>
    shift.map((s, k) => (s !== 0 ? Math.abs(s) : scale[k]!));
  const enzymeScale = spec.enzymeScale ?? level(scaling.controlShift, scaling.controlScale);
  const substrateScale = spec.substrateScale ?? level(scaling.stateShift, scaling.stateScale);
  // The enzyme factors at the elasticities the model starts from (learned ones start at elasticityInit).
  const alpha = spec.elasticity === 'learned' ? (spec.elasticityInit ?? 0.5) : (spec.elasticity ?? 1);
  const kappa =
    spec.enzymeSaturation === undefined
      ? Number.POSITIVE_INFINITY
      : spec.enzymeSaturation === 'learned'
        ? (spec.enzymeSaturationInit ?? 1)
        : spec.enzymeSaturation;
  const P = pseudoInverse(S);
  const m = scaling.controlShift.length;
  const u = new Float64Array(m);
  const slope = new Float64Array(n);
  const rr = new Float64Array(nr);
  const ff = new Float64Array(nr);
  let intervals = 0;
  for (const tr of trajectories) {
    const controls = tr.controls && m > 0 ? new LinearControls(tr.controls) : null;
    for (let i = 0; i + 1 < tr.times.length; i++) {
      const a = tr.states[i]!;
      const b = tr.states[i + 1]!;
      const dt = tr.times[i + 1]! - tr.times[i]!;
      let complete = true;
      for (let k = 0; k < n; k++) {
        slope[k] = (b[k]! - a[k]!) / dt;
        if (Number.isNaN(slope[k]!)) complete = false;
      }
      if (!complete) continue;
      controls?.evaluate(0.5 * (tr.times[i]! + tr.times[i + 1]!), u);
      intervals++;
      for (let j = 0; j < nr; j++) {
        let r = 0;
        for (let k = 0; k < n; k++) r += P[j * n + k]! * slope[k]!;
        rr[j] += r * r;
        let f = 1;
        for (const k of enzymeIndices(enzymes[j]))
          f *= saturateEnzyme(enzymePower(u[k]! / enzymeScale[k]!, alpha), kappa);
        if (spec.massAction && !spec.reversible?.[j]) {
          // Michaelis constants start at the substrate scale (log K offset 0).
          for (let k = 0; k < n; k++)
            if (S[k]![j]! < 0)
              f *= substrateFactor(0.5 * (a[k]! + b[k]!), substrateScale[k]!, spec.michaelisMenten === true);
        }
        ff[j] += f * f;
      }
    }
  }
  if (intervals === 0) return spec;
  // Fluxes at round-off level of the largest one are a zero the pseudo-inverse did not hit exactly.
  const floor = 1e-24 * Math.max(...rr);
  const rateScale = Array.from(rr, (r, j) => {
    const fit = Math.sqrt(r / ff[j]!);
    if (r > floor && Number.isFinite(fit) && fit > 0) return fit;
    let fallback = 0;
    for (let k = 0; k < n; k++)
      if (S[k]![j]! !== 0) fallback = Math.max(fallback, scaling.outputScale[k]! / Math.abs(S[k]![j]!));
    return fallback > 0 ? fallback : 1;
  });
  return { ...spec, rateScale };
}
