/**
 * Why 'backsolve' cannot meet acceptance 1 on Robertson, in three measurements.
 *  A. backsolve itself at several tolerances with radau5, bdf and rodas5.
 *  B. The state alone integrated backwards over each observation interval from the stored forward
 *     state: success or failure, and its relative error against the forward state at the left end.
 *  C. Where the gradient error comes from: the adjoint (rtol 1e-10) integrated against the
 *     backward-reconstructed state of B (state tolerance 1e-8, which succeeds), with the true
 *     forward state substituted on [0, τ]. Also the exponent ∫|λ_fast| dt by which the backward
 *     flow amplifies a perturbation of y(1) on its way back to t.
 * Run from the repository root: npx tsx --conditions=source packages/adjoint/bench/backsolve-stiff.ts
 */
import type { Solution, StiffMethodName } from '@kinetica/ode-core';
import { adjointSystem } from '../src/continuous/adjoint-systems';
import { backwardIntegrator } from '../src/continuous/backward-sweep';
import { solve } from '@kinetica/solvers-stiff';
import { forwardSolve } from '../src/forward-solve';
import { odeGradient } from '../src/index';
import { resolveProblem } from '../src/problem';
import { newResult } from '../src/result';
import { maxRelErr as relErr } from '../test/compare';
import { quadraticLoss, robertson } from '../test/models';

const P = [0.04, 3e7, 1e4];
const TIMES = [1, 10, 100, 1000, 1e4];
const obs = quadraticLoss(TIMES, 3, [1, 1e4, 1]);
const METHODS: StiffMethodName[] = ['radau5', 'bdf', 'rodas5'];
const ref = odeGradient(robertson(P), obs, {
  method: 'radau5',
  mode: 'forward',
  rtol: 1e-12,
  atol: 1e-16,
  adjointAtol: 1e-12,
});

console.log('\n### A. backsolve on Robertson (atol = rtol·1e-4)\n');
console.log('| method | rtol | status |');
console.log('|---|---|---|');
for (const method of METHODS) {
  for (const rtol of [1e-6, 1e-8, 1e-10]) {
    const g = odeGradient(robertson(P), obs, { method, mode: 'backsolve', rtol, atol: rtol * 1e-4 });
    console.log(
      `| ${method} | ${rtol.toExponential(0)} | ${g.status === 'success' ? 'success' : g.message} |`,
    );
  }
}

const prob = (method: StiffMethodName) =>
  resolveProblem(robertson(P), obs, {
    method,
    mode: 'backsolve',
    rtol: 1e-10,
    atol: 1e-14,
    adjointAtol: 1e-10,
  });
const fwd = (method: StiffMethodName, dense: boolean): Solution => {
  const pr = prob(method);
  return forwardSolve(
    pr,
    0,
    pr.y0,
    1e4,
    { saveAt: Float64Array.from([0, ...TIMES]), dense },
    newResult(pr, 'backsolve').stats,
  );
};

/** The state alone, backwards from the stored y(times[k]) to times[k−1] (or 0). */
function backState(method: StiffMethodName, fw: Solution, k: number, rtol: number): Solution {
  const pr = prob(method);
  const lo = k > 0 ? TIMES[k - 1]! : 0;
  const { f, jac } = pr.model;
  return solve(
    { f, p: pr.p, y0: fw.y[k + 1]!, tspan: [TIMES[k]!, lo], ...(jac ? { jac } : {}) },
    { method, rtol, atol: rtol * 1e-4, dense: true, saveAt: [lo] },
  );
}

