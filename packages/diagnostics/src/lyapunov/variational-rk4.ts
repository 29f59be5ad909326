import type { JacobianFunction, RhsFunction } from '@kinetica/ode-core';

/**
 * Classical RK4 on the state together with its variational equation
 *   y' = f(t, y),   Q' = ∂f/∂y(t, y)·Q   (Q: n×k row-major tangent vectors),
 * the standard integrator of Lyapunov-exponent studies: a fixed step keeps the renormalization
 * schedule regular, and every stage uses the Jacobian at that stage's state, so the tangent
 * flow is the exact linearization of the discrete state flow (Benettin et al. 1980).
 * All buffers are allocated in the constructor; `step` allocates nothing.
 */
export class VariationalRK4 {
  readonly ys: Float64Array;
  readonly qs: Float64Array;
  readonly ky: Float64Array;
  readonly kq: Float64Array;
  readonly accY: Float64Array;
  readonly accQ: Float64Array;
  readonly J: Float64Array;

  constructor(
    readonly f: RhsFunction,
    readonly jac: JacobianFunction,
    readonly n: number,
    readonly k: number,
  ) {
    this.ys = new Float64Array(n);
    this.qs = new Float64Array(n * k);
    this.ky = new Float64Array(n);
    this.kq = new Float64Array(n * k);
    this.accY = new Float64Array(n);
    this.accQ = new Float64Array(n * k);
    this.J = new Float64Array(n * n);
  }

  /** Advance (y, Q) from t to t + h in place. */
  step(t: number, h: number, y: Float64Array, q: Float64Array): void {
    const { ys, qs, ky, kq, accY, accQ } = this;
    accY.fill(0);
    accQ.fill(0);
    ys.set(y);
    qs.set(q);
    this.stage(t, ky, kq);
    this.advance(y, q, 0.5 * h, h / 6);
    this.stage(t + 0.5 * h, ky, kq);
    this.advance(y, q, 0.5 * h, h / 3);
    this.stage(t + 0.5 * h, ky, kq);
    this.advance(y, q, h, h / 3);
    this.stage(t + h, ky, kq);
    for (let i = 0; i < y.length; i++) y[i]! += accY[i]! + (h / 6) * ky[i]!;
    for (let i = 0; i < q.length; i++) q[i]! += accQ[i]! + (h / 6) * kq[i]!;
  }

  /** Evaluate the augmented right-hand side at the stage point (ys, qs). */
  private stage(t: number, ky: Float64Array, kq: Float64Array): void {
    const { n, k, J, ys, qs } = this;
    this.f(t, ys, ky);
    this.jac(t, ys, J);
    for (let a = 0; a < n; a++) {
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let b = 0; b < n; b++) s += J[a * n + b]! * qs[b * k + c]!;
        kq[a * k + c] = s;
      }
    }
  }

  /** Accumulate weight·k into the RK sum and set the next stage point base + c·k. */
  private advance(y: Float64Array, q: Float64Array, c: number, weight: number): void {
    const { ys, qs, ky, kq, accY, accQ } = this;
    for (let i = 0; i < y.length; i++) {
      accY[i]! += weight * ky[i]!;
      ys[i] = y[i]! + c * ky[i]!;
    }
    for (let i = 0; i < q.length; i++) {
      accQ[i]! += weight * kq[i]!;
      qs[i] = q[i]! + c * kq[i]!;
    }
  }
}
