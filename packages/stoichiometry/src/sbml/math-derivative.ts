/**
 * Symbolic differentiation of MathML expression trees (`MathNode`): exact ∂e/∂name trees for the
 * rates of an SBML model (∂f/∂y, ∂f/∂p, vector–Jacobian products), compiled by `compileMath` like
 * any other expression. No finite differences and no source text: derivatives are trees of the
 * same operators that `compileMath` evaluates.
 *
 * Trees are immutable: results share subtrees with their inputs (e.g. d(exp u) = exp u · u' reuses
 * the node exp u), and nothing is ever mutated.
 *
 * Conventions where a function is not differentiable: abs'(0) = 0; floor, ceiling, factorial,
 * quotient, relations and logical operators have derivative 0 (their value is piecewise constant);
 * min/max take the derivative of the argument they select (the first one on ties, a one-sided
 * derivative); piecewise differentiates the selected branch (conditions are not differentiated,
 * so at a branch boundary the result is a one-sided derivative); rem(u, v) = u − trunc(u/v)·v has
 * derivative u' − quotient(u, v)·v'. Where the function itself is singular (ln 0, root of 0, …) the
 * derivative evaluates to ±∞ or NaN as the formula gives.
 */
import { type CompileContext, compileMath, type Evaluator } from './compile-math';
import { SbmlUnsupportedError } from './errors';
import { type MathNode, substituteBound } from './math-tree';

/** Function definitions as `readSbml` returns them (`SbmlModel.functions`). */
export type FunctionDefinitions = ReadonlyMap<string, { params: string[]; body: MathNode }>;

/** What a derivative is taken with respect to: a model symbol, or the time csymbol. */
export type DerivativeVariable = { type: 'symbol'; name: string } | { type: 'time' };

type Apply = Extract<MathNode, { type: 'apply' }>;
/** The csymbols whose derivatives depend on the whole model (rates, past states). */
export type OpaqueNode = Extract<MathNode, { type: 'rateOf' | 'delay' }>;

export interface DifferentiateOptions {
  /** Simplify the result with `simplify` (default true). */
  simplify?: boolean;
  /**
   * The derivative of a rateOf or delay node (function parameters already replaced by the caller's
   * arguments), for a caller that knows the model. Without it such a node throws
   * `SbmlUnsupportedError` when its derivative is needed.
   */
  opaque?(node: OpaqueNode, variable: DerivativeVariable): MathNode;
}

// ---------------------------------------------------------------------------------------------
// Node constructors with local simplification (constant folding, neutral and absorbing elements).
// They assume finite values: 0·x → 0 and x/1 → x hold for every finite x (not for x = ∞ or NaN).
// ---------------------------------------------------------------------------------------------

const constant = (value: number): MathNode => Object.freeze({ type: 'number', value }) as MathNode;
const ZERO = constant(0);
const ONE = constant(1);
const TWO = constant(2);
const TEN = constant(10);

const num = (value: number): MathNode => (value === 0 ? ZERO : value === 1 ? ONE : constant(value));
const isNumber = (n: MathNode, value: number): boolean => n.type === 'number' && n.value === value;
const isZero = (n: MathNode): boolean => isNumber(n, 0);
/** `n` if it applies `op` (not a type predicate: a false answer says nothing about the type). */
const asApply = (n: MathNode, op: string): Apply | undefined =>
  n.type === 'apply' && n.op === op ? n : undefined;
/** x for the unary minus −x, else undefined. */
const negated = (n: MathNode): MathNode | undefined => {
  const a = asApply(n, 'minus');
  return a && a.args.length === 1 ? a.args[0] : undefined;
};

/** The same value by construction: one node, equal numbers, the same symbol or time. */
function same(a: MathNode, b: MathNode): boolean {
  if (a === b) return true;
  if (a.type === 'number' && b.type === 'number') return Object.is(a.value, b.value);
  if (a.type === 'symbol' && b.type === 'symbol') return a.name === b.name;
  return a.type === 'time' && b.type === 'time';
}

const node = (op: string, args: MathNode[]): MathNode => ({ type: 'apply', op, args });

