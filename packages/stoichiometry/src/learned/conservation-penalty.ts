/**
 * The soft alternative to S·r: a penalty P = Σ_k (w_k·dx/dt)² on the drift of the conserved
 * totals, to add to a training loss when the field is unconstrained (d/dt(Wx) = W·f).
 */
export interface ConservationPenalty {
  /** P at the field value dxdt. */
  value(dxdt: ArrayLike<number>): number;
  /** ∂P/∂(dxdt) = 2·Wᵀ·W·dxdt into `out`; returns P. */
  gradient(dxdt: ArrayLike<number>, out: Float64Array): number;
}

export function conservationPenalty(W: readonly (readonly number[])[]): ConservationPenalty {
  const q = W.length;
  const n = q === 0 ? 0 : W[0]!.length;
  const flat = new Float64Array(q * n);
  W.forEach((row, k) => {
    if (row.length !== n)
      throw new RangeError(`conservationPenalty: row ${k} of W has ${row.length} entries, expected ${n}`);
    flat.set(row, k * n);
  });
  const drift = new Float64Array(q);
  const compute = (dxdt: ArrayLike<number>): number => {
    if (dxdt.length !== n && q > 0)
      throw new RangeError(`conservationPenalty: dxdt has length ${dxdt.length}, W has ${n} columns`);
    let p = 0;
    for (let k = 0; k < q; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += flat[k * n + i]! * dxdt[i]!;
      drift[k] = s;
      p += s * s;
    }
    return p;
  };
  return {
    value: compute,
    gradient(dxdt, out) {
      const p = compute(dxdt);
      out.fill(0, 0, n);
      for (let k = 0; k < q; k++) {
        const d = 2 * drift[k]!;
        for (let i = 0; i < n; i++) out[i]! += d * flat[k * n + i]!;
      }
      return p;
    },
  };
}
