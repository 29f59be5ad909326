import type { GradientProblem } from '../problem';
import type { GradientResult } from '../types';

/**
 * Loss gradients recorded by a taped forward solve at the steps where it landed on an
 * observation time, replayed into the adjoint by the reverse pass.
 */
export class ObservationTape {
  readonly g: Float64Array;
  readonly fy: Float64Array;
  readonly gObs: Float64Array;
  readonly obsStep: Int32Array;
  private next: number;

  constructor(
    readonly prob: GradientProblem,
    readonly res: GradientResult,
  ) {
    const { n, times } = prob;
    this.g = new Float64Array(n);
    this.fy = new Float64Array(n);
    this.gObs = new Float64Array(times.length * n);
    this.obsStep = new Int32Array(times.length);
    this.next = times.length - 1;
  }

  /** Observation i seen at state y after `step` accepted steps (0: at t0). */
  record(i: number, y: Float64Array, step: number): void {
    const { prob, res, g, fy } = this;
    res.loss += prob.obs.loss(i, y);
    prob.obs.lossGrad(i, y, g);
    this.gObs.set(g, i * prob.n);
    this.obsStep[i] = step;
    prob.model.f(prob.times[i]!, y, prob.p, fy);
    res.stats.nfev.forward++;
    let d = 0;
    for (let j = 0; j < prob.n; j++) d += g[j]! * fy[j]!;
    res.dtimes[i] = d;
  }

  /** Reverse pass: add to λ the loss gradients of observations recorded after `step` steps. */
  addAt(step: number, lambda: Float64Array): void {
    const n = this.prob.n;
    while (this.next >= 0 && this.obsStep[this.next] === step) {
      const off = this.next * n;
      for (let j = 0; j < n; j++) lambda[j]! += this.gObs[off + j];
      this.next--;
    }
  }
}
