import type { ReverseSweep, StepTape } from '@kinetica/ode-core/reverse';
import { DenseLU } from '../linalg/dense-lu';

/** Highest order of `bdf`; its difference array has rows D⁰ … D^{MAX+2}. */
export const BDF_MAX_ORDER = 5;
const ROWS = BDF_MAX_ORDER + 3;

/** Small matrices for the step-change rescaling, allocated once per solve (or sweep). */
export class RescaleWork {
  readonly R = new Float64Array((BDF_MAX_ORDER + 1) * (BDF_MAX_ORDER + 1));
  readonly U = new Float64Array((BDF_MAX_ORDER + 1) * (BDF_MAX_ORDER + 1));
  readonly RU = new Float64Array((BDF_MAX_ORDER + 1) * (BDF_MAX_ORDER + 1));
}

/**
 * R(order, factor) of Shampine & Reichelt (1997), eq. (2.6): maps the differences of the
 * interpolating polynomial on step h to those on step factor·h; row-major (order+1)².
 */
function computeR(order: number, factor: number, out: Float64Array): void {
  const m = order + 1;
  for (let j = 0; j < m; j++) out[j] = 1;
  for (let i = 1; i < m; i++) {
    out[i * m] = 0;
    for (let j = 1; j < m; j++) out[i * m + j] = out[(i - 1) * m + j]! * ((i - 1 - factor * j) / i);
  }
}

/**
 * w.RU = R(order, factor)·R(order, 1), row-major (order+1)²: the rescaling of the differences is
 * D^j ← Σ_k RU[k][j] D^k for j = 1 … order (row 0 is unchanged). The forward step and its
 * transpose both take their coefficients from here, so the transpose is exact.
 */
export function rescaleMatrix(order: number, factor: number, w: RescaleWork): Float64Array {
  const m = order + 1;
  computeR(order, factor, w.R);
  computeR(order, 1, w.U);
  const { R, U, RU } = w;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += R[i * m + k]! * U[k * m + j]!;
      RU[i * m + j] = s;
    }
  }
  return RU;
}

// Operation codes of a bdf tape record. A record holds, in the order they happened, every
// operation on the difference array D since the previous accepted step, then the step itself:
//   RESCALE order factor          D^1 … D^order rescaled to the step factor·h (changeD)
//   START   t hd y[n]             D^1 = hd·f(t, y) with D^0 = y (at t0, and after a tstop restart)
//   STEP    order c alpha y[n]    the accepted step ending at tape.tNew: corrector
//                                 d − c f(tNew, yPred + d) + ψ = 0 around the Newton iterate y,
//                                 then the update of D^0 … D^{order+2}
//   CLAMP   i                     D^0_i = 0 (`nonnegative`, and the positivity rescue)
//   ZERO                          D^1 … D^{MAX+2} = 0 (a positivity rescue's restart keeps D^0 only)
const OP_RESCALE = 1;
const OP_START = 2;
const OP_STEP = 3;
const OP_CLAMP = 4;
const OP_ZERO = 5;

/**
 * The operations `bdf` performs on its difference array between two accepted steps, kept until the
 * next accepted step opens its tape record (rejected attempts and restarts belong to the step that
 * follows them). Recording reads the solver's values and changes none of them.
 */
export class BdfOpLog {
  private buf: Float64Array;
  private len = 0;

  constructor(private readonly n: number) {
    this.buf = new Float64Array(Math.max(64, 4 * n + 16));
  }

  rescale(order: number, factor: number): void {
    this.reserve(3);
    const b = this.buf;
    b[this.len++] = OP_RESCALE;
    b[this.len++] = order;
    b[this.len++] = factor;
  }

  start(t: number, hd: number, y: Float64Array): void {
    this.reserve(3 + this.n);
    const b = this.buf;
    b[this.len++] = OP_START;
    b[this.len++] = t;
    b[this.len++] = hd;
    b.set(y.subarray(0, this.n), this.len);
    this.len += this.n;
  }

