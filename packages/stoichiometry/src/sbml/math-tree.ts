import { SbmlUnsupportedError } from './errors';
import type { XmlElement } from './xml';

/** A parsed MathML expression: plain data, compiled to closures by `compileMath` (never to source text). */
export type MathNode =
  | { type: 'number'; value: number }
  | { type: 'symbol'; name: string }
  | { type: 'time' }
  | { type: 'apply'; op: string; args: MathNode[]; degree?: MathNode; logbase?: MathNode }
  | { type: 'call'; name: string; args: MathNode[] }
  | { type: 'piecewise'; pieces: Array<[value: MathNode, condition: MathNode]>; otherwise?: MathNode }
  | { type: 'lambda'; params: string[]; body: MathNode }
  /** The csymbol rateOf (SBML L3V2): the rate of change of the symbol `arg` (a `symbol` node as read). */
  | { type: 'rateOf'; arg: MathNode }
  /** The csymbol delay (SBML L2, L3): the value of `arg` at time t − `delay` (`delay` read at t). */
  | { type: 'delay'; arg: MathNode; delay: MathNode };

/** The definitionURL of the SBML L3V2 csymbol rateOf. */
export const RATE_OF_URL = 'http://www.sbml.org/sbml/symbols/rateOf';

/** The definitionURL of the SBML csymbol delay. */
export const DELAY_URL = 'http://www.sbml.org/sbml/symbols/delay';

/**
 * The dependency name that stands for rateOf(`symbol`) in `freeSymbols` and in compile orders.
 * Parentheses cannot occur in an SBML id, so it never collides with a model symbol.
 */
export const rateOfKey = (symbol: string): string => `rateOf(${symbol})`;

/** The symbol of a dependency name made by `rateOfKey`, or undefined for any other name. */
export function rateOfTarget(key: string): string | undefined {
  return key.startsWith('rateOf(') && key.endsWith(')') ? key.slice(7, -1) : undefined;
}

/** SBML Level 3 value of Avogadro's constant (csymbol avogadro). */
const AVOGADRO = 6.02214179e23;

const CONSTANTS: Record<string, number> = {
  true: 1,
  false: 0,
  pi: Math.PI,
  exponentiale: Math.E,
  infinity: Number.POSITIVE_INFINITY,
  notanumber: Number.NaN,
};

/** Operators accepted inside <apply>, mapped to their allowed argument counts [min, max]. */
export const OPERATORS: Record<string, readonly [number, number]> = {
  plus: [0, Infinity],
  times: [0, Infinity],
  minus: [1, 2],
  divide: [2, 2],
  power: [2, 2],
  root: [1, 1],
  abs: [1, 1],
  exp: [1, 1],
  ln: [1, 1],
  log: [1, 1],
  floor: [1, 1],
  ceiling: [1, 1],
  factorial: [1, 1],
  sin: [1, 1],
  cos: [1, 1],
  tan: [1, 1],
  sec: [1, 1],
  csc: [1, 1],
  cot: [1, 1],
  sinh: [1, 1],
  cosh: [1, 1],
  tanh: [1, 1],
  sech: [1, 1],
  csch: [1, 1],
  coth: [1, 1],
  arcsin: [1, 1],
  arccos: [1, 1],
  arctan: [1, 1],
  arcsec: [1, 1],
  arccsc: [1, 1],
  arccot: [1, 1],
  arcsinh: [1, 1],
  arccosh: [1, 1],
  arctanh: [1, 1],
  arcsech: [1, 1],
  arccsch: [1, 1],
  arccoth: [1, 1],
  eq: [1, Infinity],
  neq: [2, 2],
  gt: [1, Infinity],
  lt: [1, Infinity],
  geq: [1, Infinity],
  leq: [1, Infinity],
  and: [0, Infinity],
  or: [0, Infinity],
  xor: [0, Infinity],
  not: [1, 1],
  implies: [2, 2],
  max: [1, Infinity],
  min: [1, Infinity],
  rem: [2, 2],
  quotient: [2, 2],
};

/** Read the single expression inside a <math> element. */
export function readMath(math: XmlElement, where: string): MathNode {
  const kids = math.children.filter((c) => c.name !== 'annotation' && c.name !== 'annotation-xml');
  if (kids.length !== 1)
    throw new TypeError(`${where}: <math> must hold exactly one expression, found ${kids.length}`);
  return readNode(kids[0]!, where);
}