/** Evaluate an operator on constant arguments with `compileMath` itself (the same semantics). */
const FOLD_CONTEXT: CompileContext = {
  slot(name) {
    throw new TypeError(`constant folding: unexpected symbol ${name}`);
  },
  timeSlot: 0,
  functions: new Map(),
  where: 'constant folding',
};
const NO_VALUES = new Float64Array(1);
const fold = (n: MathNode): MathNode => num(compileMath(n, FOLD_CONTEXT)(NO_VALUES));

function add(terms: readonly MathNode[]): MathNode {
  let c = 0;
  const rest: MathNode[] = [];
  for (const t of terms) {
    if (t.type === 'number') c += t.value;
    else rest.push(t);
  }
  if (rest.length === 0) return num(c);
  if (c !== 0) rest.push(num(c));
  if (rest.length === 1) return rest[0]!;
  const last = rest.length === 2 ? negated(rest[1]!) : undefined;
  if (last) return sub(rest[0]!, last);
  return node('plus', rest);
}

function mul(factors: readonly MathNode[]): MathNode {
  let c = 1;
  const rest: MathNode[] = [];
  for (const f of factors) {
    const inner = negated(f);
    if (f.type === 'number') c *= f.value;
    else if (inner) {
      c = -c;
      rest.push(inner);
    } else rest.push(f);
  }
  if (c === 0) return ZERO;
  if (rest.length === 0) return num(c);
  const product = rest.length === 1 ? rest[0]! : node('times', rest);
  if (c === 1) return product;
  if (c === -1) return neg(product);
  return node('times', [num(c), ...rest]);
}

function neg(x: MathNode): MathNode {
  if (x.type === 'number') return num(-x.value);
  const inner = negated(x);
  if (inner) return inner;
  const difference = asApply(x, 'minus');
  if (difference) return node('minus', [difference.args[1]!, difference.args[0]!]);
  const product = asApply(x, 'times');
  const lead = product?.args[0];
  if (product && lead?.type === 'number') return mul([num(-lead.value), ...product.args.slice(1)]);
  return node('minus', [x]);
}

function sub(a: MathNode, b: MathNode): MathNode {
  if (isZero(b)) return a;
  if (isZero(a)) return neg(b);
  if (a.type === 'number' && b.type === 'number') return num(a.value - b.value);
  if (same(a, b)) return ZERO;
  const nb = negated(b);
  if (nb) return add([a, nb]);
  return node('minus', [a, b]);
}

function div(a: MathNode, b: MathNode): MathNode {
  if (isZero(a)) return ZERO;
  if (isNumber(b, 1)) return a;
  if (isNumber(b, -1)) return neg(a);
  if (a.type === 'number' && b.type === 'number') return num(a.value / b.value);
  const na = negated(a);
  if (na) return neg(div(na, b));
  const nb = negated(b);
  if (nb) return neg(div(a, nb));
  return node('divide', [a, b]);
}

function pow(a: MathNode, b: MathNode): MathNode {
  if (isZero(b) || isNumber(a, 1)) return ONE;
  if (isNumber(b, 1)) return a;
  if (a.type === 'number' && b.type === 'number') return num(Math.pow(a.value, b.value));
  if (isZero(a) && b.type === 'number' && b.value > 0) return ZERO;
  return node('power', [a, b]);
}

/** Any other operator: folded when every operand is a number. */
function fn(op: string, args: MathNode[], degree?: MathNode, logbase?: MathNode): MathNode {
  const out: Apply = { type: 'apply', op, args };
  if (degree) out.degree = degree;
  if (logbase) out.logbase = logbase;
  const allNumbers =
    args.every((a) => a.type === 'number') &&
    (!degree || degree.type === 'number') &&
    (!logbase || logbase.type === 'number');
  return allNumbers ? fold(out) : out;
}

function piecewise(pieces: Array<[MathNode, MathNode]>, otherwise: MathNode | undefined): MathNode {
  const kept: Array<[MathNode, MathNode]> = [];
  for (const [value, condition] of pieces) {
    if (condition.type === 'number') {
      // A constant condition: false drops the piece, true ends the search (compileMath's rule).
      if (!condition.value) continue;
      if (kept.length === 0) return value;
      otherwise = value;
      break;
    }
    kept.push([value, condition]);
  }
  if (kept.length === 0) return otherwise ?? num(Number.NaN);
  if (otherwise && kept.every(([v]) => same(v, otherwise!))) return otherwise;
  return otherwise ? { type: 'piecewise', pieces: kept, otherwise } : { type: 'piecewise', pieces: kept };
}