console.log(
  '\n### B. The state alone, integrated backwards over each interval (forward state at rtol 1e-10)\n',
);
console.log(
  'Relative error at the left end against the stored forward state, or the failure; atol = rtol·1e-4.\n',
);
console.log(
  `| method | state rtol | ${TIMES.map((t, k) => `${t} → ${k > 0 ? TIMES[k - 1] : 0}`)
    .reverse()
    .join(' | ')} |`,
);
console.log(`|---|---|${TIMES.map(() => '---').join('|')}|`);
for (const method of METHODS) {
  const fw = fwd(method, false);
  for (const rtol of [1e-10, 1e-8]) {
    const cells: string[] = [];
    for (let k = TIMES.length - 1; k >= 0; k--) {
      const s = backState(method, fw, k, rtol);
      if (s.status !== 'success') {
        cells.push(s.message.replace(/ \(.*\)$/, ''));
        continue;
      }
      const y = s.y[s.y.length - 1]!;
      // y(0) = (1, 0, 0): the error there is absolute.
      const e = k > 0 ? relErr(y, fw.y[k]!) : Math.max(...y.map((v, i) => Math.abs(v - fw.y[0]![i]!)));
      cells.push(`${e.toExponential(1)}${k > 0 ? '' : ' (abs.)'}`);
    }
    console.log(`| ${method} | ${rtol.toExponential(0)} | ${cells.join(' | ')} |`);
  }
}

console.log('\n### C. Adjoint against the backward-reconstructed state; true state on [0, τ]\n');
console.log('| state method | τ | dp error | dy0 error | reconstructed y(0) |');
console.log('|---|---|---|---|---|');
for (const method of ['radau5', 'rodas5'] as const) {
  const fw = fwd(method, true);
  for (const tau of [0, 1e-3, 1e-2]) {
    const pr = prob(method);
    const stats = newResult(pr, 'backsolve').stats;
    let yAt: (t: number, out: Float64Array) => void = () => {};
    const integ = backwardIntegrator(
      pr,
      adjointSystem(pr, stats, (t, out) => yAt(t, out)),
      new Float64Array(3).fill(1e-10),
      stats,
    );
    const a = new Float64Array(3);
    const q = new Float64Array(3);
    const g = new Float64Array(3);
    let y0Back = '';
    for (let k = TIMES.length - 1; k >= 0; k--) {
      obs.lossGrad(k, fw.y[k + 1]!, g);
      for (let j = 0; j < 3; j++) a[j]! += g[j];
      const s = backState(method, fw, k, 1e-8);
      if (s.status !== 'success') throw new Error(s.message);
      const back = s.at!;
      yAt = k > 0 || tau === 0 ? back : (t, out) => (t < tau ? fw.at!(t, out) : back(t, out));
      if (k === 0) y0Back = Array.from(s.y[s.y.length - 1]!, (v) => v.toExponential(2)).join(', ');
      const r = integ.run(TIMES[k]!, k > 0 ? TIMES[k - 1]! : 0, a, q, 0);
      if (!r.ok) throw new Error(r.message);
    }
    const dp = q.map((v) => -v);
    console.log(
      `| ${method} | ${tau} | ${relErr(dp, ref.dp).toExponential(1)} | ${relErr(a, ref.dy0).toExponential(1)} | ${y0Back} |`,
    );
  }
}

// ∫_t^1 |λ_fast| ds along the forward solution: λ² − tr(J)·λ + M₂ = 0 (det J = 0: y1 + y2 + y3 is conserved).
const fw = fwd('radau5', true);
const y = new Float64Array(3);
const J = new Float64Array(9);
const lamFast = (t: number) => {
  fw.at!(t, y);
  robertson(P).jac!(t, y, Float64Array.from(P), J);
  const tr = J[0]! + J[4]! + J[8]!;
  const m2 = J[0]! * J[4]! - J[1]! * J[3]! + J[0]! * J[8]! - J[2]! * J[6]! + J[4]! * J[8]! - J[5]! * J[7]!;
  return Math.abs((tr - Math.sqrt(tr * tr - 4 * m2)) / 2);
};
console.log('\nExponent of the backward amplification from t = 1 down to t (midpoint rule, 20000 points):\n');
for (const t of [0.5, 0.1, 1e-2, 1e-3]) {
  const N = 20000;
  let s = 0;
  for (let i = 0; i < N; i++) s += lamFast(t + ((i + 0.5) * (1 - t)) / N) * ((1 - t) / N);
  console.log(`- t = ${t}: ∫|λ_fast| = ${s.toFixed(0)} (|λ_fast(t)| = ${lamFast(t).toExponential(2)})`);
}
