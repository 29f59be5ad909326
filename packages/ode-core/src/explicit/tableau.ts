/**
 * An explicit Runge–Kutta method as data (Butcher tableau plus error estimate and continuous
 * extension). The one generic stepper in `runge-kutta.ts` runs every method from this; the
 * discrete adjoint in `@kinetica/adjoint` differentiates through the same numbers.
 */
export interface ExplicitTableau {
  /** Method name, e.g. 'dopri5'. */
  readonly name: string;
  /** Number of stages s evaluated per step (for FSAL methods including the last, f(t+h, y1)). */
  readonly stages: number;
  /** Nodes c_i, length s. */
  readonly c: Float64Array;
  /** Strictly lower-triangular coefficients: `a[i]` has length i (a[0] is empty). */
  readonly a: readonly Float64Array[];
  /** Weights b_i of the propagated solution, length s. */
  readonly b: Float64Array;
  /**
   * Error weights b_i − b̂_i (length s): the local error estimate is h·Σ btilde_i k_i.
   * Absent for fixed-step methods.
   */
  readonly btilde?: Float64Array;
  /**
   * Second error weights for DOP853's combined 5th/3rd-order estimate (Hairer–Nørsett–Wanner I,
   * II.10): err = err5² / sqrt(err5² + 0.01·err3²) in the scaled norm.
   */
  readonly btilde3?: Float64Array;
  /** Order of the propagated solution. */
  readonly order: number;
  /** Order q of the error estimate; the step-size exponent is 1/(q+1). 0 for fixed-step methods. */
  readonly errorOrder: number;
  /** First Same As Last: c[s−1] = 1 and a[s−1] = b, so the last stage is f(t+h, y1), reused as the next k1. */
  readonly fsal: boolean;
  /** The method's own continuous extension; absent: cubic Hermite on (y0, f0, y1, f1). */
  readonly dense?: DenseExtension;
}

/**
 * Polynomial continuous extension y(t0 + θh) = y0 + h Σ_i b_i(θ) k_i, with
 * b_i(θ) = Σ_j coeffs[i][j] θ^(j+1). Stages beyond the tableau's s (extraC/extraA) are
 * evaluated only when the interpolant is first used within a step.
 */
export interface DenseExtension {
  /** Order of the interpolant. */
  readonly order: number;
  /** Polynomial coefficients per stage (s + extra stages), lowest power θ¹ first. */
  readonly coeffs: readonly Float64Array[];
  /** Nodes of the extra stages. */
  readonly extraC?: Float64Array;
  /** Coefficients of the extra stages over all earlier stages: extraA[e] has length s + e. */
  readonly extraA?: readonly Float64Array[];
}

/** Build a tableau's strictly lower-triangular `a` from plain rows. */
export function lowerRows(rows: readonly (readonly number[])[]): Float64Array[] {
  return rows.map((r) => Float64Array.from(r));
}
