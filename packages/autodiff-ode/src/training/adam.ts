/** Adam (Kingma & Ba 2015, "Adam: a method for stochastic optimization", ICLR) on a flat vector. */
export interface AdamState {
  m: number[];
  v: number[];
  t: number;
}

export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  private m: Float64Array;
  private v: Float64Array;
  private t = 0;

  constructor(n: number, options: { beta1?: number; beta2?: number; eps?: number } = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
  }

  /** p ← p − lr · m̂/(√v̂ + ε) for gradient g. */
  step(p: Float64Array, g: Float64Array, lr: number): void {
    this.t++;
    const { beta1: b1, beta2: b2, eps } = this;
    const c1 = 1 / (1 - b1 ** this.t);
    const c2 = 1 / (1 - b2 ** this.t);
    const m = this.m;
    const v = this.v;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      p[i] -= (lr * (m[i]! * c1)) / (Math.sqrt(v[i]! * c2) + eps);
    }
  }

  getState(): AdamState {
    return { m: Array.from(this.m), v: Array.from(this.v), t: this.t };
  }

  setState(s: AdamState): void {
    if (s.m.length !== this.m.length || s.v.length !== this.v.length) {
      throw new RangeError(`Adam: state has ${s.m.length} entries, the optimiser ${this.m.length}`);
    }
    this.m = Float64Array.from(s.m);
    this.v = Float64Array.from(s.v);
    this.t = s.t;
  }
}
