/**
 * Acceptance 2: gradient error against solver tolerance for every mode (the bias of the
 * continuous adjoints versus the exactness of 'discrete' for its own computed solution).
 * Error = largest componentwise relative error of (dp, dy0) against forward sensitivities at rtol 1e-12.
 * Run from the repository root: npx tsx --conditions=source packages/adjoint/bench/tolerance-study.ts
 */
import type { MethodName } from '@kinetica/ode-core';
import { odeGradient } from '../src/index';
import type { GradientModel, Observations } from '../src/types';
import { lotkaVolterra, quadraticLoss, robertson } from '../test/models';

const RTOLS = [1e-4, 1e-6, 1e-8, 1e-10];
const MODES = ['discrete', 'backsolve', 'interpolating', 'checkpointed', 'forward'] as const;

function relErr(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!));
  return m;
}

function study(
  title: string,
  model: GradientModel,
  obs: Observations,
  methods: MethodName[],
  atolOf: (rtol: number) => number,
  refMethod: MethodName,
  refAtol: number,
) {
  const ref = odeGradient(model, obs, {
    method: refMethod,
    mode: 'forward',
    rtol: 1e-12,
    atol: refAtol,
    adjointAtol: 1e-12,
  });
  console.log(`\n### ${title}\n`);
  console.log(`| method | mode | ${RTOLS.map((r) => `rtol ${r.toExponential(0)}`).join(' | ')} |`);
  console.log(`|---|---|${RTOLS.map(() => '---').join('|')}|`);
  for (const method of methods) {
    for (const mode of MODES) {
      const cells = RTOLS.map((rtol) => {
        const g = odeGradient(model, obs, {
          method,
          mode,
          rtol,
          atol: atolOf(rtol),
          adjointAtol: atolOf(rtol),
        });
        if (g.status !== 'success') return 'failed';
        const ref2 = new Float64Array([...ref.dp, ...ref.dy0]);
        return relErr(new Float64Array([...g.dp, ...g.dy0]), ref2).toExponential(1);
      });
      console.log(`| ${method} | ${mode} | ${cells.join(' | ')} |`);
    }
  }
}

study(
  'Lotka–Volterra, 4 parameters, observations at t = 0.5, 1, 2, 3.5, 5 (atol = rtol/100)',
  lotkaVolterra(),
  quadraticLoss([0.5, 1, 2, 3.5, 5], 2),
  ['dopri5', 'tsit5'],
  (r) => r * 1e-2,
  'dopri5',
  1e-14,
);
study(
  'Robertson, 3 rate constants, observations at t = 1, 10, 100, 1000, 1e4 (atol = rtol·1e-4)',
  robertson(),
  quadraticLoss([1, 10, 100, 1000, 1e4], 3, [1, 1e4, 1]),
  ['radau5', 'bdf', 'rodas5'],
  (r) => r * 1e-4,
  'radau5',
  1e-16,
);
