/**
 * Radau IIA of order 5 in Hairer's transformed form (Hairer & Wanner, Solving ODEs II, IV.8;
 * constants from radau5.f): T⁻¹·A⁻¹·T = diag(γ̂, [[α, −β], [β, α]]), so one real and one
 * complex n×n system replace the 3n×3n Newton matrix.
 */
const SQ6 = Math.sqrt(6);
export const C1 = (4 - SQ6) / 10;
export const C2 = (4 + SQ6) / 10;
export const C1M1 = C1 - 1;
export const C2M1 = C2 - 1;
export const C1MC2 = C1 - C2;
/** Embedded error estimate weights (divided by h at use). */
export const DD1 = -(13 + 7 * SQ6) / 3;
export const DD2 = (-13 + 7 * SQ6) / 3;
export const DD3 = -1 / 3;

const CBRT9 = Math.cbrt(9);
const GAMMA_A = (6 + CBRT9 * (CBRT9 - 1)) / 30;
const ALPHA_A = (12 - CBRT9 * (CBRT9 - 1)) / 60;
const BETA_A = (CBRT9 * (CBRT9 + 1) * Math.sqrt(3)) / 60;
const CNO = ALPHA_A * ALPHA_A + BETA_A * BETA_A;
/** Real eigenvalue of A⁻¹. */
export const U1 = 1 / GAMMA_A;
/** Complex eigenvalue pair α ± iβ of A⁻¹. */
export const ALPH = ALPHA_A / CNO;
export const BETA = BETA_A / CNO;

export const T11 = 0.09123239487089295;
export const T12 = -0.1412552950209542;
export const T13 = -0.030029194105147424;
export const T21 = 0.241717932707107;
export const T22 = 0.20412935229379994;
export const T23 = 0.3829421127572619;
export const T31 = 0.966048182615093;
export const TI11 = 4.325579890063155;
export const TI12 = 0.33919925181580984;
export const TI13 = 0.5417705399358749;
export const TI21 = -4.178718591551905;
export const TI22 = -0.32768282076106237;
export const TI23 = 0.47662355450055044;
export const TI31 = -0.5028726349457868;
export const TI32 = 2.571926949855605;
export const TI33 = -0.5960392048282249;

/**
 * The Runge–Kutta matrix whose collocation equations `radau5`'s Newton iteration solves:
 * it drives TI·F(y + T·w) − Λ·w/h to zero (Λ = diag(U1, [[ALPH, −BETA], [BETA, ALPH]])), so
 * Z = T·w satisfies Z = h·(T Λ⁻¹ TI ⊗ I)·F(y + Z). With radau5.f's rounded constants this is the
 * Radau IIA matrix to about 1e-16; using it rather than the exact one transposes the very
 * equations the forward solved. Row-major 3×3.
 */
export const RADAU5_A: Float64Array = (() => {
  const T = [
    [T11, T12, T13],
    [T21, T22, T23],
    [T31, 1, 0],
  ];
  const TI = [
    [TI11, TI12, TI13],
    [TI21, TI22, TI23],
    [TI31, TI32, TI33],
  ];
  // Λ⁻¹: 1/U1 on the real block; the 2×2 block [[α, −β], [β, α]] inverts to [[α, β], [−β, α]]/(α² + β²).
  const d = ALPH * ALPH + BETA * BETA;
  const LI = [
    [1 / U1, 0, 0],
    [0, ALPH / d, BETA / d],
    [0, -BETA / d, ALPH / d],
  ];
  const A = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) for (let l = 0; l < 3; l++) s += T[i]![k]! * LI[k]![l]! * TI[l]![j]!;
      A[i * 3 + j] = s;
    }
  return A;
})();
