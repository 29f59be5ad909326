import { describe, expect, it } from 'vitest';
import { math, sbmlDocument } from '../../test/support/sbml-builder';
import { readSbml } from './document';
import { compileSbml } from './ode-model';
import { SbmlUnsupportedError } from './errors';
import { formatResultCsv, parseResultCsv } from './results-table';
import { parseSettings } from './settings';
import { simulateSbml } from './simulate';

/** A → B at rate k·A·V in a compartment of volume 2, A reported as amount, B as concentration. */
const decay = sbmlDocument(`
    <listOfCompartments><compartment id="V" size="2" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="V" initialConcentration="3" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
      <species id="B" compartment="V" initialAmount="0" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters>
      <parameter id="k" value="0.5" constant="true"/>
      <parameter id="total" constant="false"/>
    </listOfParameters>
    <listOfRules>
      <assignmentRule variable="total">${math('<apply><plus/><ci>A</ci><ci>B</ci></apply>')}</assignmentRule>
    </listOfRules>
    <listOfReactions>
      <reaction id="R" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="B" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw>${math('<apply><times/><ci>k</ci><ci>A</ci><ci>V</ci></apply>')}</kineticLaw>
      </reaction>
    </listOfReactions>`);

const settingsText = `start: 0
duration: 4
steps: 4
variables: A, B, total
absolute: 1e-8
relative: 1e-6
amount: A
concentration: B
`;

describe('simulateSbml', () => {
  it('matches the analytic solution, with amounts, concentrations and assignment rules', () => {
    const sim = simulateSbml(decay, settingsText);
    expect(sim.status).toBe('success');
    expect(sim.header).toEqual(['time', 'A', 'B', 'total']);
    sim.rows.forEach(([t, a, b, total], i) => {
      expect(t).toBe(i);
      const conc = 3 * Math.exp(-0.5 * t!);
      expect(a).toBeCloseTo(2 * conc, 7); // amount = concentration · volume
      expect(b).toBeCloseTo(3 - conc, 7);
      expect(total).toBeCloseTo(3, 7); // symbols in rules are concentrations
    });
  });

  it('writes and re-reads the suite layout', () => {
    const sim = simulateSbml(decay, settingsText);
    const csv = formatResultCsv(sim);
    expect(csv.split('\n')[0]).toBe('time,A,B,total');
    expect(parseResultCsv(csv).rows).toEqual(sim.rows);
    expect(parseResultCsv('time,x\n0,INF\n1,NaN\n').rows[1]![1]).toBeNaN();
  });

  it('parses the settings file', () => {
    expect(parseSettings(settingsText)).toEqual({
      start: 0,
      duration: 4,
      steps: 4,
      variables: ['A', 'B', 'total'],
      absolute: 1e-8,
      relative: 1e-6,
      amount: ['A'],
      concentration: ['B'],
    });
    expect(() => parseSettings('duration: 1\nsteps: 0\nvariables: x')).toThrow(
      /steps must be a positive integer/,
    );
  });
});

describe('compileSbml', () => {
  it('refuses assignment rules that depend on each other in a cycle, naming a symbol on it', () => {
    const cyclic = sbmlDocument(`
    <listOfParameters><parameter id="a" constant="false"/><parameter id="b" constant="false"/></listOfParameters>
    <listOfRules>
      <assignmentRule variable="a">${math('<apply><plus/><ci>b</ci><cn>1</cn></apply>')}</assignmentRule>
      <assignmentRule variable="b">${math('<ci>a</ci>')}</assignmentRule>
    </listOfRules>`);
    expect(() => compileSbml(readSbml(cyclic))).toThrow(/cycle through "(a|b)"/);
  });

  it('reports a solver failure as a value', () => {
    const sim = simulateSbml(decay, settingsText, {
      method: 'dopri5',
      rtol: 1e-6,
      atol: 1e-9,
      solve: (p, o) => ({
        status: 'failed',
        message: 'step size underflow at t=1',
        t: Float64Array.of(0),
        y: [Float64Array.from(p.y0)],
        stats: { nfev: 0, njev: 0, nlu: 0, nsteps: 0, naccept: 0, nreject: 0 },
        events: [],
        method: o?.method ?? '',
      }),
    });
    expect(sim.status).toBe('failed');
    expect(sim.message).toContain('t=1');
    expect(sim.rows).toHaveLength(1);
  });
});

describe('readSbml refusals', () => {
  const refused = (body: string, element: string, attrs = ''): void => {
    let error: unknown;
    try {
      readSbml(sbmlDocument(body, attrs));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SbmlUnsupportedError);
    expect((error as SbmlUnsupportedError).element).toBe(element);
    expect((error as Error).message).toContain(`<${element}>`);
  };
  it('refuses constraints, fast reactions, stoichiometryMath and packages by name', () => {
    refused(`<listOfConstraints><constraint/></listOfConstraints>`, 'constraint');
    refused(
      `<listOfReactions><reaction id="r" reversible="false" fast="true"/></listOfReactions>`,
      'reaction',
    );
    refused(
      `<listOfReactions><reaction id="r" reversible="false"><listOfReactants><speciesReference species="A"><stoichiometryMath/></speciesReference></listOfReactants></reaction></listOfReactions>`,
      'stoichiometryMath',
    );
    refused(
      '',
      'sbml',
      'xmlns:fbc="http://www.sbml.org/sbml/level3/version1/fbc/version2" fbc:required="false"',
    );
  });
  it('refuses Level 1 and malformed XML with one-line errors', () => {
    expect(() => readSbml('<sbml level="1" version="2"><model/></sbml>')).toThrow(SbmlUnsupportedError);
    expect(() => readSbml('<sbml level="3" version="2"><model>')).toThrow(/SBML/);
    expect(() => readSbml('<notsbml/>')).toThrow(/root element is <notsbml>/);
  });
});