const sq = (x: MathNode): MathNode => pow(x, TWO);
const sqrt = (x: MathNode): MathNode => fn('root', [x]);
const ln = (x: MathNode): MathNode => fn('ln', [x]);

// ---------------------------------------------------------------------------------------------
// simplify
// ---------------------------------------------------------------------------------------------

/**
 * Constant folding and algebraic identities, bottom-up: x + 0, 0·x, 1·x, x − 0, 0 − x, x − x (the
 * same node or symbol), x/1, 0/x, x^1, x^0, 1^x, −(−x), −(a − b) = b − a, numbers pulled to the
 * front of products, nested sums and products flattened, constant conditions of piecewise resolved,
 * any operator on numbers evaluated by `compileMath`. Assumes finite values (0·x → 0 even where x
 * would be ∞ or NaN) and may re-associate constants in sums and products (last-bit rounding).
 *
 * Never mutates its input and returns the input node itself where nothing changes. Shared
 * subtrees stay shared: a nested sum or product is flattened into its parent only when that parent
 * is its only reference, so a derivative that is a DAG of size O(n) stays O(n). Time and memory are
 * O(DAG size).
 */
export function simplify(root: MathNode): MathNode {
  const parents = countParents(root);
  const memo = new Map<MathNode, MathNode>();
  const go = (n: MathNode): MathNode => {
    let out = memo.get(n);
    if (!out) {
      out = simplifyNode(n, go, parents);
      memo.set(n, out);
    }
    return out;
  };
  return go(root);
}

function simplifyNode(
  n: MathNode,
  go: (n: MathNode) => MathNode,
  parents: ReadonlyMap<MathNode, number>,
): MathNode {
  switch (n.type) {
    case 'number':
    case 'symbol':
    case 'time':
    case 'lambda':
    case 'rateOf':
      return n;
    case 'delay': {
      const arg = go(n.arg);
      const delay = go(n.delay);
      return arg === n.arg && delay === n.delay ? n : { type: 'delay', arg, delay };
    }
    case 'call': {
      const args = n.args.map(go);
      return sameList(args, n.args) ? n : { type: 'call', name: n.name, args };
    }
    case 'piecewise': {
      const pieces = n.pieces.map(([v, c]): [MathNode, MathNode] => [go(v), go(c)]);
      const otherwise = n.otherwise && go(n.otherwise);
      const out = piecewise(pieces, otherwise);
      if (
        out.type === 'piecewise' &&
        out.pieces.length === n.pieces.length &&
        out.otherwise === n.otherwise &&
        out.pieces.every(([v, c], k) => v === n.pieces[k]![0] && c === n.pieces[k]![1])
      )
        return n;
      return out;
    }
    case 'apply': {
      const args = n.args.map(go);
      const degree = n.degree && go(n.degree);
      const logbase = n.logbase && go(n.logbase);
      let out: MathNode;
      switch (n.op) {
        case 'plus':
        case 'times': {
          // Flatten only children referenced once: flattening a shared one would copy it.
          const flat: MathNode[] = [];
          args.forEach((a, k) => {
            const child = asApply(a, n.op);
            if (child && (parents.get(n.args[k]!) ?? 0) <= 1) flat.push(...child.args);
            else flat.push(a);
          });
          out = n.op === 'plus' ? add(flat) : mul(flat);
          break;
        }
        case 'minus':
          out = args.length === 1 ? neg(args[0]!) : sub(args[0]!, args[1]!);
          break;
        case 'divide':
          out = div(args[0]!, args[1]!);
          break;
        case 'power':
          out = pow(args[0]!, args[1]!);
          break;
        default:
          out = fn(n.op, args, degree, logbase);
      }
      if (
        out.type === 'apply' &&
        out.op === n.op &&
        sameList(out.args, n.args) &&
        out.degree === n.degree &&
        out.logbase === n.logbase
      )
        return n;
      return out;
    }
  }
}

