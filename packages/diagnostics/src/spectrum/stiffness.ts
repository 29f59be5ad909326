import { DEFAULT_RTOL, type MethodName } from '@kinetica/ode-core';
import { checkField, checkState, type Trajectory, type VectorField } from '../field';
import { conservationReduction } from '../conservation/reduction';
import { jacobianOf } from '../jacobian/finite-difference';
import { type Eigenvalues, eigenvalues } from '../linalg/eigen';

/** Options of `stiffnessProfile`. */
export interface StiffnessOptions {
  /**
   * Eigenvalues with |λ| ≤ zeroTol·ρ(J) count as zero and are left out of the ratio: they come
   * from conservation laws (Robertson's y1+y2+y3) and carry no time scale. Default 1e-13, or 0
   * when `conservation` is given.
   */
  zeroTol?: number;
  /**
   * Conservation matrix W (rows w with w·f = 0). When given, the spectrum is that of the reduced
   * Jacobian on the invariant subspace, so conservation zeros are removed exactly instead of by
   * `zeroTol`; this matters once the slow time scale nears round-off (Robertson beyond t ≈ 1e9).
   */
  conservation?: ArrayLike<ArrayLike<number>>;
  /** Stiffness-ratio threshold above which a point counts as stiff. Default 1e3. */
  ratioThreshold?: number;
  /** Relative tolerance the user intends to solve with; tight tolerances favour radau5. Default `DEFAULT_RTOL` (1e-6). */
  rtol?: number;
}

/** How a method was chosen. */
export interface SolverRecommendation {
  /** A method name accepted by `solve`: 'tsit5', 'rodas5', 'radau5' or 'bdf'. */
  method: MethodName;
  stiff: boolean;
  /** Fraction of the sampled points that are stiff. */
  stiffFraction: number;
  /** One sentence saying why. */
  reason: string;
}

/** Jacobian eigen-analysis at every sampled point of a trajectory. */
export interface StiffnessProfile {
  t: Float64Array;
  /** max(−Re λ) / min(−Re λ) over the decaying, non-zero eigenvalues (1 when fewer than two time scales). */
  stiffnessRatio: Float64Array;
  /** max(−Re λ): the fastest decay rate, which bounds an explicit method's stable step (≈ 3/rate). */
  fastestDecay: Float64Array;
  /** max Re λ: positive where the dynamics is locally expanding. */
  maxRealPart: Float64Array;
  /** Spectral radius ρ(J). */
  spectralRadius: Float64Array;
  eigenvalues: Eigenvalues[];
  recommendation: SolverRecommendation;
}

/** Stiffness ratio of one spectrum; eigenvalues below zeroTol·ρ are treated as exact zeros. */
export function stiffnessRatio(ev: Eigenvalues, zeroTol = 1e-13): number {
  let rho = 0;
  for (let i = 0; i < ev.re.length; i++) rho = Math.max(rho, Math.hypot(ev.re[i]!, ev.im[i]!));
  let fast = 0;
  let slow = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ev.re.length; i++) {
    const decay = -ev.re[i]!;
    if (decay <= zeroTol * rho) continue;
    fast = Math.max(fast, decay);
    slow = Math.min(slow, decay);
  }
  return fast > 0 ? fast / slow : 1;
}

/**
 * Eigenvalues of the Jacobian along a trajectory (any `Solution`), the stiffness ratio at each
 * point, and a solver recommendation. A point is stiff when its ratio exceeds the threshold and
 * its fastest decay rate times the time still to integrate exceeds it too: only then would an
 * explicit method spend its steps on stability rather than accuracy (Hairer–Wanner II, IV.1).
 */