function readNode(el: XmlElement, where: string): MathNode {
  switch (el.name) {
    case 'cn':
      return { type: 'number', value: readNumber(el, where) };
    case 'ci':
      return { type: 'symbol', name: el.text.trim() };
    case 'csymbol':
      return readCsymbol(el);
    case 'semantics': {
      const first = el.children.find((c) => c.name !== 'annotation' && c.name !== 'annotation-xml');
      if (!first) throw new TypeError(`${where}: empty <semantics>`);
      return readNode(first, where);
    }
    case 'piecewise': {
      const pieces: Array<[MathNode, MathNode]> = [];
      let otherwise: MathNode | undefined;
      for (const c of el.children) {
        if (c.name === 'piece') {
          if (c.children.length !== 2) throw new TypeError(`${where}: <piece> needs a value and a condition`);
          pieces.push([readNode(c.children[0]!, where), readNode(c.children[1]!, where)]);
        } else if (c.name === 'otherwise') {
          if (c.children.length !== 1) throw new TypeError(`${where}: <otherwise> needs one value`);
          otherwise = readNode(c.children[0]!, where);
        } else throw new TypeError(`${where}: unexpected <${c.name}> in <piecewise>`);
      }
      return otherwise ? { type: 'piecewise', pieces, otherwise } : { type: 'piecewise', pieces };
    }
    case 'lambda': {
      const params = el.children
        .filter((c) => c.name === 'bvar')
        .map((b) => {
          const ci = b.children.find((c) => c.name === 'ci');
          if (!ci) throw new TypeError(`${where}: <bvar> without <ci>`);
          return ci.text.trim();
        });
      const body = el.children.filter((c) => c.name !== 'bvar');
      if (body.length !== 1) throw new TypeError(`${where}: <lambda> needs exactly one body expression`);
      return { type: 'lambda', params, body: readNode(body[0]!, where) };
    }
    case 'apply':
      return readApply(el, where);
    default:
      if (el.name in CONSTANTS) return { type: 'number', value: CONSTANTS[el.name]! };
      throw new SbmlUnsupportedError(el.name, `MathML element not supported (${where})`);
  }
}

function readApply(el: XmlElement, where: string): MathNode {
  const [head, ...rest] = el.children;
  if (!head) throw new TypeError(`${where}: empty <apply>`);
  if (head.name === 'ci') {
    return { type: 'call', name: head.text.trim(), args: rest.map((a) => readNode(a, where)) };
  }
  if (head.name === 'csymbol') {
    const url = head.attributes.definitionURL ?? '';
    if (url.trim() === RATE_OF_URL) {
      // The csymbol's own text is a free label (case 01321 names it like a parameter): ignored.
      if (rest.length !== 1) throw new TypeError(`${where}: rateOf takes one argument, got ${rest.length}`);
      const arg = readNode(rest[0]!, where);
      if (arg.type !== 'symbol') {
        throw new SbmlUnsupportedError(
          'csymbol',
          `rateOf of an expression (a <${rest[0]!.name}>, not a <ci>) in ${where}: only the rate of a ` +
            'model symbol is computed (and SBML L3V2 validation rule 10223 requires a <ci>)',
        );
      }
      return { type: 'rateOf', arg };
    }
    if (url.trim() === DELAY_URL) {
      // As with rateOf, the csymbol's text is a free label (case 01319 calls it "plus").
      if (rest.length !== 2) throw new TypeError(`${where}: delay takes two arguments, got ${rest.length}`);
      return { type: 'delay', arg: readNode(rest[0]!, where), delay: readNode(rest[1]!, where) };
    }
    const what = url.slice(url.lastIndexOf('/') + 1) || head.text.trim();
    throw new SbmlUnsupportedError('csymbol', `the ${what} function is not supported (${where})`);
  }
  const op = head.name;
  const bounds = OPERATORS[op];
  if (!bounds) throw new SbmlUnsupportedError(op, `MathML operator not supported (${where})`);
  let degree: MathNode | undefined;
  let logbase: MathNode | undefined;
  const args: MathNode[] = [];
  for (const a of rest) {
    if (a.name === 'degree' || a.name === 'logbase') {
      if (a.children.length !== 1) throw new TypeError(`${where}: <${a.name}> needs one expression`);
      const value = readNode(a.children[0]!, where);
      if (a.name === 'degree') degree = value;
      else logbase = value;
    } else args.push(readNode(a, where));
  }
  if (args.length < bounds[0] || args.length > bounds[1]) {
    throw new TypeError(`${where}: <${op}> takes ${bounds[0]}..${bounds[1]} arguments, got ${args.length}`);
  }
  const node: MathNode = { type: 'apply', op, args };
  if (degree) node.degree = degree;
  if (logbase) node.logbase = logbase;
  return node;
}