  /** Open the accepted step's record [t, t + h], flush the pending operations, add the step. */
  step(tape: StepTape, t: number, h: number, order: number, c: number, alpha: number, y: Float64Array): void {
    tape.begin(t, h);
    tape.push(this.buf, this.len);
    this.len = 0;
    tape.pushScalar(OP_STEP);
    tape.pushScalar(order);
    tape.pushScalar(c);
    tape.pushScalar(alpha);
    tape.push(y, this.n);
  }

  /** Into the open record: component i of the new state was clamped to 0. */
  clamp(tape: StepTape, i: number): void {
    tape.pushScalar(OP_CLAMP);
    tape.pushScalar(i);
  }

  /** Pending: component i of D^0 was clamped to 0 (at a positivity rescue's restart point). */
  clampPending(i: number): void {
    this.reserve(2);
    this.buf[this.len++] = OP_CLAMP;
    this.buf[this.len++] = i;
  }

  /** Pending: every difference but D^0 was set to zero (a positivity rescue's restart). */
  zeroHistory(): void {
    this.reserve(1);
    this.buf[this.len++] = OP_ZERO;
  }

  /** Forget the pending operations: they belonged to steps a positivity rescue has taken back. */
  discard(): void {
    this.len = 0;
  }

  private reserve(k: number): void {
    if (this.len + k <= this.buf.length) return;
    let cap = 2 * this.buf.length;
    while (cap < this.len + k) cap *= 2;
    const b = new Float64Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
}

/**
 * The transposed NDF over what `bdf` recorded: the discrete adjoint of exactly the computed
 * solution, with step sizes, orders and rescaling factors held fixed. Everything but the corrector
 * is linear in the difference array D, so the sweep carries D̄ (rows 0 … 7) backwards through the
 * logged operations: a rescaling by its exact transpose (the same RU coefficients), the update
 * D^{k+2} = d − D^{k+1}, D^{k+1} = d, D^j += D^{j+1} by its transpose, the predictor
 * yPred = Σ_{j≤k} D^j and ψ = Σ_{j=1..k} γ_j D^j/α_k likewise. The corrector
 * d − c f(tNew, yPred + d) + ψ = 0 is taken as exactly solved (implicit function theorem):
 * (I − c J(tNew, yNew))ᵀ μ = d̄, then v = cμ gives ȳPred = vᵀ∂f/∂y and p̄ += vᵀ∂f/∂p, ψ̄ = −μ.
 * D^1 = h f(t, y) at t0 and at each tstop restart is transposed with one vjp. The loss gradient
 * observed at a step end enters D̄⁰ (the new state is D⁰ after the update); D̄⁰ at t0 is ∂L/∂y0.
 * The `nonnegative` clamp (and a positivity rescue's) is transposed as what it is, a zero
 * derivative of the clamped component; a rescue's restart, which keeps only D⁰, zeroes the
 * cotangents of the other rows.
 */
export const bdfReverse: ReverseSweep = (tape, ctx) => {
  const { n, lambda } = ctx;
  const Db = new Float64Array(ROWS * n);
  const tmp = new Float64Array((BDF_MAX_ORDER + 1) * n);
  const J = new Float64Array(n * n);
  const M = new Float64Array(n * n);
  const lu = new DenseLU(n);
  const mu = new Float64Array(n);
  const v = new Float64Array(n);
  const vJy = new Float64Array(n);
  const y = new Float64Array(n);
  const work = new RescaleWork();
  const gamma = new Float64Array(BDF_MAX_ORDER + 1);
  for (let k = 1; k <= BDF_MAX_ORDER; k++) gamma[k] = gamma[k - 1]! + 1 / k;
  let ops = new Int32Array(64);

  for (let step = tape.steps - 1; step >= 0; step--) {
    const tNew = tape.tNew[step]!;
    ctx.atStepEnd(tNew);
    for (let i = 0; i < n; i++) Db[i]! += lambda[i];
    lambda.fill(0);

    const data = tape.data;
    const end = tape.start(step + 1);
    let count = 0;
    for (let pos = tape.start(step); pos < end; ) {
      if (count === ops.length) {
        const grown = new Int32Array(2 * ops.length);
        grown.set(ops);
        ops = grown;
      }
      ops[count++] = pos;
      const code = data[pos]!;
      if (code === OP_RESCALE) pos += 3;
      else if (code === OP_START) pos += 3 + n;
      else if (code === OP_STEP) pos += 4 + n;
      else if (code === OP_CLAMP) pos += 2;
      else if (code === OP_ZERO) pos += 1;
      else return `bdf reverse: corrupt tape record at t=${tape.t[step]}`;
    }

    for (let q = count - 1; q >= 0; q--) {
      const pos = ops[q]!;
      const code = data[pos]!;
      if (code === OP_CLAMP) {
        Db[data[pos + 1]!] = 0;
      } else if (code === OP_ZERO) {
        Db.fill(0, n);
      } else if (code === OP_STEP) {
        const order = data[pos + 1]!;
        const c = data[pos + 2]!;
        const alpha = data[pos + 3]!;
        for (let i = 0; i < n; i++) y[i] = data[pos + 4 + i]!;
        // D^j += D^{j+1} for j = order … 0, transposed.
        for (let j = 0; j <= order; j++) {
          const oj = j * n;
          for (let i = 0; i < n; i++) Db[oj + n + i]! += Db[oj + i];
        }
        // D^{k+2} = d − D^{k+1}; D^{k+1} = d, transposed: d̄ collects both rows.
        const o1 = (order + 1) * n;
        const o2 = (order + 2) * n;
        for (let i = 0; i < n; i++) {
          mu[i] = Db[o1 + i]! + Db[o2 + i]!;
          Db[o1 + i] = -Db[o2 + i]!;
          Db[o2 + i] = 0;
        }
        // (I − cJ)ᵀ μ = d̄.
        ctx.jac(tNew, y, J);
        for (let r = 0; r < n; r++) {
          for (let s = 0; s < n; s++) M[r * n + s] = (r === s ? 1 : 0) - c * J[s * n + r]!;
        }
        if (!lu.factor(M)) return `bdf reverse: singular transposed corrector matrix at t=${tNew}`;
        lu.solve(mu);
        for (let i = 0; i < n; i++) v[i] = c * mu[i]!;
        ctx.vjpAdd(tNew, y, v, vJy);
        // yPred = Σ_{j≤k} D^j and ψ = Σ_{j=1..k} γ_j D^j / α_k.
        for (let i = 0; i < n; i++) Db[i]! += vJy[i];
        for (let j = 1; j <= order; j++) {
          const oj = j * n;
          const w = gamma[j]! / alpha;
          for (let i = 0; i < n; i++) Db[oj + i]! += vJy[i]! - w * mu[i]!;
        }
      } else if (code === OP_RESCALE) {
        const order = data[pos + 1]!;
        const m = order + 1;
        const RU = rescaleMatrix(order, data[pos + 2]!, work);
        // Forward: D^j ← Σ_k RU[k][j] D^k (j ≥ 1), D^0 kept. Transposed: D̄^k ← [k = 0] D̄^0 + Σ_{j≥1} RU[k][j] D̄^j.
        tmp.set(Db.subarray(0, m * n));
        for (let k = 0; k < m; k++) {
          const ok = k * n;
          if (k > 0) for (let i = 0; i < n; i++) Db[ok + i] = 0;
          for (let j = 1; j < m; j++) {
            const cf = RU[k * m + j]!;
            if (cf === 0) continue;
            const oj = j * n;
            for (let i = 0; i < n; i++) Db[ok + i]! += cf * tmp[oj + i]!;
          }
        }
      } else {
        // OP_START: D^1 = hd·f(t, y).
        const t = data[pos + 1]!;
        const hd = data[pos + 2]!;
        for (let i = 0; i < n; i++) {
          y[i] = data[pos + 3 + i]!;
          v[i] = hd * Db[n + i]!;
          Db[n + i] = 0;
        }
        ctx.vjpAdd(t, y, v, vJy);
        for (let i = 0; i < n; i++) Db[i]! += vJy[i];
      }
    }
  }
  lambda.set(Db.subarray(0, n));
  return '';
};