export function stiffnessProfile(
  field: VectorField,
  trajectory: Trajectory,
  options: StiffnessOptions = {},
): StiffnessProfile {
  checkField(field, 'stiffnessProfile');
  const { ratioThreshold = 1e3, rtol = DEFAULT_RTOL } = options;
  // With the conservation zeros projected out exactly, every decaying mode is a genuine time scale.
  const zeroTol = options.zeroTol ?? (options.conservation ? 0 : 1e-13);
  const m = trajectory.t.length;
  if (m < 1 || trajectory.y.length !== m) {
    throw new RangeError(
      `stiffnessProfile: trajectory needs matching t and y with at least one point (t: ${m}, y: ${trajectory.y.length})`,
    );
  }
  const n = field.n;
  const J = new Float64Array(n * n);
  const y = new Float64Array(n);
  const jac = jacobianOf(field.f, n, field.jac, field.scale);
  const reduction = options.conservation ? conservationReduction(options.conservation, n) : undefined;
  const nr = reduction ? n - reduction.m : n;
  const Jr = reduction ? new Float64Array(nr * nr) : J;
  const t = Float64Array.from(trajectory.t);
  const ratio = new Float64Array(m);
  const fastestDecay = new Float64Array(m);
  const maxRealPart = new Float64Array(m);
  const spectralRadius = new Float64Array(m);
  const spectra: Eigenvalues[] = [];
  const tEnd = t[m - 1]!;
  let nStiff = 0;
  let oscillatoryStiff = false;
  for (let k = 0; k < m; k++) {
    checkState(trajectory.y[k]!, n, `stiffnessProfile: state ${k}`);
    y.set(trajectory.y[k]!);
    jac(t[k]!, y, J);
    reduction?.reduceJacobian(J, Jr);
    const ev = eigenvalues(Jr, nr);
    spectra.push(ev);
    let rho = 0;
    let fast = 0;
    let fastIm = 0;
    for (let i = 0; i < nr; i++) {
      rho = Math.max(rho, Math.hypot(ev.re[i]!, ev.im[i]!));
      if (-ev.re[i]! > fast) {
        fast = -ev.re[i]!;
        fastIm = Math.abs(ev.im[i]!);
      }
    }
    ratio[k] = stiffnessRatio(ev, zeroTol);
    fastestDecay[k] = fast;
    maxRealPart[k] = ev.re[0]!;
    spectralRadius[k] = rho;
    const remaining = Math.abs(tEnd - t[k]!);
    if (ratio[k]! >= ratioThreshold && fast * remaining >= ratioThreshold) {
      nStiff++;
      if (fastIm > fast) oscillatoryStiff = true;
    }
  }
  const stiffFraction = nStiff / m;
  return {
    t,
    stiffnessRatio: ratio,
    fastestDecay,
    maxRealPart,
    spectralRadius,
    eigenvalues: spectra,
    recommendation: recommend(n, stiffFraction, Math.max(...ratio), oscillatoryStiff, rtol),
  };
}

function recommend(
  n: number,
  stiffFraction: number,
  maxRatio: number,
  oscillatory: boolean,
  rtol: number,
): SolverRecommendation {
  const r = maxRatio.toExponential(1);
  if (stiffFraction === 0) {
    return {
      method: 'tsit5',
      stiff: false,
      stiffFraction,
      reason: `no stiff point (largest stiffness ratio ${r}): an explicit method is cheapest`,
    };
  }
  const where = `${(100 * stiffFraction).toFixed(0)}% of the points are stiff (largest ratio ${r})`;
  // BDF above order 2 is not A-stable, so fast oscillatory modes need an implicit Runge–Kutta method.
  if (oscillatory || rtol < 1e-8) {
    const why = oscillatory ? 'fast modes are oscillatory' : 'the tolerance is tight';
    return {
      method: 'radau5',
      stiff: true,
      stiffFraction,
      reason: `${where}; ${why}: Radau IIA (order 5, L-stable)`,
    };
  }
  if (n > 100) {
    return {
      method: 'bdf',
      stiff: true,
      stiffFraction,
      reason: `${where}; large system: BDF needs one LU per Jacobian update`,
    };
  }
  return {
    method: 'rodas5',
    stiff: true,
    stiffFraction,
    reason: `${where}: Rosenbrock (order 5, L-stable) at moderate tolerance`,
  };
}