function readCsymbol(el: XmlElement): MathNode {
  const url = el.attributes.definitionURL ?? '';
  if (url.endsWith('/time')) return { type: 'time' };
  if (url.endsWith('/avogadro')) return { type: 'number', value: AVOGADRO };
  throw new SbmlUnsupportedError('csymbol', `csymbol ${url || el.text.trim()} is not supported`);
}

function readNumber(el: XmlElement, where: string): number {
  const type = el.attributes.type ?? 'real';
  const parts = el.text.trim().split(/\s+/);
  const num = (s: string | undefined): number => {
    const t = (s ?? '').trim();
    const v = /^[-+]?inf(inity)?$/i.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : Number(t);
    if (Number.isNaN(v) && !/^nan$/i.test(t))
      throw new TypeError(`${where}: cannot read the number "${el.text.trim()}"`);
    return v;
  };
  switch (type) {
    case 'integer':
    case 'real':
    case 'double':
      return num(parts[0]);
    case 'e-notation':
      return num(parts[0]) * Math.pow(10, num(parts[1]));
    case 'rational':
      return num(parts[0]) / num(parts[1]);
    default:
      throw new SbmlUnsupportedError('cn', `number type "${type}" is not supported (${where})`);
  }
}

/**
 * Free symbols of an expression (function calls expand through `functions`; lambda parameters are
 * bound). A rateOf(x) adds the name `rateOfKey(x)`, not x: what a rate depends on is the model's
 * business. A rateOf of a function parameter stands for the rate of the symbol passed as argument.
 * The first argument of a delay is read at a past time: its symbols count unless `delayed` is false
 * (see `currentSymbols`); the delay time is read now and always counts.
 */
export function freeSymbols(
  node: MathNode,
  functions: ReadonlyMap<string, { params: string[]; body: MathNode }>,
  out: Set<string> = new Set(),
  bound: ReadonlyMap<string, MathNode | undefined> = new Map(),
  depth = 0,
  delayed = true,
): Set<string> {
  if (depth > 64) throw new RangeError('function definitions nest more than 64 deep (recursive?)');
  const sub = (n: MathNode, b = bound, d = depth): void => void freeSymbols(n, functions, out, b, d, delayed);
  switch (node.type) {
    case 'symbol':
      if (!bound.has(node.name)) out.add(node.name);
      break;
    case 'rateOf': {
      const target = resolveArgument(node.arg, bound);
      if (target?.type === 'symbol') out.add(rateOfKey(target.name));
      break;
    }
    case 'delay':
      sub(node.delay);
      if (delayed) sub(node.arg);
      break;
    case 'apply':
      for (const a of node.args) sub(a);
      if (node.degree) sub(node.degree);
      if (node.logbase) sub(node.logbase);
      break;
    case 'call': {
      for (const a of node.args) sub(a);
      const fn = functions.get(node.name);
      if (fn) {
        const args = new Map(fn.params.map((p, k) => [p, resolveArgument(node.args[k], bound)] as const));
        sub(fn.body, args, depth + 1);
      }
      break;
    }
    case 'piecewise':
      for (const [v, c] of node.pieces) {
        sub(v);
        sub(c);
      }
      if (node.otherwise) sub(node.otherwise);
      break;
    case 'lambda': {
      const inner = new Map(bound);
      for (const p of node.params) inner.set(p, undefined);
      sub(node.body, inner);
      break;
    }
    default:
      break;
  }
  return out;
}

/**
 * The symbols an expression reads at the time it is evaluated: `freeSymbols` without the first
 * arguments of delays, which are read from the past (what orders computations at one time).
 */
export function currentSymbols(
  node: MathNode,
  functions: ReadonlyMap<string, { params: string[]; body: MathNode }>,
): Set<string> {
  return freeSymbols(node, functions, new Set(), new Map(), 0, false);
}

