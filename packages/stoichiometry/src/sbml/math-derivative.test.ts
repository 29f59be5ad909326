import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileMath, type Evaluator } from './compile-math';
import { listSbmlTestCases } from './conformance';
import { readSbml, type SbmlModel } from './document';
import { SbmlUnsupportedError } from './errors';
import {
  compileGradient,
  dagSize,
  differentiate,
  differentiateTime,
  type FunctionDefinitions,
  gradientTrees,
  inlineCalls,
  simplify,
  treeSize,
} from './math-derivative';
import { freeSymbols, type MathNode, readMath, rateOfTarget } from './math-tree';
import { parseXml } from './xml';

// ---- builders and evaluation -----------------------------------------------------------------

const s = (name: string): MathNode => ({ type: 'symbol', name });
const c = (value: number): MathNode => ({ type: 'number', value });
const ap = (op: string, ...args: MathNode[]): MathNode => ({ type: 'apply', op, args });
const T: MathNode = { type: 'time' };
const x = s('x');
const y = s('y');
const z = s('z');

/** Evaluator of `node` on the named symbols (time in the slot after them). */
function compile(node: MathNode, names: readonly string[], functions: FunctionDefinitions = new Map()) {
  return compileMath(node, {
    slot(name) {
      const k = names.indexOf(name);
      if (k < 0) throw new TypeError(`unknown symbol ${name}`);
      return k;
    },
    timeSlot: names.length,
    functions,
    where: 'test',
  });
}

/** Central difference of f at x0 with one Richardson step (error O(h⁴)). */
function centralDifference(f: (t: number) => number, x0: number, h: number): number {
  const d1 = (f(x0 + h) - f(x0 - h)) / (2 * h);
  const d2 = (f(x0 + h / 2) - f(x0 - h / 2)) / h;
  return (4 * d2 - d1) / 3;
}

/** Deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const uniform = (r: () => number, lo: number, hi: number): number => lo + (hi - lo) * r();

/**
 * Compare every partial of `node` (compiled) with central differences at `values`: relative error
 * ≤ rel, with an absolute floor at the rounding level of the difference quotient.
 */
function checkGradient(
  node: MathNode,
  names: readonly string[],
  values: readonly number[],
  functions: FunctionDefinitions = new Map(),
  rel = 1e-7,
  time = 0,
): void {
  const f = compile(node, names, functions);
  const v = Float64Array.from([...values, time]);
  const f0 = f(v);
  expect(Number.isFinite(f0), `value at ${values}`).toBe(true);
  const trees = gradientTrees(node, names, functions);
  names.forEach((name, k) => {
    const exact = compile(trees[k]!, names, functions)(v);
    const x0 = values[k]!;
    const h = 1e-3 * Math.max(Math.abs(x0), 1e-2);
    const w = Float64Array.from(v);
    const fd = centralDifference(
      (t) => {
        w[k] = t;
        return f(w);
      },
      x0,
      h,
    );
    const floor = (1e-13 * (Math.abs(f0) + 1)) / h;
    const err = Math.abs(exact - fd);
    expect(
      err <= rel * Math.abs(exact) + floor,
      `∂/∂${name} at ${names.map((n, j) => `${n}=${values[j]}`).join(' ')}: exact ${exact}, fd ${fd}`,
    ).toBe(true);
    assertTidy(trees[k]!);
  });
}

