import { describe, expect, it } from 'vitest';
import { compileMath } from './compile-math';
import { SbmlUnsupportedError } from './errors';
import { type MathNode, readMath } from './math-tree';
import { parseXml } from './xml';

const names = ['x', 'y', 'z'];
function evaluate(
  content: string,
  values: number[] = [2, 3, -1],
  functions = new Map<string, { params: string[]; body: MathNode }>(),
): number {
  const node = readMath(
    parseXml(`<math xmlns="http://www.w3.org/1998/Math/MathML">${content}</math>`, 'test'),
    'test',
  );
  const ev = compileMath(node, {
    slot(name) {
      const k = names.indexOf(name);
      if (k < 0) throw new TypeError(`unknown symbol ${name}`);
      return k;
    },
    timeSlot: 3,
    functions,
    where: 'test',
  });
  return ev(Float64Array.from([...values, 0.25]));
}
const apply = (op: string, ...args: string[]): string => `<apply><${op}/>${args.join('')}</apply>`;
const ci = (n: string): string => `<ci> ${n} </ci>`;
const cn = (v: number | string, type?: string): string =>
  type ? `<cn type="${type}"> ${v} </cn>` : `<cn> ${v} </cn>`;

describe('MathML', () => {
  it('evaluates arithmetic, n-ary operators and number types', () => {
    expect(evaluate(apply('plus', ci('x'), ci('y'), ci('z')))).toBe(4);
    expect(evaluate(apply('times'))).toBe(1);
    expect(evaluate(apply('minus', ci('x')))).toBe(-2);
    expect(evaluate(apply('divide', ci('y'), ci('x')))).toBe(1.5);
    expect(evaluate(apply('power', ci('x'), cn(10, 'integer')))).toBe(1024);
    expect(evaluate('<cn type="e-notation"> 1.5 <sep/> -3 </cn>')).toBeCloseTo(1.5e-3, 18);
    expect(evaluate('<cn type="rational"> 3 <sep/> 4 </cn>')).toBe(0.75);
    expect(evaluate(`<apply><root/><degree>${cn(3)}</degree>${cn(-8)}</apply>`)).toBeCloseTo(-2, 14);
    expect(evaluate(`<apply><log/><logbase>${cn(2)}</logbase>${cn(8)}</apply>`)).toBeCloseTo(3, 14);
    expect(evaluate(apply('log', cn(1000)))).toBeCloseTo(3, 14);
    expect(evaluate(apply('factorial', cn(5)))).toBe(120);
    expect(evaluate(apply('rem', cn(-7), cn(3)))).toBe(-1);
    expect(evaluate(apply('quotient', cn(-7), cn(3)))).toBe(-2);
    expect(evaluate(apply('max', ci('x'), ci('y'), ci('z')))).toBe(3);
    expect(evaluate(apply('arccot', cn(1)))).toBeCloseTo(Math.PI / 4, 15);
    expect(
      evaluate(
        '<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time"> t </csymbol>',
      ),
    ).toBe(0.25);
    expect(evaluate('<pi/>')).toBe(Math.PI);
  });

  it('evaluates relations, logic and piecewise', () => {
    expect(evaluate(apply('lt', ci('z'), ci('x'), ci('y')))).toBe(1);
    expect(evaluate(apply('lt', ci('x'), ci('z')))).toBe(0);
    expect(evaluate(apply('xor', '<true/>', '<true/>', '<true/>'))).toBe(1);
    expect(evaluate(apply('implies', '<false/>', '<false/>'))).toBe(1);
    const pw = `<piecewise><piece>${ci('x')}${apply('gt', ci('z'), cn(0))}</piece><otherwise>${ci('y')}</otherwise></piecewise>`;
    expect(evaluate(pw)).toBe(3);
    expect(evaluate(pw, [2, 3, 1])).toBe(2);
  });

  it('inlines function definitions with their own arguments', () => {
    const fns = new Map([
      [
        'sq_plus',
        {
          params: ['a', 'b'],
          body: readMath(
            parseXml(`<math>${apply('plus', apply('times', ci('a'), ci('a')), ci('b'))}</math>`, 't'),
            't',
          ),
        },
      ],
    ]);
    expect(evaluate(`<apply><ci> sq_plus </ci>${ci('y')}${cn(1)}</apply>`, [2, 3, -1], fns)).toBe(10);
  });

  it('refuses delay without a history (bare compileMath) and unknown elements by name, and treats symbol text as a name, never as code', () => {
    const delay = `<apply><csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/delay"> delay </csymbol>${ci('x')}${cn(1)}</apply>`;
    expect(() => evaluate(delay)).toThrow(SbmlUnsupportedError);
    expect(() => evaluate(delay)).toThrow(/delay/);
    expect(() => evaluate('<apply><diff/><ci> x </ci></apply>')).toThrow(/<diff>/);
    expect(() => evaluate(ci('process.exit(1)'))).toThrow(/unknown symbol process.exit\(1\)/);
    expect(() => evaluate(apply('divide', cn(1)))).toThrow(/<divide> takes 2..2 arguments, got 1/);
  });

  it('reads rateOf as a node of its own, compiled only where the model provides rates', () => {
    const csym =
      '<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/rateOf">y</csymbol>';
    const read = (content: string): MathNode => readMath(parseXml(`<math>${content}</math>`, 'test'), 'test');
    expect(read(`<apply>${csym}${ci('x')}</apply>`)).toEqual({
      type: 'rateOf',
      arg: { type: 'symbol', name: 'x' },
    });
    expect(() => read(`<apply>${csym}${ci('x')}${ci('y')}</apply>`)).toThrow(
      /rateOf takes one argument, got 2/,
    );
    expect(() => read(`<apply>${csym}${cn(1)}</apply>`)).toThrow(SbmlUnsupportedError);
    expect(() => evaluate(`<apply>${csym}${ci('x')}</apply>`)).toThrow(/rateOf is not available in test/);
  });
});