const sameList = (a: readonly MathNode[], b: readonly MathNode[]): boolean =>
  a.length === b.length && a.every((x, k) => x === b[k]);

function children(n: MathNode): MathNode[] {
  switch (n.type) {
    case 'apply': {
      const out = [...n.args];
      if (n.degree) out.push(n.degree);
      if (n.logbase) out.push(n.logbase);
      return out;
    }
    case 'call':
      return n.args;
    case 'piecewise': {
      const out = n.pieces.flat();
      if (n.otherwise) out.push(n.otherwise);
      return out;
    }
    case 'lambda':
      return [n.body];
    case 'rateOf':
      return [n.arg];
    case 'delay':
      return [n.arg, n.delay];
    default:
      return [];
  }
}

/** How many references each node of a DAG has (edges into it). */
function countParents(root: MathNode): Map<MathNode, number> {
  const count = new Map<MathNode, number>();
  const stack = [root];
  const seen = new Set<MathNode>([root]);
  while (stack.length > 0) {
    for (const c of children(stack.pop()!)) {
      count.set(c, (count.get(c) ?? 0) + 1);
      if (!seen.has(c)) {
        seen.add(c);
        stack.push(c);
      }
    }
  }
  return count;
}

/** Number of nodes of the tree with shared subtrees counted at every use (what `compileMath` builds). */
export function treeSize(root: MathNode): number {
  const memo = new Map<MathNode, number>();
  const go = (n: MathNode): number => {
    let s = memo.get(n);
    if (s === undefined) {
      s = 1;
      for (const c of children(n)) s += go(c);
      memo.set(n, s);
    }
    return s;
  };
  return go(root);
}

/** Number of distinct node objects (the memory a DAG with shared subtrees takes). */
export function dagSize(root: MathNode): number {
  const seen = new Set<MathNode>([root]);
  const stack = [root];
  while (stack.length > 0) {
    for (const c of children(stack.pop()!)) {
      if (!seen.has(c)) {
        seen.add(c);
        stack.push(c);
      }
    }
  }
  return seen.size;
}

/**
 * `node` with every function call replaced by the function's body, parameters bound to the
 * argument expressions (the arguments are shared, not copied). Throws TypeError for an undefined
 * function or a wrong argument count, RangeError beyond 64 nested calls.
 */
export function inlineCalls(root: MathNode, functions: FunctionDefinitions): MathNode {
  const memo = new Map<MathNode, MathNode>();
  const go = (n: MathNode, depth: number): MathNode => {
    let out = memo.get(n);
    if (out) return out;
    if (n.type === 'call') {
      if (depth > 64) throw new RangeError('function definitions nest more than 64 deep (recursive?)');
      out = go(expandCall(n, functions, 'inlineCalls'), depth + 1);
    } else {
      const kids = children(n);
      const mapped = kids.map((c) => go(c, depth));
      out = sameList(mapped, kids) ? n : rebuild(n, mapped);
    }
    memo.set(n, out);
    return out;
  };
  return go(root, 0);
}

/** `n` with its `children` replaced (same order as `children`). */
function rebuild(n: MathNode, kids: MathNode[]): MathNode {
  switch (n.type) {
    case 'apply': {
      const out: Apply = { type: 'apply', op: n.op, args: kids.slice(0, n.args.length) };
      let k = n.args.length;
      if (n.degree) out.degree = kids[k++]!;
      if (n.logbase) out.logbase = kids[k]!;
      return out;
    }
    case 'call':
      return { type: 'call', name: n.name, args: kids };
    case 'piecewise': {
      const pieces: Array<[MathNode, MathNode]> = n.pieces.map((_, k) => [kids[2 * k]!, kids[2 * k + 1]!]);
      return n.otherwise
        ? { type: 'piecewise', pieces, otherwise: kids[2 * n.pieces.length]! }
        : { type: 'piecewise', pieces };
    }
    case 'lambda':
      return { type: 'lambda', params: n.params, body: kids[0]! };
    case 'rateOf':
      return { type: 'rateOf', arg: kids[0]! };
    case 'delay':
      return { type: 'delay', arg: kids[0]!, delay: kids[1]! };
    default:
      return n;
  }
}

