/**
 * Work against accuracy between steps: radau5, bdf and rodas5 on the stiff test set at
 * rtol = 1e-4 … 1e-10 (atol as the test set prescribes, otherwise atol = rtol), scored by the
 * worst mescd over 50 output times per problem (the eleven of testset-intermediate.ts and 39
 * evenly spaced ones) read from the dense output, with f calls. References: radau5 at rtol 1e-13
 * and atol a millionth of the scoring one. Each cell is "digits/f calls".
 *
 *   npx tsx --conditions=source packages/solvers-stiff/bench/intermediate-work-precision.ts [method ...]
 */
import { mescd, solve, testProblems } from '../src/index';

const methods = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['radau5', 'bdf', 'rodas5'];
const exponents = [4, 5, 6, 7, 8, 9, 10];

function outputTimes(t0: number, t1: number): number[] {
  const ts = new Set<number>();
  for (let k = 1; k <= 5; k++) ts.add(t0 + ((t1 - t0) * k) / 5);
  for (let k = 0; k < 5; k++) ts.add(t0 + (t1 - t0) * 10 ** (-6 + (6 * k) / 5));
  for (let k = 1; k < 40; k++) ts.add(t0 + ((t1 - t0) * k) / 40);
  ts.add(t1);
  return [...ts].sort((a, b) => a - b);
}

for (const method of methods) {
  console.log(`\n${method}\n`);
  console.log(`| problem | ${exponents.map((e) => `rtol 1e-${e}`).join(' | ')} |`);
  console.log(`|---|${exponents.map(() => '---|').join('')}`);
  for (const tp of Object.values(testProblems)) {
    const [t0, t1] = tp.problem.tspan as [number, number];
    const times = outputTimes(t0, t1);
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
