import type { SbmlOde } from './ode-model';

/**
 * A check of a compiled model's exact derivatives (`SbmlOde.derivatives`) against central finite
 * differences, for tests and the conformance bench. Not part of the package's API.
 *
 * Each entry ∂f_i/∂x_j (x: a state or a parameter) is compared with Ridders' extrapolation of
 * central differences D(h) to h → 0 (Numerical Recipes' dfridr: h from 0.01·s_j down by 1.4 per
 * step, the entry of the extrapolation table with the smallest error estimate; s_j = |x_j|, or the
 * state's scale when x_j = 0). It agrees when |exact − fd| ≤ rtol·max(|exact|, |fd|) + floor, the floor being
 * 1e-9·S_i/s_j with S_i = |f_i| + Σ_k |∂f_i/∂x_k|·s_k (the size of the row's terms: below it an entry
 * is ~0 for finite differences, whose rounding error is about ε·S_i/h). An entry where the one-sided
 * differences with a small step disagree (a kink or jump of f: piecewise boundaries, min/max, abs)
 * or where the differences are not finite (x ± h outside the domain) is skipped and counted.
 */
export interface DerivativeCheck {
  /** Entries compared (states and parameters). */
  entries: number;
  /** Entries that disagree beyond the tolerance. */
  failures: Array<{ row: number; column: string; exact: number; fd: number; error: number }>;
  /** Largest |exact − fd| / max(|exact|, |fd|) over entries at least 100 times their floor. */
  maxRelative: number;
  /** Entries that agree only thanks to the floor (|exact − fd| > rtol·max(|exact|, |fd|)). */
  atFloor: number;
  /** Entries skipped at a kink or jump of f. */
  nonSmooth: number;
  /** Entries skipped because f is not finite near the point. */
  nonFinite: number;
}