function expandCall(n: Extract<MathNode, { type: 'call' }>, functions: FunctionDefinitions, where: string) {
  const f = functions.get(n.name);
  if (!f) throw new TypeError(`${where}: call of undefined function "${n.name}"`);
  if (f.params.length !== n.args.length) {
    throw new TypeError(`${where}: ${n.name} takes ${f.params.length} arguments, got ${n.args.length}`);
  }
  return substituteBound(f.body, new Map(f.params.map((p, k) => [p, n.args[k]!] as const)));
}

// ---------------------------------------------------------------------------------------------
// differentiate
// ---------------------------------------------------------------------------------------------

/** Operators whose value is piecewise constant: derivative 0 (almost everywhere). */
const CONSTANT_OPS = new Set([
  'floor',
  'ceiling',
  'factorial',
  'quotient',
  'eq',
  'neq',
  'gt',
  'lt',
  'geq',
  'leq',
  'and',
  'or',
  'xor',
  'not',
  'implies',
]);

/** Products with at least this many factors that depend on the variable use shared prefix/suffix products. */
const PREFIX_SUFFIX_FROM = 4;

class Differentiator {
  private readonly memo = new Map<MathNode, MathNode>();
  private readonly dependence = new Map<MathNode, boolean>();
  private readonly expanded = new Map<MathNode, MathNode>();
  private depth = 0;

  constructor(
    private readonly variable: DerivativeVariable,
    private readonly functions: FunctionDefinitions,
    private readonly options: DifferentiateOptions,
  ) {}

  /** Whether `n` may have a nonzero derivative (rateOf and delay always may). */
  depends(n: MathNode): boolean {
    const known = this.dependence.get(n);
    if (known !== undefined) return known;
    let out: boolean;
    switch (n.type) {
      case 'number':
        out = false;
        break;
      case 'symbol':
        out = this.variable.type === 'symbol' && n.name === this.variable.name;
        break;
      case 'time':
        out = this.variable.type === 'time';
        break;
      case 'rateOf':
      case 'delay':
      case 'lambda':
        out = true;
        break;
      case 'call':
        out = this.nested(() => this.depends(this.expand(n)));
        break;
      case 'piecewise':
        out = n.pieces.some(([v]) => this.depends(v)) || (!!n.otherwise && this.depends(n.otherwise));
        break;
      case 'apply':
        out =
          !CONSTANT_OPS.has(n.op) &&
          (n.args.some((a) => this.depends(a)) ||
            (!!n.degree && this.depends(n.degree)) ||
            (!!n.logbase && this.depends(n.logbase)));
        break;
    }
    this.dependence.set(n, out);
    return out;
  }

  /** The derivative tree of `n` (locally simplified; memoized per node, so shared subtrees once). */
  d(n: MathNode): MathNode {
    if (!this.depends(n)) return ZERO;
    let out = this.memo.get(n);
    if (!out) {
      out = this.derive(n);
      this.memo.set(n, out);
    }
    return out;
  }

