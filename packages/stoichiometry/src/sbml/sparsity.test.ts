import type { ODEProblem, Solution, SolveOptions } from '@kinetica/ode-core';
import { solve as stiffSolve } from '@kinetica/solvers-stiff';
import { describe, expect, it } from 'vitest';
import { reversibleChainSbml } from '../../bench/sbml-chain-model';
import { apply, ci, math, sbmlDocument } from '../../test/support/sbml-builder';
import { readSbml } from './document';
import { compileSbml, type SbmlOde } from './ode-model';
import type { SbmlSettings } from './settings';
import { simulateSbml } from './simulate';

const species = (id: string, amount: number, extra = ''): string =>
  `<species id="${id}" compartment="V" initialAmount="${amount}" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false" ${extra}/>`;
const reaction = (id: string, from: string, to: string, law: string): string => `
  <reaction id="${id}" reversible="false">
    <listOfReactants><speciesReference species="${from}" stoichiometry="1" constant="true"/></listOfReactants>
    <listOfProducts><speciesReference species="${to}" stoichiometry="1" constant="true"/></listOfProducts>
    <kineticLaw>${math(law)}</kineticLaw>
  </reaction>`;

/** A → C at k·total with the assignment rule total = A + B; C → B at k2·C; a rate rule p' = C − p. */
const ruleModel = sbmlDocument(`
  <listOfCompartments><compartment id="V" size="2" constant="true"/></listOfCompartments>
  <listOfSpecies>${species('A', 3)}${species('B', 1)}${species('C', 0)}</listOfSpecies>
  <listOfParameters>
    <parameter id="k" value="0.5" constant="true"/>
    <parameter id="k2" value="0.25" constant="true"/>
    <parameter id="total" constant="false"/>
    <parameter id="p" value="0" constant="false"/>
  </listOfParameters>
  <listOfRules>
    <assignmentRule variable="total">${math(apply('plus', ci('A'), ci('B')))}</assignmentRule>
    <rateRule variable="p">${math(apply('minus', ci('C'), ci('p')))}</rateRule>
  </listOfRules>
  <listOfReactions>
    ${reaction('R1', 'A', 'C', apply('times', ci('k'), ci('total')))}
    ${reaction('R2', 'C', 'B', apply('times', ci('k2'), ci('C')))}
  </listOfReactions>`);

/** The largest absolute difference between two tables of the same shape. */
function maxDifference(a: number[][], b: number[][]): number {
  expect(a.map((r) => r.length)).toEqual(b.map((r) => r.length));
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    for (let j = 0; j < a[i]!.length; j++) worst = Math.max(worst, Math.abs(a[i]![j]! - b[i]![j]!));
  return worst;
}

const rows = (ode: SbmlOde): number[][] => ode.jacSparsity.map((r) => Array.from(r));

/**
 * The entries of a forward-difference Jacobian at a point away from 0 that are nonzero: each must be
 * in the pattern (the pattern may hold more: structural, not numerical, zeros).
 */
function numericalNonzeros(ode: SbmlOde): number[][] {
  const n = ode.y0.length;
  const y = Float64Array.from({ length: n }, (_, k) => 0.3 + 0.1 * ((k * 7) % 5));
  const f0 = new Float64Array(n);
  const f1 = new Float64Array(n);
  ode.f(0.1, y, f0);
  const out: number[][] = Array.from({ length: n }, () => []);
  for (let j = 0; j < n; j++) {
    const yj = y[j]!;
    y[j] = yj + 1e-6;
    ode.f(0.1, y, f1);
    y[j] = yj;
    for (let i = 0; i < n; i++) if (f1[i] !== f0[i]) out[i]!.push(j);
  }
  return out;
}

function expectCovered(ode: SbmlOde): void {
  const pattern = rows(ode);
  numericalNonzeros(ode).forEach((cols, i) => {
    for (const j of cols) expect(pattern[i], `row ${i} lacks column ${j}`).toContain(j);
  });
}

describe('the sparsity pattern of the Jacobian of an SBML model', () => {
  it('is tridiagonal for a reversible mass-action chain', () => {
    const ode = compileSbml(readSbml(reversibleChainSbml(5)));
    expect(ode.stateNames).toEqual(['S1', 'S2', 'S3', 'S4', 'S5']);
    expect(rows(ode)).toEqual([
      [0, 1],
      [0, 1, 2],
      [1, 2, 3],
      [2, 3, 4],
      [3, 4],
    ]);
    expectCovered(ode);
  });

  it('follows assignment rules into rates, and rate rules', () => {
    const ode = compileSbml(readSbml(ruleModel));
    expect(ode.stateNames).toEqual(['A', 'B', 'C', 'p']);
    // A' = −R1(A, B); B' = R2(C); C' = R1(A, B) − R2(C); p' = C − p.
    expect(rows(ode)).toEqual([[0, 1], [2], [0, 1, 2], [2, 3]]);
    expectCovered(ode);
  });

  it('follows rateOf, and gives a dense row to a derivative that reads a delay', () => {
    const rateOf = `<apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf">rateOf</csymbol>${ci('A')}</apply>`;
    const delayOfA = `<apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/delay">delay</csymbol>${ci('A')}<cn>0.5</cn></apply>`;
    const model = (rule: string): SbmlOde =>
      compileSbml(
        readSbml(
          sbmlDocument(`
            <listOfCompartments><compartment id="V" size="1" constant="true"/></listOfCompartments>
            <listOfSpecies>${species('A', 1)}${species('B', 0)}${species('C', 0)}</listOfSpecies>
            <listOfParameters>
              <parameter id="q" value="0" constant="false"/>
            </listOfParameters>
            <listOfRules><rateRule variable="q">${math(rule)}</rateRule></listOfRules>
            <listOfReactions>
              ${reaction('R1', 'A', 'B', apply('times', ci('A'), ci('C')))}
              ${reaction('R2', 'B', 'C', ci('B'))}
            </listOfReactions>`),
        ),
      );
    // rateOf(A) = −R1 reads A and C.
    expect(rows(model(rateOf))).toEqual([[0, 2], [0, 1, 2], [1], [0, 2]]);
    expectCovered(model(rateOf));
    // q' = delay(A, 0.5): the history is not analysed, so q's row is dense.
    expect(rows(model(delayOfA))).toEqual([[0, 2], [0, 1, 2], [1], [0, 1, 2, 3]]);
  });
});

