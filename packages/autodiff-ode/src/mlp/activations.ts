/**
 * Pointwise activations of the fused MLP kernel. Each is applied in place over a layer, with
 * its derivative computed from the stored pre-activation z (and activation a where cheaper).
 */

/** Activation names. `quadratic` is σ(z) = z², which makes a network a polynomial in its
 * inputs (so mass-action fields are represented exactly); `identity` is the linear layer. */
export type Activation = 'tanh' | 'softplus' | 'silu' | 'relu' | 'quadratic' | 'identity';

export const ACTIVATIONS: readonly Activation[] = [
  'tanh',
  'softplus',
  'silu',
  'relu',
  'quadratic',
  'identity',
];

/** 2^−k for k = 0 … 63, and 2^−j/64 for j = 0 … 63: the scale of the reduced argument in `tanh`. */
const POW2_NEG = Float64Array.from({ length: 64 }, (_, k) => 2 ** -k);
const POW2_FRAC = Float64Array.from({ length: 64 }, (_, j) => 2 ** (-j / 64));
const POW2_FRAC_M1 = Float64Array.from({ length: 64 }, (_, j) => Math.expm1((-j / 64) * Math.LN2));
const LN2_64_HI = 0.6931471803691238 / 64;
const LN2_64_LO = 1.9082149292705877e-10 / 64;

/**
 * tanh(v) = −(e − 1)/(2 + (e − 1)) for v ≥ 0 with e = exp(−2v), the exponential inlined:
 * 2|v| = (k/64)·ln 2 − r with |r| ≤ ln 2/128 (Cody–Waite split of ln 2), e = 2^−k/64·exp(r),
 * exp(r) − 1 by its Taylor polynomial of degree 6 (truncation error < 10⁻¹⁹) and 2^−k/64 (and 2^−k/64 − 1) from
 * tables. Keeping e − 1 instead of e preserves full precision near v = 0. Within 3 ulp of
 * Math.tanh and cheaper than one Math.exp call; tanh is a hot spot of the forward pass.
 */
export function tanh(v: number): number {
  const y = v < 0 ? -2 * v : 2 * v;
  // Beyond 2|v| = 40, e < 5·10⁻¹⁸ and the quotient rounds to ±1 (NaN falls through).
  if (y > 40) return v < 0 ? -1 : 1;
  const k = (y * (64 * Math.LOG2E) + 0.5) | 0;
  const r = k * LN2_64_HI - y + k * LN2_64_LO;
  const q = r * (1 + r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720))))));
  const P = POW2_NEG[k >> 6]!;
  const s = P * POW2_FRAC[k & 63]!;
  const em1 = s * q + (P * POW2_FRAC_M1[k & 63]! + (P - 1));
  const t = em1 / (2 + em1);
  return v < 0 ? t : 0 - t;
}

/** Numerically stable log(1 + e^z). */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** a[o+i] = σ(z[o+i]) for i < n. */
export function applyActivation(
  kind: Activation,
  z: Float64Array,
  a: Float64Array,
  zo: number,
  ao: number,
  n: number,
): void {
  switch (kind) {
    case 'tanh':
      for (let i = 0; i < n; i++) a[ao + i] = tanh(z[zo + i]);
      return;
    case 'softplus':
      for (let i = 0; i < n; i++) a[ao + i] = softplus(z[zo + i]);
      return;
    case 'silu':
      for (let i = 0; i < n; i++) {
        const v = z[zo + i];
        a[ao + i] = v * sigmoid(v);
      }
      return;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const v = z[zo + i];
        a[ao + i] = v > 0 ? v : 0;
      }
      return;
    case 'quadratic':
      for (let i = 0; i < n; i++) {
        const v = z[zo + i];
        a[ao + i] = v * v;
      }
      return;
    case 'identity':
      for (let i = 0; i < n; i++) a[ao + i] = z[zo + i];
      return;
  }
}

/** d[do+i] *= σ'(z) for i < n, using the stored z and a = σ(z). */
export function scaleByDerivative(
  kind: Activation,
  z: Float64Array,
  a: Float64Array,
  zo: number,
  ao: number,
  d: Float64Array,
  dOff: number,
  n: number,
): void {
  switch (kind) {
    case 'tanh':
      for (let i = 0; i < n; i++) {
        const v = a[ao + i];
        d[dOff + i] *= 1 - v * v;
      }
      return;
    case 'softplus':
      for (let i = 0; i < n; i++) d[dOff + i] *= sigmoid(z[zo + i]);
      return;
    case 'silu':
      for (let i = 0; i < n; i++) {
        const v = z[zo + i];
        const s = sigmoid(v);
        d[dOff + i] *= s * (1 + v * (1 - s));
      }
      return;
    case 'relu':
      for (let i = 0; i < n; i++) if (!(z[zo + i] > 0)) d[dOff + i] = 0;
      return;
    case 'quadratic':
      for (let i = 0; i < n; i++) d[dOff + i] *= 2 * z[zo + i];
      return;
    case 'identity':
      return;
  }
}

export function assertActivation(kind: unknown, where: string): Activation {
  if (typeof kind !== 'string' || !(ACTIVATIONS as readonly string[]).includes(kind)) {
    throw new TypeError(
      `${where}: unknown activation ${JSON.stringify(kind)} (expected one of ${ACTIVATIONS.join(', ')})`,
    );
  }
  return kind as Activation;
}