  private nested<T>(f: () => T): T {
    if (this.depth >= 64) throw new RangeError('function definitions nest more than 64 deep (recursive?)');
    this.depth++;
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private expand(n: Extract<MathNode, { type: 'call' }>): MathNode {
    let out = this.expanded.get(n);
    if (!out) {
      out = expandCall(n, this.functions, 'differentiate');
      this.expanded.set(n, out);
    }
    return out;
  }

  private derive(n: MathNode): MathNode {
    switch (n.type) {
      case 'symbol':
      case 'time':
        return ONE; // `depends` said it is the variable
      case 'call':
        // Inlined (as compileMath does): d f(a₁…aₙ) = d body[pᵢ := aᵢ]. The arguments stay shared.
        return this.nested(() => this.d(this.expand(n)));
      case 'rateOf':
      case 'delay': {
        if (this.options.opaque) return this.options.opaque(n, this.variable);
        const what = n.type === 'rateOf' ? 'rateOf' : 'delay';
        const wrt = this.variable.type === 'time' ? 'time' : this.variable.name;
        throw new SbmlUnsupportedError(
          'csymbol',
          `the derivative of the ${what} csymbol with respect to ${wrt} depends on the whole model ` +
            '(it is not a function of the symbols it names): differentiate it at the model level',
        );
      }
      case 'lambda':
        throw new TypeError('differentiate: a lambda can only appear in a function definition');
      case 'piecewise':
        return piecewise(
          n.pieces.map(([v, c]) => [this.d(v), c]),
          n.otherwise && this.d(n.otherwise),
        );
      case 'apply':
        return this.deriveApply(n);
      default:
        return ZERO;
    }
  }

  private deriveApply(n: Apply): MathNode {
    const u = n.args[0]!;
    const v = n.args[1]!;
    const du = (): MathNode => this.d(u);
    switch (n.op) {
      case 'plus':
        return add(n.args.map((a) => this.d(a)));
      case 'minus':
        return n.args.length === 1 ? neg(du()) : sub(du(), this.d(v));
      case 'times':
        return this.product(n);
      case 'divide': {
        const dv = this.d(v);
        if (isZero(dv)) return div(du(), v);
        // (u/v)' = (u' − (u/v)·v')/v: reuses the quotient node, no v² (overflow) term.
        return div(sub(du(), mul([n, dv])), v);
      }
      case 'power': {
        // d(u^v) = v·u^(v−1)·u' + u^v·ln u·v' (the partials in u and in v). The first term is the
        // constant-exponent rule, right at u = 0 (0 for v > 1); the second is taken as 0 where
        // u = 0, its limit for v > 0 (a Hill term (S/K)^n at S = 0 has ∂/∂n = 0, not 0·ln 0 = NaN).
        const dU = du();
        const dv = this.d(v);
        const terms: MathNode[] = [];
        if (!isZero(dU)) {
          const lower = v.type === 'number' ? num(v.value - 1) : sub(v, ONE);
          terms.push(mul([v, pow(u, lower), dU]));
        }
        if (!isZero(dv)) {
          const slope = mul([n, ln(u)]);
          const guarded = u.type === 'number' ? slope : piecewise([[ZERO, node('eq', [u, ZERO])]], slope);
          terms.push(mul([guarded, dv]));
        }
        return add(terms);
      }
      case 'root': {
        // r = u^(1/d) (odd roots of negatives: −(−u)^(1/d)); r' = r·(u'/u − d'·ln u/d)/d.
        const degree = n.degree ?? TWO;
        const dd = this.d(degree);
        if (isZero(dd)) return div(mul([n, du()]), mul([degree, u]));
        return mul([div(n, degree), sub(div(du(), u), div(mul([dd, ln(u)]), degree))]);
      }
      case 'exp':
        return mul([n, du()]);
      case 'ln':
        return div(du(), u);
      case 'log': {
        // log_b u = ln u / ln b; (log_b u)' = (u'/u − log_b u · b'/b) / ln b.
        const base = n.logbase ?? TEN;
        const db = this.d(base);
        if (isZero(db)) return div(du(), mul([u, ln(base)]));
        return div(sub(div(du(), u), div(mul([n, db]), base)), ln(base));
      }
      case 'abs': {
        const dU = du();
        return piecewise(
          [
            [dU, node('gt', [u, ZERO])],
            [neg(dU), node('lt', [u, ZERO])],
          ],
          ZERO,
        );
      }
      case 'rem':
        // JavaScript's % is u − trunc(u/v)·v.
        return sub(du(), mul([node('quotient', [u, v]), this.d(v)]));
      case 'max':
      case 'min':
        return this.extremum(n);
      case 'sin':
        return mul([fn('cos', [u]), du()]);
      case 'cos':
        return neg(mul([fn('sin', [u]), du()]));
      case 'tan':
        return div(du(), sq(fn('cos', [u])));
      case 'sec':
        return mul([n, fn('tan', [u]), du()]);
      case 'csc':
        return neg(mul([n, fn('cot', [u]), du()]));
      case 'cot':
        return neg(div(du(), sq(fn('sin', [u]))));
      case 'sinh':
        return mul([fn('cosh', [u]), du()]);
      case 'cosh':
        return mul([fn('sinh', [u]), du()]);
      case 'tanh':
        return div(du(), sq(fn('cosh', [u])));
      case 'sech':
        return neg(mul([n, fn('tanh', [u]), du()]));
      case 'csch':
        return neg(mul([n, fn('coth', [u]), du()]));
      case 'coth':
        return neg(div(du(), sq(fn('sinh', [u]))));
      case 'arcsin':
        return div(du(), sqrt(sub(ONE, sq(u))));
      case 'arccos':
        return neg(div(du(), sqrt(sub(ONE, sq(u)))));
      case 'arctan':
        return div(du(), add([ONE, sq(u)]));
      // The reciprocal inverses are evaluated as arccos(1/u) etc.: chain rule through w = 1/u.
      case 'arcsec':
        return div(du(), mul([sq(u), sqrt(sub(ONE, div(ONE, sq(u))))]));
      case 'arccsc':
        return neg(div(du(), mul([sq(u), sqrt(sub(ONE, div(ONE, sq(u))))])));
      case 'arccot':
        return neg(div(du(), add([sq(u), ONE])));
      case 'arcsinh':
        return div(du(), sqrt(add([sq(u), ONE])));
      case 'arccosh':
        return div(du(), sqrt(sub(sq(u), ONE)));
      case 'arctanh':
        return div(du(), sub(ONE, sq(u)));
      case 'arcsech':
        return neg(div(du(), mul([sq(u), sqrt(sub(div(ONE, sq(u)), ONE))])));
      case 'arccsch':
        return neg(div(du(), mul([sq(u), sqrt(add([div(ONE, sq(u)), ONE]))])));
      case 'arccoth':
        return neg(div(du(), sub(sq(u), ONE)));
      default:
        throw new TypeError(`differentiate: operator <${n.op}> has no derivative rule`);
    }
  }

  /**
   * n-ary product rule. Factors that do not depend on the variable are kept once, outside:
   * d(C·g₁⋯g_m) = C·Σₖ (Π_{j≠k} g_j)·g_k', where a symbol repeated c times is one group g = x^c
   * with g' = c·x^(c−1)·x'. With m ≥ 4 groups the products Π_{j≠k} are prefix·suffix products
   * shared between terms, so the result is a DAG of O(n + Σ|g_k'|) nodes; expanded as a tree (as
   * `compileMath` evaluates it) it has O(n + m² + Σ|g_k'|) nodes. With one dependent group (mass
   * action: each species in one factor) the derivative is C·(other factors)·g' — smaller than the
   * input plus g'.
   */
  private product(n: Apply): MathNode {
    const factors: MathNode[] = [];
    const collect = (x: MathNode): void => {
      const product = asApply(x, 'times');
      if (product) product.args.forEach(collect);
      else factors.push(x);
    };
    collect(n);
    const fixed: MathNode[] = [];
    const groups: Array<{ node: MathNode; count: number }> = [];
    const bySymbol = new Map<string, { node: MathNode; count: number }>();
    for (const f of factors) {
      if (!this.depends(f)) fixed.push(f);
      else if (f.type === 'symbol') {
        const g = bySymbol.get(f.name);
        if (g) g.count++;
        else {
          const group = { node: f, count: 1 };
          bySymbol.set(f.name, group);
          groups.push(group);
        }
      } else groups.push({ node: f, count: 1 });
    }
    const m = groups.length;
    const value = groups.map(({ node: g, count }) =>
      count === 1 ? g : node('times', Array<MathNode>(count).fill(g)),
    );
    const slope = groups.map(({ node: g, count }) =>
      count === 1 ? this.d(g) : mul([num(count), pow(g, num(count - 1)), this.d(g)]),
    );
    let sum: MathNode;
    if (m < PREFIX_SUFFIX_FROM) {
      sum = add(slope.map((s, k) => mul([...value.filter((_, j) => j !== k), s])));
    } else {
      const prefix: MathNode[] = [value[0]!];
      for (let k = 1; k < m - 1; k++) prefix.push(node('times', [prefix[k - 1]!, value[k]!]));
      const suffix: MathNode[] = [];
      suffix[m - 1] = value[m - 1]!;
      for (let k = m - 2; k > 0; k--) suffix[k] = node('times', [value[k]!, suffix[k + 1]!]);
      sum = add(
        slope.map((s, k) => {
          const others: MathNode[] = [];
          if (k > 0) others.push(prefix[k - 1]!);
          if (k < m - 1) others.push(suffix[k + 1]!);
          return mul([...others, s]);
        }),
      );
    }
    return mul([...fixed, sum]);
  }

  /** max/min: the derivative of the argument selected (the first of equal ones), as a piecewise. */
  private extremum(n: Apply): MathNode {
    const args = n.args;
    const slopes = args.map((a) => this.d(a));
    if (args.length === 1) return slopes[0]!;
    const relation = n.op === 'max' ? 'geq' : 'leq';
    const pieces: Array<[MathNode, MathNode]> = [];
    for (let k = 0; k < args.length - 1; k++) {
      const tests = args.slice(k + 1).map((b) => node(relation, [args[k]!, b]));
      pieces.push([slopes[k]!, tests.length === 1 ? tests[0]! : node('and', tests)]);
    }
    return piecewise(pieces, slopes[args.length - 1]);
  }
}

function run(
  variable: DerivativeVariable,
  root: MathNode,
  functions: FunctionDefinitions,
  options: DifferentiateOptions,
) {
  const raw = new Differentiator(variable, functions, options).d(root);
  return options.simplify === false ? raw : simplify(raw);
}

/**
 * The exact derivative tree ∂node/∂name, every other symbol (and time) held fixed. Function calls
 * are inlined (body with the parameters bound to the argument trees, shared) before
 * differentiation, as `compileMath` inlines them; the values of calls in the result stay `call`
 * nodes, so compile the result with the same `functions`.
 *
 * Cost: one visit per distinct node (memoized), so O(DAG size) time, plus the product rule's
 * O(m²) for a product with m factors that depend on `name` (see the README). The derivative of
 * rateOf and delay needs the model: `SbmlUnsupportedError` naming the csymbol unless
 * `options.opaque` provides it.
 */
export function differentiate(
  root: MathNode,
  name: string,
  functions: FunctionDefinitions = new Map(),
  options: DifferentiateOptions = {},
): MathNode {
  return run({ type: 'symbol', name }, root, functions, options);
}

/** ∂node/∂t for the time csymbol: the explicit time dependence, every symbol held fixed. */
export function differentiateTime(
  root: MathNode,
  functions: FunctionDefinitions = new Map(),
  options: DifferentiateOptions = {},
): MathNode {
  return run({ type: 'time' }, root, functions, options);
}

/** One simplified derivative tree per name: [∂node/∂names[0], ∂node/∂names[1], …]. */
export function gradientTrees(
  root: MathNode,
  names: readonly string[],
  functions: FunctionDefinitions = new Map(),
  options: DifferentiateOptions = {},
): MathNode[] {
  return names.map((name) => differentiate(root, name, functions, options));
}

/** Compiled partial derivatives of one expression (see `compileGradient`). */
export interface CompiledGradient {
  names: readonly string[];
  /** The simplified derivative trees, one per name. */
  trees: MathNode[];
  /** ∂e/∂names[k] as a `compileMath` evaluator on the caller's value vector. */
  partials: Evaluator[];
  /** Every partial at `v`, written to `out` (length ≥ names.length) and returned; allocates nothing. */
  evaluate(v: Float64Array, out: Float64Array): Float64Array;
}

/**
 * Numeric ∂e/∂name evaluators: `gradientTrees`, compiled with `compileMath` under `ctx` (the same
 * slots, time slot and function definitions as the expression's own evaluator). A derivative that
 * is identically 0 compiles to a constant.
 */
export function compileGradient(
  root: MathNode,
  names: readonly string[],
  ctx: CompileContext,
  options: DifferentiateOptions = {},
): CompiledGradient {
  const trees = gradientTrees(root, names, ctx.functions, options);
  const partials = trees.map((t, k) => compileMath(t, { ...ctx, where: `${ctx.where} ∂/∂${names[k]}` }));
  const n = partials.length;
  return {
    names,
    trees,
    partials,
    evaluate(v, out) {
      for (let k = 0; k < n; k++) out[k] = partials[k]!(v);
      return out;
    },
  };
}