describe('simulateSbml with the sparsity pattern', () => {
  const settings = (variables: string[], duration: number): SbmlSettings => ({
    start: 0,
    duration,
    steps: 10,
    variables,
    absolute: 1e-10,
    relative: 1e-6,
    amount: [],
    concentration: [],
  });

  /** The solves a simulation makes, with whether each had a pattern. */
  const spy = (): { solve: (p: ODEProblem, o?: SolveOptions) => Solution; patterns: boolean[] } => {
    const patterns: boolean[] = [];
    return {
      patterns,
      solve: (p, o) => {
        patterns.push(p.jacSparsity !== undefined);
        return stiffSolve(p, o);
      },
    };
  };

  it('gives the results it gives without, on a chain of 300 species (banded LU) and a small model', () => {
    const chain = reversibleChainSbml(300);
    const names = Array.from({ length: 300 }, (_, k) => `S${k + 1}`);
    for (const [sbml, s] of [
      [chain, settings(names, 20)],
      [ruleModel, settings(['A', 'B', 'C', 'p', 'total'], 5)],
    ] as const) {
      for (const method of ['bdf', 'radau5', 'rodas5'] as const) {
        const withPattern = spy();
        const withoutPattern = spy();
        const a = simulateSbml(sbml, s, { method, sparsity: true, solve: withPattern.solve });
        const b = simulateSbml(sbml, s, { method, sparsity: false, solve: withoutPattern.solve });
        expect(withPattern.patterns).toEqual([true]);
        expect(withoutPattern.patterns).toEqual([false]);
        expect(a.status).toBe('success');
        expect(b.status).toBe('success');
        expect(maxDifference(a.rows, b.rows)).toBeLessThan(1e-7);
      }
    }
    // The chain conserves its total amount.
    const last = simulateSbml(chain, settings(names, 20)).rows.at(-1)!;
    expect(last.slice(1).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
  });

  it('passes the pattern to every piece of a simulation with events, from 16 states on by default', () => {
    const names = Array.from({ length: 20 }, (_, k) => `S${k + 1}`);
    const event = `<listOfEvents><event id="E" useValuesFromTriggerTime="true">
      <trigger initialValue="false" persistent="true">${math(apply('gt', '<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol>', '<cn>2</cn>'))}</trigger>
      <listOfEventAssignments><eventAssignment variable="S20">${math('<cn>1</cn>')}</eventAssignment></listOfEventAssignments>
    </event></listOfEvents>`;
    const sbml = reversibleChainSbml(20).replace('</listOfReactions>', `</listOfReactions>${event}`);
    const s = settings(names, 5);
    const spied = spy();
    const a = simulateSbml(sbml, s, { solve: spied.solve });
    expect(a.status).toBe('success');
    expect(spied.patterns.length).toBeGreaterThan(1);
    expect(spied.patterns.every((p) => p)).toBe(true);
    const b = simulateSbml(sbml, s, { sparsity: false });
    expect(a.rows).toHaveLength(b.rows.length);
    expect(maxDifference(a.rows, b.rows)).toBeLessThan(1e-7);
    // Below 16 states, no pattern unless asked for.
    const small = spy();
    simulateSbml(reversibleChainSbml(15), settings(['S1'], 1), { solve: small.solve });
    expect(small.patterns).toEqual([false]);
  });

  it('reads all variables of a row in one evaluation, as the single readers do', () => {
    const ode = compileSbml(readSbml(ruleModel));
    const requests = [
      { symbol: 'A', kind: 'amount' },
      { symbol: 'B', kind: 'concentration' },
      { symbol: 'total', kind: 'value' },
      { symbol: 'R1', kind: 'value' },
      { symbol: 'p', kind: 'value' },
    ] as const;
    const y = Float64Array.from([1.5, 0.7, 0.2, 3]);
    const out = new Float64Array(requests.length + 2);
    ode.readers(requests)(0.5, y, out, 2);
    expect(Array.from(out.subarray(2))).toEqual(
      requests.map(({ symbol, kind }) => ode.reader(symbol, kind)(0.5, y)),
    );
    expect(() => ode.readers([{ symbol: 'nope', kind: 'value' }])).toThrow(/cannot report "nope"/);
  });
});
