import { ComplexDenseLU } from './complex-dense-lu';
import { DenseLU } from './dense-lu';
import type { ComplexLinearSolver, JacobianLayout, LinearSolver } from './linear-solver';

/** γI − J with a dense row-major J, factored by `DenseLU`. */
export class DenseSolver implements LinearSolver {
  readonly n: number;
  readonly layout: JacobianLayout;
  private readonly matrix: Float64Array;
  private readonly lu: DenseLU;

  constructor(n: number) {
    this.n = n;
    this.layout = { kind: 'dense', n };
    this.matrix = new Float64Array(n * n);
    this.lu = new DenseLU(n);
  }

  factor(gamma: number, J: Float64Array): boolean {
    const n = this.n;
    const M = this.matrix;
    for (let k = 0; k < n * n; k++) M[k] = -J[k]!;
    for (let i = 0; i < n; i++) M[i * n + i]! += gamma;
    return this.lu.factor(M);
  }

  solve(b: Float64Array): void {
    this.lu.solve(b);
  }
}

/** (α + iβ)I − J with a dense row-major J, factored by `ComplexDenseLU`. */
export class ComplexDenseSolver implements ComplexLinearSolver {
  readonly n: number;
  readonly layout: JacobianLayout;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly lu: ComplexDenseLU;

  constructor(n: number) {
    this.n = n;
    this.layout = { kind: 'dense', n };
    this.re = new Float64Array(n * n);
    this.im = new Float64Array(n * n);
    this.lu = new ComplexDenseLU(n);
  }

  factor(alpha: number, beta: number, J: Float64Array): boolean {
    const n = this.n;
    const re = this.re;
    const im = this.im;
    for (let k = 0; k < n * n; k++) re[k] = -J[k]!;
    im.fill(0);
    for (let i = 0; i < n; i++) {
      re[i * n + i]! += alpha;
      im[i * n + i] = beta;
    }
    return this.lu.factor(re, im);
  }

  solve(br: Float64Array, bi: Float64Array): void {
    this.lu.solve(br, bi);
  }
}
