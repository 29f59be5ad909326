/**
 * Accuracy of fold and Hopf location (acceptance items 2 and 3).
 * Run from the repository root: npx tsx --conditions=source packages/diagnostics/bench/bifurcations.ts
 */
import { continuation, type ParametricField } from '../src/index';
import { toggleFolds, toggleSwitch } from '../test/toggle-switch';

for (const [n, alpha2, x0, hi] of [
  [2, 4, [0.2, 3.5], 8],
  [3, 3, [0.1, 2.9], 12],
] as const) {
  for (const analyticJac of [true, false]) {
    const field = toggleSwitch(n, [1, alpha2]);
    if (!analyticJac) field.jac = undefined;
    const t0 = performance.now();
    const branch = continuation(field, { index: 0, x0, range: [0.5, hi] });
    const ms = performance.now() - t0;
    const folds = branch.special
      .filter((s) => s.type === 'fold')
      .map((s) => s.p)
      .sort((a, b) => a - b);
    const exact = toggleFolds(n, alpha2)
      .map((f) => f.alpha1)
      .sort((a, b) => a - b);
    const labels = branch.points
      .map((p) => p.stability[0])
      .join('')
      .replace(/(.)\1+/g, '$1');
    console.log(
      `toggle n=${n} α2=${alpha2} jac=${analyticJac ? 'analytic' : 'finite-diff'}: folds α1 = ${folds.map((f) => f.toFixed(10)).join(', ')}; ` +
        `analytic ${exact.map((f) => f.toFixed(10)).join(', ')}; max error ${Math.max(...folds.map((f, i) => Math.abs(f - exact[i]!))).toExponential(2)}; ` +
        `stability along branch ${labels} (s = stable, u = unstable); ${branch.points.length} points, ${ms.toFixed(1)} ms`,
    );
  }
}

for (const a of [1, 1.5, 2]) {
  const brusselator: ParametricField = {
    n: 2,
    p: [a, 1],
    f(_t, y, q, d) {
      d[0] = q[0]! - (q[1]! + 1) * y[0]! + y[0]! * y[0]! * y[1]!;
      d[1] = q[1]! * y[0]! - y[0]! * y[0]! * y[1]!;
    },
  };
  const t0 = performance.now();
  const branch = continuation(brusselator, { index: 1, x0: [a, 1 / a], range: [1, 1 + a * a + 2] });
  const ms = performance.now() - t0;
  const hopf = branch.special.filter((s) => s.type === 'hopf');
  console.log(
    `brusselator a=${a}: Hopf b = ${hopf.map((h) => h.p.toFixed(12)).join(', ')}; exact ${1 + a * a}; error ${hopf.map((h) => Math.abs(h.p - 1 - a * a).toExponential(2)).join(', ')}; ω = ${hopf.map((h) => h.omega?.toFixed(9)).join(', ')} (exact ${a}); ${ms.toFixed(1)} ms`,
  );
}

// Symmetric toggle switch (α1 = α2 = α, n = 2): the bistable range starts at a pitchfork, α = 2.
const base = toggleSwitch(2, [1, 1]);
const symmetric: ParametricField = {
  n: 2,
  p: [1],
  f: (t, y, q, d) => base.f(t, y, Float64Array.of(q[0]!, q[0]!), d),
};
const sym = continuation(symmetric, { index: 0, x0: [0.7, 0.7], range: [0.5, 4] });
for (const s of sym.special) {
  console.log(
    `symmetric toggle n=2: ${s.type} at α = ${s.p.toFixed(12)}; exact 2; error ${Math.abs(s.p - 2).toExponential(2)}`,
  );
}