/** No trivial pieces left by simplification: 0 or 1 in products, 0 in sums, x^0, x^1, −(−x). */
function assertTidy(root: MathNode): void {
  const seen = new Set<MathNode>();
  const walk = (n: MathNode): void => {
    if (seen.has(n)) return;
    seen.add(n);
    if (n.type === 'apply') {
      const nums = n.args.filter((a) => a.type === 'number').map((a) => (a as { value: number }).value);
      if (n.op === 'times')
        expect(
          nums.filter((v) => v === 0 || v === 1),
          'times 0/1',
        ).toEqual([]);
      if (n.op === 'plus')
        expect(
          nums.filter((v) => v === 0),
          'plus 0',
        ).toEqual([]);
      if (n.op === 'power') {
        const e = n.args[1]!;
        expect(e.type === 'number' && (e.value === 0 || e.value === 1), 'x^0 or x^1').toBe(false);
      }
      if (n.op === 'minus' && n.args.length === 1) {
        const a = n.args[0]!;
        expect(a.type === 'apply' && a.op === 'minus' && a.args.length === 1, '−(−x)').toBe(false);
      }
      if (n.args.length > 0 && nums.length === n.args.length && n.op !== 'times' && n.op !== 'plus')
        expect.fail(`unfolded constant ${n.op}(${nums})`);
      n.args.forEach(walk);
      if (n.degree) walk(n.degree);
      if (n.logbase) walk(n.logbase);
    } else if (n.type === 'piecewise') {
      for (const [v, cond] of n.pieces) {
        walk(v);
        walk(cond);
      }
      if (n.otherwise) walk(n.otherwise);
    } else if (n.type === 'call') n.args.forEach(walk);
  };
  walk(root);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

// ---- every operator: chain rule through u = a·x + b, random points inside the domain ----------

/** Unary operators with a sampler of the argument u inside the domain, away from singularities. */
const UNARY: Record<string, (r: () => number) => number> = {
  exp: (r) => uniform(r, -3, 3),
  ln: (r) => uniform(r, 0.1, 5),
  log: (r) => uniform(r, 0.1, 5),
  abs: (r) => (r() < 0.5 ? -1 : 1) * uniform(r, 0.1, 3),
  root: (r) => uniform(r, 0.1, 5),
  sin: (r) => uniform(r, -3, 3),
  cos: (r) => uniform(r, -3, 3),
  tan: (r) => uniform(r, -1.2, 1.2),
  sec: (r) => uniform(r, -1.2, 1.2),
  csc: (r) => uniform(r, 0.2, 2.9),
  cot: (r) => uniform(r, 0.2, 2.9),
  sinh: (r) => uniform(r, -3, 3),
  cosh: (r) => uniform(r, -3, 3),
  tanh: (r) => uniform(r, -3, 3),
  sech: (r) => uniform(r, -3, 3),
  csch: (r) => (r() < 0.5 ? -1 : 1) * uniform(r, 0.2, 3),
  coth: (r) => (r() < 0.5 ? -1 : 1) * uniform(r, 0.2, 3),
  arcsin: (r) => uniform(r, -0.9, 0.9),
  arccos: (r) => uniform(r, -0.9, 0.9),
  arctan: (r) => uniform(r, -5, 5),
  arcsec: (r) => (r() < 0.5 ? -1 : 1) * uniform(r, 1.2, 5),
  arccsc: (r) => (r() < 0.5 ? -1 : 1) * uniform(r, 1.2, 5),
  arccot: (r) => (r() < 0.5 ? -1 : 1) * uniform(r, 0.2, 5),
  arcsinh: (r) => uniform(r, -5, 5),
  arccosh: (r) => uniform(r, 1.2, 5),
  arctanh: (r) => uniform(r, -0.9, 0.9),
  arcsech: (r) => uniform(r, 0.1, 0.9),
  arccsch: (r) => (r() < 0.5 ? -1 : 1) * uniform(r, 0.2, 5),
  arccoth: (r) => (r() < 0.5 ? -1 : 1) * uniform(r, 1.2, 5),
  floor: (r) => Math.floor(uniform(r, -5, 5)) + uniform(r, 0.1, 0.9),
  ceiling: (r) => Math.floor(uniform(r, -5, 5)) + uniform(r, 0.1, 0.9),
};

/** u = a·x + b at a random (a, x) with b chosen so that u is the sampled argument. */
function affinePoint(r: () => number, u: number): number[] {
  const a = uniform(r, 0.5, 2) * (r() < 0.5 ? -1 : 1);
  const xv = uniform(r, 0.5, 2);
  return [a, xv, u - a * xv];
}
const affine = ap('plus', ap('times', s('a'), x), s('b'));

describe('differentiate: every operator against central differences', () => {
  for (const [op, sample] of Object.entries(UNARY)) {
    it(`${op}(a·x + b)`, () => {
      const r = rng(op.length * 7919 + op.charCodeAt(0));
      for (let k = 0; k < 25; k++) {
        const u = sample(r);
        checkGradient(ap(op, affine), ['a', 'x', 'b'], affinePoint(r, u));
      }
    });
  }

  it('plus, minus (unary, binary), times (n-ary), divide', () => {
    const r = rng(1);
    const e = ap(
      'plus',
      ap('minus', ap('times', x, y, z, x)),
      ap('minus', ap('divide', x, ap('plus', y, c(3))), ap('times', c(2), z)),
      ap('divide', c(5), ap('times', x, y)),
      ap('plus'),
      ap('times'),
    );
    for (let k = 0; k < 50; k++) {
      checkGradient(e, ['x', 'y', 'z'], [uniform(r, 0.3, 3), uniform(r, 0.3, 3), uniform(r, -3, 3)]);
    }
  });

  it('power: constant exponent, constant base, both variable', () => {
    const r = rng(2);
    for (let k = 0; k < 50; k++) {
      const p = [uniform(r, 0.2, 3), uniform(r, -2, 2.5)];
      checkGradient(ap('power', x, c(2.5)), ['x'], [p[0]!]);
      checkGradient(ap('power', ap('plus', x, y), c(3)), ['x', 'y'], [uniform(r, -3, 3), uniform(r, -3, 3)]);
      checkGradient(ap('power', x, c(-1.5)), ['x'], [p[0]!]);
      checkGradient(ap('power', c(2), ap('times', y, x)), ['y', 'x'], [p[1]!, p[0]!]);
      checkGradient(ap('power', x, y), ['x', 'y'], p);
      checkGradient(ap('power', ap('sin', x), ap('cos', y)), ['x', 'y'], [uniform(r, 0.2, 2.9), p[1]!]);
    }
  });

  it('power at a zero base: ∂/∂exponent is 0, not 0·ln 0 (Hill terms at zero concentration)', () => {
    const hill = ap(
      'divide',
      ap('power', ap('divide', s('S'), s('K')), s('n')),
      ap('plus', c(1), ap('power', ap('divide', s('S'), s('K')), s('n'))),
    );
    const names = ['S', 'K', 'n'];
    const v = Float64Array.of(0, 2, 4, 0);
    for (const name of names) {
      expect(compile(differentiate(hill, name), names)(v), name).toBe(0);
    }
    expect(compile(differentiate(ap('power', x, y), 'x'), ['x', 'y'])(Float64Array.of(0, 1, 0))).toBe(1);
    expect(compile(differentiate(ap('power', x, y), 'y'), ['x', 'y'])(Float64Array.of(0, 1, 0))).toBe(0);
    expect(compile(differentiate(ap('power', x, c(2)), 'x'), ['x'])(Float64Array.of(0, 0))).toBe(0);
  });

  it('root with default degree, odd root of a negative, variable degree', () => {
    const r = rng(3);
    const cube = { type: 'apply', op: 'root', args: [ap('minus', x, y)], degree: c(3) } as MathNode;
    const variable = { type: 'apply', op: 'root', args: [x], degree: y } as MathNode;
    for (let k = 0; k < 50; k++) {
      checkGradient(ap('root', ap('times', x, y)), ['x', 'y'], [uniform(r, 0.2, 3), uniform(r, 0.2, 3)]);
      checkGradient(cube, ['x', 'y'], [uniform(r, -3, 3), uniform(r, 3.5, 5)]); // x − y < 0
      checkGradient(cube, ['x', 'y'], [uniform(r, 3.5, 5), uniform(r, -3, 3)]); // x − y > 0
      checkGradient(variable, ['x', 'y'], [uniform(r, 0.2, 5), uniform(r, 1.5, 4)]);
    }
  });

  it('log with constant and variable logbase', () => {
    const r = rng(4);
    const base2 = { type: 'apply', op: 'log', args: [ap('times', x, x)], logbase: c(2) } as MathNode;
    const baseY = { type: 'apply', op: 'log', args: [x], logbase: ap('plus', y, c(1)) } as MathNode;
    for (let k = 0; k < 50; k++) {
      checkGradient(base2, ['x'], [uniform(r, 0.2, 5)]);
      checkGradient(baseY, ['x', 'y'], [uniform(r, 0.2, 5), uniform(r, 0.5, 5)]);
    }
  });

  it('min and max select the derivative of the extreme argument', () => {
    const r = rng(5);
    for (let k = 0; k < 100; k++) {
      const p = [uniform(r, -3, 3), uniform(r, -3, 3), uniform(r, -3, 3)];
      const sorted = [...p].sort((a, b) => a - b);
      if (sorted[1]! - sorted[0]! < 0.05 || sorted[2]! - sorted[1]! < 0.05) continue; // not at a tie
      checkGradient(ap('max', ap('times', x, x), ap('sin', y), z), ['x', 'y', 'z'], p);
      checkGradient(ap('min', x, ap('times', c(2), y), ap('exp', z)), ['x', 'y', 'z'], p);
      checkGradient(ap('max', ap('times', x, y)), ['x', 'y'], p.slice(0, 2));
    }
  });

  it('piecewise, relations and logic as values, rem, quotient, factorial', () => {
    const r = rng(6);
    const rate: MathNode = {
      type: 'piecewise',
      pieces: [
        [ap('times', x, y), ap('and', ap('gt', x, c(1)), ap('lt', y, c(2)))],
        [ap('exp', ap('minus', x)), ap('leq', x, c(0))],
      ],
      otherwise: ap('power', x, c(3)),
    };
    const logic = ap(
      'plus',
      ap('times', ap('gt', x, y), x),
      ap('times', ap('not', ap('xor', ap('lt', y, c(0)), ap('eq', x, c(7)))), y),
      ap('implies', ap('geq', x, c(0)), ap('neq', y, c(1))),
    );
    for (let k = 0; k < 100; k++) {
      const p = [uniform(r, -3, 3), uniform(r, -3, 3)];
      if (Math.abs(p[0]! - 1) < 0.01 || Math.abs(p[0]!) < 0.01 || Math.abs(p[1]! - 2) < 0.01) continue;
      if (Math.abs(p[0]! - p[1]!) < 0.01 || Math.abs(p[1]!) < 0.01) continue;
      checkGradient(rate, ['x', 'y'], p);
      checkGradient(logic, ['x', 'y'], p);
      const q = [uniform(r, 0.5, 9), uniform(r, 0.5, 3)];
      const ratio = q[0]! / q[1]!;
      // Away from the jumps of rem and quotient (the difference stencil moves x² by about 0.02).
      if (Math.abs(ratio - Math.round(ratio)) > 0.1) {
        checkGradient(ap('rem', ap('times', x, x), y), ['x', 'y'], [Math.sqrt(q[0]!), q[1]!]);
        checkGradient(ap('times', ap('quotient', x, y), x), ['x', 'y'], q);
      }
    }
    expect(differentiate(ap('factorial', x), 'x')).toEqual(c(0));
    expect(differentiate(ap('floor', ap('times', x, y)), 'x')).toEqual(c(0));
  });

  it('abs has derivative 0 at 0 (documented convention)', () => {
    const d = compile(differentiate(ap('abs', ap('times', c(3), x)), 'x'), ['x']);
    expect([d(Float64Array.of(-2, 0)), d(Float64Array.of(0, 0)), d(Float64Array.of(2, 0))]).toEqual([
      -3, 0, 3,
    ]);
  });
});

// ---- rate laws: nested compositions -------------------------------------------------------------

describe('differentiate: rate laws', () => {
  const functions = new Map([
    // A function definition with two parameters, called with expressions.
    [
      'mm',
      {
        params: ['S', 'K'],
        body: ap('divide', ap('times', s('Vm'), s('S')), ap('plus', s('K'), s('S'))),
      },
    ],
    ['sq', { params: ['u'], body: ap('times', s('u'), s('u')) }],
    ['twice', { params: ['u', 'v'], body: { type: 'call', name: 'sq', args: [ap('plus', s('u'), s('v'))] } }],
  ] as Array<[string, { params: string[]; body: MathNode }]>);
  // Function bodies read only their own parameters in SBML; 'mm' reads Vm as a model symbol here,
  // which compileMath also resolves (a looser reading), to exercise a free symbol in a body.

  it('Michaelis–Menten, Hill with variable exponent, mass action with power stoichiometry', () => {
    const r = rng(7);
    const mm = ap('divide', ap('times', s('V'), s('S')), ap('plus', s('K'), s('S')));
    const hill = ap(
      'divide',
      ap('times', s('V'), ap('power', s('S'), s('n'))),
      ap('plus', ap('power', s('K'), s('n')), ap('power', s('S'), s('n'))),
    );
    const massAction = ap(
      'minus',
      ap('times', s('kf'), ap('power', s('A'), c(2)), s('B'), s('compartment')),
      ap('times', s('kr'), ap('power', s('C'), s('nu')), s('compartment')),
    );
    for (let k = 0; k < 50; k++) {
      const u = (lo: number, hi: number) => uniform(r, lo, hi);
      checkGradient(mm, ['V', 'S', 'K'], [u(0.1, 10), u(0.01, 10), u(0.01, 10)]);
      checkGradient(hill, ['V', 'S', 'K', 'n'], [u(0.1, 10), u(0.01, 10), u(0.01, 10), u(0.5, 4)]);
      checkGradient(
        massAction,
        ['kf', 'A', 'B', 'compartment', 'kr', 'C', 'nu'],
        [u(0.1, 5), u(0.01, 5), u(0.01, 5), u(0.1, 3), u(0.1, 5), u(0.01, 5), u(0.5, 3)],
      );
    }
  });

  it('function definition calls (two parameters, nested calls)', () => {
    const r = rng(8);
    const e = ap(
      'plus',
      { type: 'call', name: 'mm', args: [ap('times', s('A'), s('A')), ap('exp', s('p'))] },
      { type: 'call', name: 'twice', args: [s('A'), ap('times', s('p'), s('A'))] },
    );
    for (let k = 0; k < 50; k++) {
      checkGradient(
        e,
        ['A', 'p', 'Vm'],
        [uniform(r, 0.1, 3), uniform(r, -2, 2), uniform(r, 0.1, 3)],
        functions,
      );
    }
    // The call's value stays a call node in the derivative; its derivative is inlined.
    const d = differentiate(ap('exp', { type: 'call', name: 'sq', args: [x] }), 'x', functions);
    expect(JSON.stringify(d)).toContain('"type":"call"');
  });

  it('a parameter named like a function parameter is not confused with it', () => {
    // sq(u) = u·u called with the model symbol u·x: ∂/∂u of sq(u·x) = 2·u·x².
    const e: MathNode = { type: 'call', name: 'sq', args: [ap('times', s('u'), x)] };
    const d = compile(differentiate(e, 'u', functions), ['u', 'x'], functions);
    expect(d(Float64Array.of(3, 2, 0))).toBe(24);
  });

  it('a piecewise rate switching on a species', () => {
    const r = rng(9);
    const e: MathNode = {
      type: 'piecewise',
      pieces: [[ap('times', s('k1'), s('S')), ap('lt', s('S'), s('threshold'))]],
      otherwise: ap('times', s('k2'), ap('power', s('S'), c(2))),
    };
    for (let k = 0; k < 50; k++) {
      const p = [uniform(r, 0.1, 3), uniform(r, 0.1, 5), uniform(r, 1, 4), uniform(r, 0.1, 3)];
      if (Math.abs(p[1]! - p[2]!) < 0.05) continue;
      checkGradient(e, ['k1', 'S', 'threshold', 'k2'], p);
    }
  });

  it('the time derivative, and time held fixed in symbol derivatives', () => {
    const e = ap('times', s('k'), ap('sin', ap('times', s('w'), T)), s('time'));
    const dt = compile(differentiateTime(e), ['k', 'w', 'time']);
    const dk = compile(differentiate(e, 'k'), ['k', 'w', 'time']);
    const dtime = compile(differentiate(e, 'time'), ['k', 'w', 'time']);
    const v = Float64Array.of(2, 3, 5, 0.7); // the symbol 'time' is 5, the csymbol time 0.7
    expect(dt(v)).toBeCloseTo(2 * 3 * Math.cos(2.1) * 5, 13);
    expect(dk(v)).toBeCloseTo(Math.sin(2.1) * 5, 14);
    expect(dtime(v)).toBeCloseTo(2 * Math.sin(2.1), 14);
    expect(differentiateTime(ap('times', s('k'), x))).toEqual(c(0));
  });

  it('parses MathML: the same trees as readMath produces', () => {
    const node = readMath(
      parseXml(
        '<math xmlns="http://www.w3.org/1998/Math/MathML"><apply><log/><logbase><cn>2</cn></logbase>' +
          '<apply><times/><ci> k </ci><ci> S </ci></apply></apply></math>',
        'test',
      ),
      'test',
    );
    checkGradient(node, ['k', 'S'], [1.5, 0.25]);
  });
});

// ---- exactness, simplification, size ------------------------------------------------------------

describe('differentiate: exactness and size', () => {
  it('the derivative of x³ is exactly 3x² at integers (power and repeated product)', () => {
    const d1 = compile(differentiate(ap('power', x, c(3)), 'x'), ['x']);
    const d2 = compile(differentiate(ap('times', x, x, x), 'x'), ['x']);
    const d3 = compile(differentiate(ap('plus', ap('power', x, c(3)), ap('times', c(2), x), c(7)), 'x'), [
      'x',
    ]);
    for (let k = -20; k <= 20; k++) {
      const v = Float64Array.of(k, 0);
      expect(d1(v)).toBe(3 * k * k);
      expect(d2(v)).toBe(3 * k * k);
      expect(d3(v)).toBe(3 * k * k + 2);
    }
    expect(differentiate(ap('power', x, c(2)), 'x')).toEqual(ap('times', c(2), x));
    expect(differentiate(ap('times', c(3), x), 'x')).toEqual(c(3));
    expect(differentiate(ap('plus', x, y), 'z')).toEqual(c(0));
  });

  it('a product of 20 symbols: one term per factor that depends on the variable, no 0· terms', () => {
    const names = Array.from({ length: 20 }, (_, k) => `s${k}`);
    const product = ap('times', ...names.map(s));
    const d = differentiate(product, 's7');
    expect(d.type === 'apply' && d.op === 'times' && d.args.length).toBe(19);
    assertTidy(d);
    // Twenty different functions of x: 20 terms, the products of the others shared.
    const factors = Array.from({ length: 20 }, (_, k) => ap('sin', ap('times', c(k + 1), x)));
    const big = ap('times', ...factors);
    const dBig = differentiate(big, 'x');
    expect(dBig.type === 'apply' && dBig.op === 'plus' && dBig.args.length).toBe(20);
    assertTidy(dBig);
    expect(dagSize(dBig)).toBeLessThanOrEqual(6 * dagSize(big));
    // Expanded as a tree (what compileMath builds): m terms of about the input's size.
    expect(treeSize(dBig)).toBeLessThanOrEqual(1.5 * 20 * treeSize(big));
    checkGradient(big, ['x'], [0.37]);
    // The same symbol in every factor: one group, 20·x^19.
    const power = differentiate(ap('times', ...Array<MathNode>(20).fill(x)), 'x');
    expect(power).toEqual(ap('times', c(20), ap('power', x, c(19))));
    // Nested binary products are flattened before the product rule.
    let nested: MathNode = s('s0');
    for (let k = 1; k < 20; k++) nested = ap('times', nested, s(`s${k}`));
    const dn = differentiate(nested, 's0');
    expect(dn.type === 'apply' && dn.op === 'times' && dn.args.length).toBe(19);
  });

  it('derivatives of mass-action laws stay smaller than the law', () => {
    const law = ap(
      'minus',
      ap('times', s('kf'), s('A'), s('B'), s('V')),
      ap('times', s('kr'), s('C'), s('V')),
    );
    for (const name of ['kf', 'A', 'B', 'V', 'kr', 'C']) {
      const d = differentiate(law, name);
      expect(treeSize(d)).toBeLessThanOrEqual(treeSize(law));
      assertTidy(d);
    }
  });

  it('simplify: identities, constant folding, sharing, identity when nothing changes', () => {
    expect(simplify(ap('times', c(0), ap('exp', x)))).toEqual(c(0));
    expect(simplify(ap('times', c(1), x))).toBe(x);
    expect(simplify(ap('plus', x, c(0)))).toBe(x);
    expect(simplify(ap('power', x, c(1)))).toBe(x);
    expect(simplify(ap('power', x, c(0)))).toEqual(c(1));
    expect(simplify(ap('minus', ap('minus', x)))).toBe(x);
    expect(simplify(ap('minus', x, x))).toEqual(c(0));
    expect(simplify(ap('minus', x, c(0)))).toBe(x);
    expect(simplify(ap('minus', c(0), x))).toEqual(ap('minus', x));
    expect(simplify(ap('divide', x, c(1)))).toBe(x);
    expect(simplify(ap('divide', c(0), x))).toEqual(c(0));
    expect(simplify(ap('times', c(2), ap('times', c(3), x)))).toEqual(ap('times', c(6), x));
    expect(simplify(ap('plus', c(2), ap('plus', x, c(3)), y))).toEqual(ap('plus', x, y, c(5)));
    expect(simplify(ap('ln', ap('exp', c(0))))).toEqual(c(0));
    expect(simplify(ap('sin', ap('plus', c(1), c(2))))).toEqual(c(Math.sin(3)));
    expect(
      simplify({
        type: 'piecewise',
        pieces: [
          [x, c(0)],
          [y, ap('gt', c(2), c(1))],
          [z, x],
        ],
        otherwise: c(4),
      }),
    ).toBe(y);
    const untouched = ap('plus', ap('times', s('k'), x), ap('exp', y));
    expect(simplify(untouched)).toBe(untouched);
    // A shared product is not flattened into its parents (that would copy it).
    const shared = ap('times', x, y, z);
    const dag = ap('plus', ap('times', shared, s('a')), ap('times', shared, s('b')));
    const out = simplify(dag);
    expect(out).toBe(dag);
    expect(dagSize(out)).toBe(dagSize(dag));
  });

  it('never mutates its inputs and shares their subtrees', () => {
    const functions = new Map([['f', { params: ['p', 'q'], body: ap('power', s('p'), s('q')) }]]);
    const e = ap(
      'plus',
      ap('divide', ap('times', s('V'), x), ap('plus', s('K'), x)),
      { type: 'call', name: 'f', args: [x, y] } as MathNode,
      { type: 'piecewise', pieces: [[ap('exp', x), ap('gt', x, y)]], otherwise: ap('abs', x) } as MathNode,
      ap('max', x, y, c(0)),
    );
    const copy = structuredClone(e);
    const fcopy = structuredClone([...functions]);
    deepFreeze(e);
    deepFreeze(functions.get('f'));
    for (const n of ['x', 'y', 'V', 'K']) {
      differentiate(e, n, functions);
      differentiate(e, n, functions, { simplify: false });
    }
    simplify(e);
    inlineCalls(e, functions);
    differentiateTime(e, functions);
    expect(e).toEqual(copy);
    expect([...functions]).toEqual(fcopy);
    // d(u/v)/dx reuses the quotient node itself.
    const q = (e as { args: MathNode[] }).args[0]!;
    const dq = differentiate(q, 'x');
    const nodes = new Set<MathNode>();
    const walk = (n: MathNode): void => {
      nodes.add(n);
      if (n.type === 'apply') n.args.forEach(walk);
    };
    walk(dq);
    expect(nodes.has(q)).toBe(true);
  });
});

// ---- refusals, API ------------------------------------------------------------------------------

describe('differentiate: refusals and compiled gradients', () => {
  const rateOf: MathNode = { type: 'rateOf', arg: s('S') };
  const delay: MathNode = { type: 'delay', arg: s('S'), delay: c(1) };

  it('refuses the derivatives of rateOf and delay by name', () => {
    expect(() => differentiate(ap('times', s('k'), rateOf), 'S')).toThrow(SbmlUnsupportedError);
    expect(() => differentiate(ap('times', s('k'), rateOf), 'k')).toThrow(/rateOf csymbol with respect to k/);
    expect(() => differentiate(ap('plus', x, delay), 'x')).toThrow(/delay csymbol with respect to x/);
    expect(() => differentiateTime(delay)).toThrow(/delay csymbol with respect to time/);
    // Through a function body, too.
    const functions = new Map([['r', { params: ['u'], body: { type: 'rateOf', arg: s('u') } as MathNode }]]);
    expect(() => differentiate({ type: 'call', name: 'r', args: [x] }, 'x', functions)).toThrow(
      SbmlUnsupportedError,
    );
    try {
      differentiate(rateOf, 'S');
    } catch (e) {
      expect((e as SbmlUnsupportedError).element).toBe('csymbol');
    }
    // Where only a value is read (a condition, a relation) nothing is refused.
    const pw: MathNode = { type: 'piecewise', pieces: [[x, ap('gt', rateOf, c(0))]], otherwise: c(0) };
    expect(differentiate(pw, 'x')).toEqual({
      type: 'piecewise',
      pieces: [[c(1), ap('gt', rateOf, c(0))]],
      otherwise: c(0),
    });
    expect(differentiate(ap('times', x, ap('lt', delay, c(1))), 'x')).toEqual(ap('lt', delay, c(1)));
    // A caller that knows the model supplies them.
    const d = differentiate(ap('times', s('k'), rateOf), 'k', new Map(), {
      opaque: (n, v) => (n.type === 'rateOf' && v.type === 'symbol' ? s(`d_rate_${v.name}`) : c(0)),
    });
    expect(d).toEqual(ap('plus', rateOf, ap('times', s('k'), s('d_rate_k'))));
  });

  it('refuses undefined functions, wrong arity, recursion and lambdas', () => {
    expect(() => differentiate({ type: 'call', name: 'g', args: [x] }, 'x')).toThrow(
      /undefined function "g"/,
    );
    const functions = new Map([
      ['f', { params: ['u'], body: { type: 'call', name: 'f', args: [s('u')] } as MathNode }],
    ]);
    expect(() => differentiate({ type: 'call', name: 'f', args: [x, y] }, 'x', functions)).toThrow(/takes 1/);
    expect(() => differentiate({ type: 'call', name: 'f', args: [x] }, 'x', functions)).toThrow(RangeError);
    expect(() => differentiate({ type: 'lambda', params: ['u'], body: s('u') }, 'u')).toThrow(TypeError);
  });

  it('compileGradient: one evaluator per name on the caller’s slots', () => {
    const names = ['S', 'P', 'Vm', 'Km'];
    const e = ap('divide', ap('times', s('Vm'), s('S')), ap('plus', s('Km'), s('S')));
    const g = compileGradient(e, ['Km', 'S', 'P'], {
      slot: (n) => names.indexOf(n),
      timeSlot: 4,
      functions: new Map(),
      where: 'law',
    });
    const v = Float64Array.of(2, 9, 3, 0.5, 0);
    const out = g.evaluate(v, new Float64Array(3));
    expect(out[0]).toBeCloseTo((-3 * 2) / 2.5 ** 2, 14);
    expect(out[1]).toBeCloseTo((3 * 0.5) / 2.5 ** 2, 14);
    expect(out[2]).toBe(0);
    expect(g.partials[2]!(v)).toBe(0);
    expect(g.trees[2]).toEqual(c(0));
  });
});

// ---- smoke test: every kinetic law of the SBML Test Suite sample --------------------------------

const shared = process.env.KINETICA_SHARED ?? resolve(__dirname, '../../../../../shared');
const suite = join(shared, 'sbml-test-suite');
const present = existsSync(suite);

/** A deterministic stand-in in (0.5, 1.5) for a value the document does not state. */
function standIn(name: string): number {
  let h = 2166136261;
  for (let k = 0; k < name.length; k++) h = Math.imul(h ^ name.charCodeAt(k), 16777619);
  return 0.5 + ((h >>> 0) % 1000) / 1000;
}

/** Values of the model's symbols at the start: stated values, then initial assignments and rules. */
function initialValues(model: SbmlModel): Map<string, number> {
  const values = new Map<string, number>();
  for (const cpt of model.compartments) values.set(cpt.id, cpt.size ?? Number.NaN);
  for (const p of model.parameters) values.set(p.id, p.value ?? Number.NaN);
  for (const sp of model.species) {
    const size = values.get(sp.compartment) ?? 1;
    const v = sp.hasOnlySubstanceUnits
      ? (sp.initialAmount ?? (sp.initialConcentration ?? Number.NaN) * size)
      : (sp.initialConcentration ?? (sp.initialAmount ?? Number.NaN) / size);
    values.set(sp.id, v);
  }
  for (const r of model.reactions)
    for (const ref of [...r.reactants, ...r.products]) if (ref.id) values.set(ref.id, ref.stoichiometry);
  const assignments = [
    ...model.initialAssignments.map((a) => ({ symbol: a.symbol, math: a.math })),
    ...model.rules.filter((r) => r.type === 'assignment').map((r) => ({ symbol: r.variable, math: r.math })),
  ];
  for (let pass = 0; pass < 4; pass++) {
    for (const a of assignments) {
      try {
        const names = [...values.keys()];
        const v = compile(a.math, names, model.functions)(Float64Array.from([...values.values(), 0]));
        if (Number.isFinite(v)) values.set(a.symbol, v);
      } catch {
        // reads a symbol without a value yet, a rateOf or a delay: stays as stated
      }
    }
  }
  return values;
}

/**
 * The values that decide which smooth piece an expression is on: relations and logic, the selected
 * argument of min/max, the sign of an abs argument, floor/ceiling/quotient/rem steps, piecewise
 * conditions. Differences are only trusted where these are the same over the whole stencil.
 */
function switches(root: MathNode, names: readonly string[]): Evaluator[] {
  const out: Evaluator[] = [];
  const seen = new Set<MathNode>();
  const ev = (n: MathNode) => compile(n, names);
  const walk = (n: MathNode): void => {
    if (seen.has(n)) return;
    seen.add(n);
    if (n.type === 'apply') {
      if (['floor', 'ceiling', 'quotient', 'factorial', 'eq', 'neq', 'gt', 'lt', 'geq', 'leq'].includes(n.op))
        out.push(ev(n));
      if (n.op === 'abs') out.push(ev(ap('gt', n.args[0]!, c(0))), ev(ap('lt', n.args[0]!, c(0))));
      if (n.op === 'rem') out.push(ev(ap('quotient', n.args[0]!, n.args[1]!)));
      if (n.op === 'max' || n.op === 'min') {
        const args = n.args.map(ev);
        const pick = n.op === 'max' ? (a: number, b: number) => a >= b : (a: number, b: number) => a <= b;
        out.push((v) => {
          let best = 0;
          let value = args[0]!(v);
          for (let k = 1; k < args.length; k++) {
            const w = args[k]!(v);
            if (!pick(value, w)) {
              best = k;
              value = w;
            }
          }
          return best;
        });
      }
      n.args.forEach(walk);
      if (n.degree) walk(n.degree);
      if (n.logbase) walk(n.logbase);
    } else if (n.type === 'piecewise') {
      for (const [v, cond] of n.pieces) {
        out.push(ev(cond));
        walk(v);
        walk(cond);
      }
      if (n.otherwise) walk(n.otherwise);
    }
  };
  walk(root);
  return out;
}

type SmokeCounts = Record<
  | 'expressions'
  | 'constant'
  | 'expressionsChecked'
  | 'derivatives'
  | 'checked'
  | 'failed'
  | 'skipRefused'
  | 'skipNotEvaluable'
  | 'skipNonFinite'
  | 'skipSwitch'
  | 'skipIllConditioned',
  number
>;
const smokeCounts = (): SmokeCounts => ({
  expressions: 0,
  constant: 0,
  expressionsChecked: 0,
  derivatives: 0,
  checked: 0,
  failed: 0,
  skipRefused: 0,
  skipNotEvaluable: 0,
  skipNonFinite: 0,
  skipSwitch: 0,
  skipIllConditioned: 0,
});

/**
 * Differentiate `math` with respect to every symbol it reads (and the time csymbol) and compare
 * each derivative with central differences at `values` (relative 1e-6, absolute floor
 * 1e-9·|f|/max(|x|, h)). Points where a relation, min/max, abs or step function changes within
 * the stencil, or where a value is not finite, are skipped and counted.
 */
function smokeExpression(
  label: string,
  math: MathNode,
  values: ReadonlyMap<string, number>,
  functions: FunctionDefinitions,
  counts: SmokeCounts,
  notes: { failures: string[]; skips: string[]; refused: Map<string, number>; ops: Set<string> },
): void {
  counts.expressions++;
  let read: string[];
  try {
    read = [...freeSymbols(math, functions)].filter((n) => rateOfTarget(n) === undefined);
  } catch {
    counts.skipNotEvaluable++;
    return;
  }
  const names = [...read, ...[...values.keys()].filter((n) => !read.includes(n))];
  const point = names.map((n) => {
    const v = values.get(n);
    return v === undefined || Number.isNaN(v) ? standIn(n) : v;
  });
  // Every symbol read, and the time csymbol (index −1) where the expression reads it.
  const inlined = inlineCalls(math, functions);
  const targets = read.map((n) => names.indexOf(n));
  if (JSON.stringify(inlined).includes('"type":"time"')) targets.push(-1);
  if (targets.length === 0) counts.constant++;
  let f: Evaluator | undefined;
  let sw: Evaluator[] = [];
  let why = '';
  try {
    f = compile(math, names, functions);
    sw = switches(inlined, names);
  } catch (e) {
    why = (e as Error).message;
  }
  let checkedAny = false;
  for (const k of targets) {
    const name = k < 0 ? 'time' : names[k]!;
    counts.derivatives++;
    let tree: MathNode;
    try {
      tree = k < 0 ? differentiateTime(math, functions) : differentiate(math, name, functions);
    } catch (e) {
      if (!(e instanceof SbmlUnsupportedError)) throw e;
      counts.skipRefused++;
      const what = /rateOf|delay/.exec(e.message)?.[0] ?? e.message;
      notes.refused.set(what, (notes.refused.get(what) ?? 0) + 1);
      continue;
    }
    if (!f) {
      counts.skipNotEvaluable++;
      notes.skips.push(`${label} ∂/∂${name}: not evaluable (${why})`);
      continue;
    }
    const slot = k < 0 ? names.length : k;
    const v = Float64Array.from([...point, 0]);
    const x0 = v[slot]!;
    const h = x0 === 0 ? 1e-4 : 1e-4 * Math.abs(x0);
    let exact: number;
    try {
      exact = compile(tree, names, functions)(v);
    } catch {
      counts.skipNotEvaluable++;
      continue;
    }
    const w = Float64Array.from(v);
    const at = (t: number): number => {
      w[slot] = t;
      return f(w);
    };
    const f0 = at(x0);
    const stencil = [x0 - 2 * h, x0 - h, x0 - h / 2, x0 + h / 2, x0 + h, x0 + 2 * h];
    if (![f0, exact, ...stencil.map(at)].every(Number.isFinite)) {
      counts.skipNonFinite++;
      notes.skips.push(`${label} ∂/∂${name}: not finite at ${x0} (f ${f0}, ∂ ${exact})`);
      continue;
    }
    const signature = (t: number): string => {
      w[slot] = t;
      return sw.map((e) => e(w)).join(',');
    };
    const s0 = signature(x0);
    if (stencil.some((t) => signature(t) !== s0)) {
      counts.skipSwitch++;
      notes.skips.push(`${label} ∂/∂${name}: a branch switches within ${x0} ± ${2 * h}`);
      continue;
    }
    // The largest step at which two difference quotients (h, 2h) agree decides; a function that
    // varies on a scale far below |x| (csc(t + 0.001) at t = 0) needs smaller steps.
    const tol = 1e-6 * Math.abs(exact) + 1e-9 * (Math.abs(f0) / Math.max(Math.abs(x0), h)) + 1e-300;
    let verdict: 'pass' | 'fail' | 'unsettled' = 'unsettled';
    let fd = Number.NaN;
    for (let step = h; verdict === 'unsettled' && step >= h / 4096; step /= 16) {
      fd = centralDifference(at, x0, step);
      if (Math.abs(fd - centralDifference(at, x0, 2 * step)) > tol) continue;
      verdict = Math.abs(exact - fd) <= tol ? 'pass' : 'fail';
    }
    if (verdict === 'pass') {
      counts.checked++;
      checkedAny = true;
      for (const m of JSON.stringify(inlined).matchAll(/"op":"(\w+)"/g)) notes.ops.add(m[1]!);
    } else if (verdict === 'unsettled') {
      counts.skipIllConditioned++;
      notes.skips.push(`${label} ∂/∂${name}: differences disagree at every step at ${x0} (exact ${exact})`);
    } else {
      counts.failed++;
      notes.failures.push(`${label} ∂/∂${name} at ${x0}: exact ${exact}, fd ${fd}`);
    }
  }
  if (checkedAny) counts.expressionsChecked++;
}

describe('smoke test: the kinetic laws and rules of the SBML Test Suite sample', () => {
  it.skipIf(!present)('∂e/∂symbol agrees with central differences at the initial values', () => {
    let cases = 0;
    let unreadable = 0;
    const laws = smokeCounts();
    const rules = smokeCounts();
    const notes = {
      failures: [] as string[],
      skips: [] as string[],
      refused: new Map<string, number>(),
      ops: new Set<string>(),
    };
    const start = performance.now();
    for (const id of listSbmlTestCases(suite)) {
      cases++;
      const file = ['sbml-l3v2', 'sbml-l3v1', 'sbml-l2v5', 'sbml-l2v4']
        .map((l) => join(suite, id, `${id}-${l}.xml`))
        .find(existsSync);
      let model: SbmlModel;
      try {
        model = readSbml(readFileSync(file!, 'utf8'));
      } catch {
        unreadable++;
        continue;
      }
      const globals = initialValues(model);
      for (const reaction of model.reactions) {
        const law = reaction.kineticLaw;
        if (!law) continue;
        const values = new Map(globals);
        for (const p of law.localParameters) values.set(p.id, p.value);
        smokeExpression(`${id} ${reaction.id}`, law.math, values, model.functions, laws, notes);
      }
      // Rate and assignment rules: the other expressions the right-hand side f is made of.
      for (const rule of model.rules) {
        smokeExpression(
          `${id} ${rule.type} ${rule.variable}`,
          rule.math,
          globals,
          model.functions,
          rules,
          notes,
        );
      }
    }
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    console.info(`derivative smoke test over ${cases} cases (${unreadable} not read), ${seconds} s`);
    console.info(`  kinetic laws: ${JSON.stringify(laws)}`);
    console.info(`  rules: ${JSON.stringify(rules)}`);
    console.info(`  refused: ${JSON.stringify([...notes.refused])}`);
    console.info(`  operators in checked expressions: ${[...notes.ops].sort().join(' ')}`);
    for (const f of notes.failures.slice(0, 40)) console.info(`  FAIL ${f}`);
    if (process.env.SMOKE_VERBOSE) for (const n of notes.skips) console.info(`  skip ${n}`);
    expect(cases).toBeGreaterThan(700);
    expect(laws.checked).toBeGreaterThan(2000);
    expect(notes.failures).toEqual([]);
  });
});