export function checkDerivatives(
  ode: SbmlOde,
  t: number,
  y: Float64Array,
  rtol = 1e-7,
  out: DerivativeCheck = { entries: 0, failures: [], maxRelative: 0, atFloor: 0, nonSmooth: 0, nonFinite: 0 },
): DerivativeCheck {
  const d = ode.derivatives();
  const n = y.length;
  const p0 = ode.paramValues();
  const nP = p0.length;
  const J = new Float64Array(n * n);
  const P = new Float64Array(n * nP);
  d.jac(t, y, J);
  d.paramJac(t, y, P);
  const f0 = new Float64Array(n);
  ode.f(t, y, f0);
  // vjp with a fixed weight must equal vᵀJ and vᵀP.
  const w = Float64Array.from({ length: n }, (_, i) => 1 + ((i * 7) % 5) / 3);
  const vJy = new Float64Array(n);
  const vJp = new Float64Array(nP);
  d.vjp(t, y, w, vJy, vJp);
  const maxY = y.reduce((m, x) => Math.max(m, Math.abs(x)), 0) || 1;
  const sy = Array.from(y, (x) => (x !== 0 ? Math.abs(x) : maxY));
  const sp = Array.from(p0, (x) => (x !== 0 ? Math.abs(x) : 1));
  const S = Array.from(f0, (fi, i) => {
    let s = Math.abs(fi);
    for (let j = 0; j < n; j++) s += Math.abs(J[i * n + j]!) * sy[j]!;
    for (let m = 0; m < nP; m++) s += Math.abs(P[i * nP + m]!) * sp[m]!;
    return s;
  });
  const yy = Float64Array.from(y);
  const pp = Float64Array.from(p0);
  const tmp = new Float64Array(n);
  /** f at x_j = x0 + dx, all rows. */
  const at = (column: number, x0: number, dx: number, into: Float64Array): Float64Array => {
    if (column < n) {
      yy[column] = x0 + dx;
      ode.f(t, yy, into);
      yy[column] = x0;
    } else {
      pp[column - n] = x0 + dx;
      ode.setParamValues(pp);
      ode.f(t, y, into);
      pp[column - n] = x0;
      ode.setParamValues(pp);
    }
    return Float64Array.from(into);
  };
  const compare = (column: number, name: string, exact: (i: number) => number, scale: number): void => {
    const x0 = column < n ? y[column]! : p0[column - n]!;
    const fds = ridders((dx) => {
      const plus = at(column, x0, dx, tmp);
      const minus = at(column, x0, -dx, tmp);
      return plus.map((u, i) => (u - minus[i]!) / (2 * dx));
    }, 0.01 * scale);
    const e = 1e-7 * scale;
    const fw = at(column, x0, e, tmp);
    const bw = at(column, x0, -e, tmp);
    for (let i = 0; i < n; i++) {
      const fd = fds[i]!;
      const ex = exact(i);
      if (!Number.isFinite(fd) || !Number.isFinite(ex)) {
        out.nonFinite++;
        continue;
      }
      const floor = (1e-9 * S[i]!) / scale;
      const big = Math.max(Math.abs(ex), Math.abs(fd));
      const forward = (fw[i]! - f0[i]!) / e;
      const backward = (f0[i]! - bw[i]!) / e;
      if (
        Math.abs(forward - backward) >
        1e-4 * Math.max(Math.abs(forward), Math.abs(backward)) + 1e3 * floor
      ) {
        out.nonSmooth++;
        continue;
      }
      out.entries++;
      const err = Math.abs(ex - fd);
      if (big > 100 * floor) out.maxRelative = Math.max(out.maxRelative, err / big);
      if (err > rtol * big && err <= rtol * big + floor) out.atFloor++;
      if (err > rtol * big + floor)
        out.failures.push({ row: i, column: name, exact: ex, fd, error: err / big });
    }
  };
  for (let j = 0; j < n; j++) compare(j, ode.stateNames[j]!, (i) => J[i * n + j]!, sy[j]!);
  for (let m = 0; m < nP; m++) compare(n + m, d.params[m]!.id, (i) => P[i * nP + m]!, sp[m]!);
  // vjp against the matrices (same partials, another accumulation order).
  for (let j = 0; j < n + nP; j++) {
    let s = 0;
    let mag = 0;
    for (let i = 0; i < n; i++) {
      const a = j < n ? J[i * n + j]! : P[i * nP + j - n]!;
      s += w[i]! * a;
      mag += Math.abs(w[i]! * a);
    }
    // Rounding: the partials are summed in another order, with terms of the rows' size S_i/s_j.
    let floor = 0;
    for (let i = 0; i < n; i++) floor += (w[i]! * S[i]!) / (j < n ? sy[j]! : sp[j - n]!);
    const got = j < n ? vJy[j]! : vJp[j - n]!;
    if (!(Math.abs(got - s) <= 1e-12 * mag + 1e-12 * floor) && !(Number.isNaN(got) && Number.isNaN(s)))
      out.failures.push({
        row: -1,
        column: `vjp ${j}`,
        exact: got,
        fd: s,
        error: Math.abs(got - s) / (mag || 1),
      });
  }
  return out;
}

/**
 * Ridders' extrapolation of a vector of central differences `D(h)` to h → 0, per component the
 * tableau entry with the smallest error estimate (stopping a component when the error grows).
 */
function ridders(D: (h: number) => Float64Array, h0: number): Float64Array {
  const NTAB = 10;
  const CON = 1.4;
  const CON2 = CON * CON;
  let hh = h0;
  let prev: Float64Array[] = [D(hh)];
  const m = prev[0]!.length;
  const ans = Float64Array.from(prev[0]!);
  const err = new Float64Array(m).fill(Number.POSITIVE_INFINITY);
  const done = new Uint8Array(m);
  for (let i = 1; i < NTAB; i++) {
    hh /= CON;
    const row: Float64Array[] = [D(hh)];
    let fac = CON2;
    for (let j = 1; j <= i; j++) {
      const next = row[j - 1]!.map((x, k) => (x * fac - prev[j - 1]![k]!) / (fac - 1));
      fac *= CON2;
      for (let k = 0; k < m; k++) {
        if (done[k]) continue;
        const e = Math.max(Math.abs(next[k]! - row[j - 1]![k]!), Math.abs(next[k]! - prev[j - 1]![k]!));
        if (e <= err[k]!) {
          err[k] = e;
          ans[k] = next[k]!;
        }
      }
      row.push(next);
    }
    for (let k = 0; k < m; k++)
      if (!done[k] && Math.abs(row[i]![k]! - prev[i - 1]![k]!) >= 2 * err[k]!) done[k] = 1;
    if (done.every((x) => x === 1)) break;
    prev = row;
  }
  return ans;
}