/** Whether some node of an expression passes `test` (looking into the bodies of called functions). */
export function someNode(
  node: MathNode,
  functions: ReadonlyMap<string, { params: string[]; body: MathNode }>,
  test: (node: MathNode) => boolean,
  depth = 0,
): boolean {
  if (depth > 64) throw new RangeError('function definitions nest more than 64 deep (recursive?)');
  if (test(node)) return true;
  const sub = (n: MathNode): boolean => someNode(n, functions, test, depth);
  switch (node.type) {
    case 'apply':
      return (
        node.args.some(sub) ||
        (node.degree !== undefined && sub(node.degree)) ||
        (node.logbase !== undefined && sub(node.logbase))
      );
    case 'call': {
      const fn = functions.get(node.name);
      return node.args.some(sub) || (fn !== undefined && someNode(fn.body, functions, test, depth + 1));
    }
    case 'piecewise':
      return (
        node.pieces.some(([v, c]) => sub(v) || sub(c)) ||
        (node.otherwise !== undefined && sub(node.otherwise))
      );
    case 'lambda':
      return sub(node.body);
    case 'rateOf':
      return sub(node.arg);
    case 'delay':
      return sub(node.arg) || sub(node.delay);
    default:
      return false;
  }
}

/** Whether an expression reads the time csymbol or a delay (directly or through function calls). */
export function readsTime(
  node: MathNode,
  functions: ReadonlyMap<string, { params: string[]; body: MathNode }>,
): boolean {
  return someNode(node, functions, (n) => n.type === 'time' || n.type === 'delay');
}

/**
 * `node` with the bound symbols replaced by what they stand for (function parameters by the caller's
 * argument expressions; a parameter bound to undefined stays a symbol).
 */
export function substituteBound(node: MathNode, bound: ReadonlyMap<string, MathNode | undefined>): MathNode {
  if (bound.size === 0) return node;
  const sub = (n: MathNode): MathNode => substituteBound(n, bound);
  switch (node.type) {
    case 'symbol':
      return bound.get(node.name) ?? node;
    case 'apply': {
      const out: MathNode = { ...node, args: node.args.map(sub) };
      if (node.degree) out.degree = sub(node.degree);
      if (node.logbase) out.logbase = sub(node.logbase);
      return out;
    }
    case 'call':
      return { ...node, args: node.args.map(sub) };
    case 'rateOf':
      return { type: 'rateOf', arg: sub(node.arg) };
    case 'delay':
      return { type: 'delay', arg: sub(node.arg), delay: sub(node.delay) };
    case 'piecewise': {
      const out: MathNode = { type: 'piecewise', pieces: node.pieces.map(([v, c]) => [sub(v), sub(c)]) };
      if (node.otherwise) out.otherwise = sub(node.otherwise);
      return out;
    }
    default:
      return node;
  }
}

const INFIX: Record<string, string> = {
  plus: ' + ',
  minus: ' - ',
  times: '·',
  divide: '/',
  power: '^',
  eq: ' == ',
  neq: ' != ',
  gt: ' > ',
  lt: ' < ',
  geq: ' >= ',
  leq: ' <= ',
  and: ' and ',
  or: ' or ',
};

/** A one-line text of an expression for messages (fully parenthesised infix; not meant to be parsed). */
export function formatMath(node: MathNode): string {
  switch (node.type) {
    case 'number':
      return `${node.value}`;
    case 'symbol':
      return node.name;
    case 'time':
      return 'time';
    case 'rateOf':
      return `rateOf(${formatMath(node.arg)})`;
    case 'delay':
      return `delay(${formatMath(node.arg)}, ${formatMath(node.delay)})`;
    case 'call':
      return `${node.name}(${node.args.map(formatMath).join(', ')})`;
    case 'apply': {
      const args = node.args.map(formatMath);
      const infix = INFIX[node.op];
      if (infix && args.length >= 2) return `(${args.join(infix)})`;
      if (node.op === 'minus' && args.length === 1) return `-${args[0]}`;
      return `${node.op}(${args.join(', ')})`;
    }
    case 'piecewise':
      return 'piecewise(…)';
    case 'lambda':
      return `lambda(${node.params.join(', ')})`;
  }
}

/**
 * What an expression inside a function body stands for in the caller: a bound parameter becomes the
 * caller's argument expression (undefined for a lambda parameter without one), anything else itself.
 */
export function resolveArgument(
  node: MathNode | undefined,
  bound: ReadonlyMap<string, MathNode | undefined>,
): MathNode | undefined {
  if (node?.type === 'symbol' && bound.has(node.name)) return bound.get(node.name);
  return node;
}
