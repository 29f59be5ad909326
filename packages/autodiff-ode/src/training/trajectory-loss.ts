/**
 * The loss of one trajectory at its observation times: per-state weighted squared error over the
 * observed entries (NaN = missing, masked out), plus physiology-informed penalties on negative
 * concentrations and on drift of conservation laws w·x.
 */
export interface LossWeights {
  /** Per-state weight of a squared error, usually 1/scale² so that units do not matter. */
  stateWeights: Float64Array;
  /** λ of Σ w_j·min(x_j, 0)² over predicted states (default 0). */
  negativePenalty?: number;
  /** Rows w of conservation laws (w·x constant) and λ of Σ (w·x(t) − w·x(t0))²/s_w². */
  conservation?: { laws: ReadonlyArray<ArrayLike<number>>; weight: number };
}

export class TrajectoryLoss {
  readonly n: number;
  readonly T: number;
  /** Row-major (T × n) observations with NaN where missing. */
  readonly obs: Float64Array;
  private readonly w: Float64Array;
  private readonly negW: number;
  private readonly laws: Float64Array[];
  private readonly lawScale: Float64Array;
  private readonly lawW: number;
  private readonly lawRef: Float64Array;
  /** 1/(number of observed entries): the loss is a mean. */
  private readonly norm: number;
  /** Σ over observations of ∂/∂(w·x(t0)) per law: the reference moves with x(t0). */
  private readonly lawRefGrad: Float64Array;
  private endTarget: Float64Array | null = null;
  private endWeight = 0;

  constructor(obs: Float64Array, n: number, weights: LossWeights) {
    this.n = n;
    this.T = obs.length / n;
    this.obs = obs;
    this.w = weights.stateWeights;
    this.negW = weights.negativePenalty ?? 0;
    let count = 0;
    for (let k = 0; k < obs.length; k++) if (!Number.isNaN(obs[k]!)) count++;
    this.norm = count > 0 ? 1 / count : 0;
    const laws = weights.conservation?.laws ?? [];
    this.laws = laws.map((l) => Float64Array.from(l));
    this.lawW = weights.conservation?.weight ?? 0;
    this.lawScale = Float64Array.from(this.laws, (l) => {
      let s = 0;
      for (let j = 0; j < n; j++) s += Math.abs(l[j]!) / Math.sqrt(this.w[j]!);
      return s > 0 ? s : 1;
    });
    this.lawRef = new Float64Array(this.laws.length);
    this.lawRefGrad = new Float64Array(this.laws.length);
  }

  /** Fix the reference values w·x(t0) of the conservation laws from the initial state. */
  setInitialState(y0: ArrayLike<number>): void {
    for (let r = 0; r < this.laws.length; r++) {
      let s = 0;
      for (let j = 0; j < this.n; j++) s += this.laws[r]![j]! * y0[j]!;
      this.lawRef[r] = s;
    }
    this.lawRefGrad.fill(0);
  }

  /** dy0 += factor·∂L/∂x(t0) through the conservation references (after one `at` per observation). */
  addInitialStateGradient(dy0: Float64Array, factor: number): void {
    for (let r = 0; r < this.laws.length; r++) {
      const g = factor * this.lawRefGrad[r]!;
      for (let j = 0; j < this.n; j++) dy0[j] += g * this.laws[r]![j]!;
    }
  }

  /**
   * Multiple shooting: add λ·Σ w_j (x_j(t_end) − target_j)² at the last observation, tying this
   * segment's end to the next segment's free initial state (null removes it).
   */
  setEndTarget(target: Float64Array | null, weight: number): void {
    this.endTarget = target;
    this.endWeight = weight;
  }

  /** ∂/∂target of the end-continuity term, given ∂/∂x(t_end) of that term alone (it is its negative). */
  endTargetGradient(y: ArrayLike<number>, yo: number, out: Float64Array, oo: number, factor: number): void {
    const t = this.endTarget;
    if (!t) return;
    for (let j = 0; j < this.n; j++)
      out[oo + j] -= factor * 2 * this.endWeight * this.w[j]! * (y[yo + j]! - t[j]!);
  }

  /**
   * The contribution at observation i for the predicted state y (read from y[yo …]); when
   * `grad` is given, writes ∂/∂y into grad[go …] (overwrite). With `trackReference` (the
   * default) it also accumulates what `addInitialStateGradient` needs; pass false on repeated
   * evaluations of the same observation.
   */
  at(
    i: number,
    y: ArrayLike<number>,
    yo: number,
    grad: Float64Array | null,
    go: number,
    trackReference = true,
  ): number {
    const n = this.n;
    const o = this.obs;
    const w = this.w;
    const nrm = this.norm;
    let L = 0;
    for (let j = 0; j < n; j++) {
      const yj = y[yo + j]!;
      const ob = o[i * n + j]!;
      let g = 0;
      if (!Number.isNaN(ob)) {
        const r = yj - ob;
        L += w[j]! * r * r * nrm;
        g = 2 * w[j]! * r * nrm;
      }
      if (this.negW > 0 && yj < 0) {
        L += (this.negW * w[j]! * yj * yj) / this.T;
        g += (2 * this.negW * w[j]! * yj) / this.T;
      }
      if (grad) grad[go + j] = g;
    }
    const et = this.endTarget;
    if (et && i === this.T - 1) {
      for (let j = 0; j < n; j++) {
        const r = y[yo + j]! - et[j]!;
        L += this.endWeight * w[j]! * r * r;
        if (grad) grad[go + j] += 2 * this.endWeight * w[j]! * r;
      }
    }
    for (let r = 0; r < this.laws.length; r++) {
      const l = this.laws[r]!;
      let c = -this.lawRef[r]!;
      for (let j = 0; j < n; j++) c += l[j]! * y[yo + j]!;
      const s = this.lawScale[r]!;
      L += (this.lawW * c * c) / (s * s * this.T);
      const f = (2 * this.lawW * c) / (s * s * this.T);
      if (grad) for (let j = 0; j < n; j++) grad[go + j] += f * l[j]!;
      if (trackReference) this.lawRefGrad[r] -= f;
    }
    return L;
  }
}
