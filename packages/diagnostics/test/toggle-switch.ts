import type { ParametricField } from '../src/index';

/**
 * Gardner's genetic toggle switch du/dt = α1/(1 + vⁿ) − u, dv/dt = α2/(1 + uⁿ) − v with
 * p = [α1, α2] (Gardner, Cantor & Collins 2000, Nature 403). α1 = α2 = α is the symmetric case.
 */
export function toggleSwitch(n: number, p: [number, number]): ParametricField {
  return {
    n: 2,
    p,
    f(_t, y, q, d) {
      d[0] = q[0]! / (1 + y[1]! ** n) - y[0]!;
      d[1] = q[1]! / (1 + y[0]! ** n) - y[1]!;
    },
    jac(_t, y, q, J) {
      const u = y[0]!;
      const v = y[1]!;
      J[0] = -1;
      J[1] = (-q[0]! * n * v ** (n - 1)) / (1 + v ** n) ** 2;
      J[2] = (-q[1]! * n * u ** (n - 1)) / (1 + u ** n) ** 2;
      J[3] = -1;
    },
  };
}

/**
 * Analytic folds in α1 at fixed α2. On the equilibrium curve, parametrized by u, v = α2/(1 + uⁿ)
 * and α1 = u(1 + vⁿ); det(∂f/∂y) = 0 reduces to h(u) = n²(uv)ⁿ/((1 + uⁿ)(1 + vⁿ)) − 1 = 0.
 * Its roots are bracketed on a log grid and bisected to round-off.
 */
export function toggleFolds(n: number, alpha2: number): Array<{ alpha1: number; u: number; v: number }> {
  const vOf = (u: number) => alpha2 / (1 + u ** n);
  const h = (u: number) => {
    const v = vOf(u);
    return (n * n * (u * v) ** n) / ((1 + u ** n) * (1 + v ** n)) - 1;
  };
  const roots: Array<{ alpha1: number; u: number; v: number }> = [];
  let prev = 1e-4;
  for (let k = 1; k <= 6000; k++) {
    const next = 1e-4 * 10 ** (k / 1000);
    if (h(prev) * h(next) < 0) {
      let a = prev;
      let b = next;
      for (let it = 0; it < 200 && b - a > 1e-16 * b; it++) {
        const m = 0.5 * (a + b);
        if (h(a) * h(m) <= 0) b = m;
        else a = m;
      }
      const u = 0.5 * (a + b);
      const v = vOf(u);
      roots.push({ alpha1: u * (1 + v ** n), u, v });
    }
    prev = next;
  }
  return roots;
}
