/**
 * Work against accuracy between steps: radau5, bdf and rodas5 on the stiff test set at
 * rtol = 1e-4 … 1e-10 (atol as the test set prescribes, otherwise atol = rtol), scored by the
 * worst mescd over 45 output times per problem (`intermediateTimes(t0, t1, 40)`: the ten of
 * testset-intermediate.ts and 35 more evenly spaced ones) read from the dense output, with f
 * calls. References: radau5 at rtol 1e-13 and atol a millionth of the scoring one. Each cell is
 * "digits/f calls".
 *
 *   npx tsx --conditions=source packages/solvers-stiff/bench/intermediate-work-precision.ts [method ...]
 */
import { intermediateTimes, mescd, solve, testProblems } from '../src/index';

const methods = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['radau5', 'bdf', 'rodas5'];
const exponents = [4, 5, 6, 7, 8, 9, 10];

for (const method of methods) {
  console.log(`\n${method}\n`);
  console.log(`| problem | ${exponents.map((e) => `rtol 1e-${e}`).join(' | ')} |`);
  console.log(`|---|${exponents.map(() => '---|').join('')}`);
  for (const tp of Object.values(testProblems)) {
    const [t0, t1] = tp.problem.tspan as [number, number];
    // 40 evenly spaced times and the five log-spaced ones: the ten of testset-intermediate.ts among them.
    const times = intermediateTimes(t0, t1, 40);
    const scoreAtol = tp.atol ?? 1e-7;
    const ref = solve(tp.problem, {
      method: 'radau5',
      rtol: 1e-13,
      atol: scoreAtol * 1e-6,
      saveAt: times,
      maxSteps: 10_000_000,
    });
    const cells: string[] = [];
    for (const e of exponents) {
      const rtol = 10 ** -e;
      const atol = tp.atol ?? rtol;
      const sol = solve(tp.problem, {
        method: method as 'bdf',
        rtol,
        atol,
        saveAt: times,
        maxSteps: 1_000_000,
      });
      if (sol.status !== 'success' || ref.status !== 'success') {
        cells.push('failed');
        continue;
      }
      const worst = Math.min(...times.map((_, k) => mescd(sol.y[k]!, ref.y[k]!, atol, rtol)));
      cells.push(`${worst.toFixed(2)}/${sol.stats.nfev}`);
    }
    console.log(`| ${tp.name} | ${cells.join(' | ')} |`);
  }
}
