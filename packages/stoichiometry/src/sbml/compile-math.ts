import { SbmlUnsupportedError } from './errors';
import { type MathNode, resolveArgument, substituteBound } from './math-tree';

/** A compiled expression: reads symbol values from the value vector `v`. */
export type Evaluator = (v: Float64Array) => number;

export interface CompileContext {
  /** Slot in the value vector of a model symbol; throws for unknown names. */
  slot(name: string): number;
  /** Slot holding the current time. */
  timeSlot: number;
  functions: ReadonlyMap<string, { params: string[]; body: MathNode }>;
  where: string;
  /**
   * The evaluator of rateOf(`name`) for a model symbol `name` (see `ode-model.ts`); absent where no
   * rates are available, and then a rateOf is refused.
   */
  rateOf?(name: string): Evaluator;
  /**
   * The evaluator of a delay csymbol (see `ode-model.ts`): given the compiled delayed expression and
   * delay time, and both as expressions of model symbols (function parameters replaced by the
   * caller's arguments) for the dependency analysis. Absent where no history exists: then a delay
   * is refused.
   */
  delay?(use: DelayCompile): Evaluator;
}

/** What `CompileContext.delay` receives for delay(arg, delay). */
export interface DelayCompile {
  /** The delayed expression, compiled: evaluated on the value vector of the past time. */
  arg: Evaluator;
  /** The delay time, compiled: evaluated on the current value vector. */
  delay: Evaluator;
  argNode: MathNode;
  delayNode: MathNode;
}

/**
 * Turn a MathNode into a tree of closures. Symbols become fixed slot reads and function calls are
 * inlined at compile time, so evaluation does no lookups and no allocation.
 */
export function compileMath(
  node: MathNode,
  ctx: CompileContext,
  bound: ReadonlyMap<string, Evaluator> = new Map(),
  boundNodes: ReadonlyMap<string, MathNode | undefined> = new Map(),
): Evaluator {
  switch (node.type) {
    case 'number': {
      const c = node.value;
      const e: Evaluator = () => c;
      CONSTANT.set(e, c);
      return e;
    }
    case 'time': {
      const s = ctx.timeSlot;
      return (v) => v[s]!;
    }
    case 'symbol': {
      const b = bound.get(node.name);
      if (b) return b;
      const s = ctx.slot(node.name);
      const e: Evaluator = (v) => v[s]!;
      SLOT.set(e, s);
      return e;
    }
    case 'call': {
      const fn = ctx.functions.get(node.name);
      if (!fn) throw new TypeError(`${ctx.where}: call of undefined function "${node.name}"`);
      if (fn.params.length !== node.args.length) {
        throw new TypeError(
          `${ctx.where}: ${node.name} takes ${fn.params.length} arguments, got ${node.args.length}`,
        );
      }
      // Function bodies see only their own arguments (SBML), bound to the caller's compiled arguments.
      const args = new Map(
        fn.params.map((p, k) => [p, compileMath(node.args[k]!, ctx, bound, boundNodes)] as const),
      );
      // The argument expressions as the caller wrote them, in model symbols, for a rateOf of a
      // parameter and for the dependencies of a delay.
      const nodes = new Map(
        fn.params.map((p, k) => [p, substituteBound(node.args[k]!, boundNodes)] as const),
      );
      return compileMath(fn.body, { ...ctx, where: `${ctx.where} → ${node.name}` }, args, nodes);
    }
    case 'rateOf': {
      const target = resolveArgument(node.arg, boundNodes);
      if (target?.type !== 'symbol') {
        const what =
          node.arg.type === 'symbol'
            ? `rateOf(${node.arg.name}) of the function argument ${node.arg.name}, which is an expression`
            : 'rateOf of an expression';
        throw new SbmlUnsupportedError(
          'csymbol',
          `${what} in ${ctx.where}: only the rate of a model symbol is computed`,
        );
      }
      if (!ctx.rateOf) throw new SbmlUnsupportedError('csymbol', `rateOf is not available in ${ctx.where}`);
      return ctx.rateOf(target.name);
    }
    case 'delay': {
      if (!ctx.delay) throw new SbmlUnsupportedError('csymbol', `delay is not available in ${ctx.where}`);
      return ctx.delay({
        arg: compileMath(node.arg, ctx, bound, boundNodes),
        delay: compileMath(node.delay, ctx, bound, boundNodes),
        argNode: substituteBound(node.arg, boundNodes),
        delayNode: substituteBound(node.delay, boundNodes),
      });
    }
    case 'piecewise': {
      const values = node.pieces.map(([value]) => compileMath(value, ctx, bound, boundNodes));
      const conds = node.pieces.map(([, cond]) => compileMath(cond, ctx, bound, boundNodes));
      const otherwise = node.otherwise
        ? compileMath(node.otherwise, ctx, bound, boundNodes)
        : () => Number.NaN;
      const n = values.length;
      return (v) => {
        for (let k = 0; k < n; k++) if (conds[k]!(v)) return values[k]!(v);
        return otherwise(v);
      };
    }
    case 'lambda':
      throw new TypeError(`${ctx.where}: a lambda can only appear in a function definition`);
    case 'apply':
      return compileApply(node, ctx, bound, boundNodes);
  }
}

function compileApply(
  node: Extract<MathNode, { type: 'apply' }>,
  ctx: CompileContext,
  bound: ReadonlyMap<string, Evaluator>,
  boundNodes: ReadonlyMap<string, MathNode | undefined>,
): Evaluator {
  const sub = (x: MathNode): Evaluator => compileMath(x, ctx, bound, boundNodes);
  const a = node.args.map(sub);
  const [x, y] = a as [Evaluator, Evaluator];
  const n = a.length;
  const unary =
    (fn: (z: number) => number): Evaluator =>
    (v) =>
      fn(x(v));
  switch (node.op) {
    case 'plus':
      if (n === 2) return binary('plus', x, y);
      return fold(a, 0, 'plus');
    case 'times':
      if (n === 2) return binary('times', x, y);
      return fold(a, 1, 'times');
    case 'minus': {
      if (n === 2) return binary('minus', x, y);
      const i = SLOT.get(x);
      return i !== undefined ? (v) => -v[i]! : (v) => -x(v);
    }
    case 'divide':
      return binary('divide', x, y);
    case 'power':
      return (v) => Math.pow(x(v), y(v));
    case 'root': {
      const deg = node.degree ? sub(node.degree) : () => 2;
      return (v) => {
        const d = deg(v);
        const b = x(v);
        // Odd integer roots of negative numbers are real.
        if (b < 0 && Number.isInteger(d) && Math.abs(d % 2) === 1) return -Math.pow(-b, 1 / d);
        return Math.pow(b, 1 / d);
      };
    }
    case 'abs':
      return unary(Math.abs);
    case 'exp':
      return unary(Math.exp);
    case 'ln':
      return unary(Math.log);
    case 'log': {
      const base = node.logbase ? sub(node.logbase) : () => 10;
      return (v) => Math.log(x(v)) / Math.log(base(v));
    }
    case 'floor':
      return unary(Math.floor);
    case 'ceiling':
      return unary(Math.ceil);
    case 'factorial':
      return unary(factorial);
    case 'sin':
      return unary(Math.sin);
    case 'cos':
      return unary(Math.cos);
    case 'tan':
      return unary(Math.tan);
    case 'sec':
      return unary((z) => 1 / Math.cos(z));
    case 'csc':
      return unary((z) => 1 / Math.sin(z));
    case 'cot':
      return unary((z) => 1 / Math.tan(z));
    case 'sinh':
      return unary(Math.sinh);
    case 'cosh':
      return unary(Math.cosh);
    case 'tanh':
      return unary(Math.tanh);
    case 'sech':
      return unary((z) => 1 / Math.cosh(z));
    case 'csch':
      return unary((z) => 1 / Math.sinh(z));
    case 'coth':
      return unary((z) => 1 / Math.tanh(z));
    case 'arcsin':
      return unary(Math.asin);
    case 'arccos':
      return unary(Math.acos);
    case 'arctan':
      return unary(Math.atan);
    case 'arcsec':
      return unary((z) => Math.acos(1 / z));
    case 'arccsc':
      return unary((z) => Math.asin(1 / z));
    case 'arccot':
      return unary((z) => Math.atan(1 / z));
    case 'arcsinh':
      return unary(Math.asinh);
    case 'arccosh':
      return unary(Math.acosh);
    case 'arctanh':
      return unary(Math.atanh);
    case 'arcsech':
      return unary((z) => Math.acosh(1 / z));
    case 'arccsch':
      return unary((z) => Math.asinh(1 / z));
    case 'arccoth':
      return unary((z) => Math.atanh(1 / z));
    case 'eq':
      return chain(a, (p, q) => p === q);
    case 'neq':
      return (v) => (x(v) !== y(v) ? 1 : 0);
    case 'gt':
      return chain(a, (p, q) => p > q);
    case 'lt':
      return chain(a, (p, q) => p < q);
    case 'geq':
      return chain(a, (p, q) => p >= q);
    case 'leq':
      return chain(a, (p, q) => p <= q);
    case 'and':
      return (v) => {
        for (let k = 0; k < n; k++) if (!a[k]!(v)) return 0;
        return 1;
      };
    case 'or':
      return (v) => {
        for (let k = 0; k < n; k++) if (a[k]!(v)) return 1;
        return 0;
      };
    case 'xor':
      return (v) => {
        let c = 0;
        for (let k = 0; k < n; k++) if (a[k]!(v)) c++;
        return c % 2;
      };
    case 'not':
      return (v) => (x(v) ? 0 : 1);
    case 'implies':
      return (v) => (!x(v) || y(v) ? 1 : 0);
    case 'max':
      return (v) => {
        let m = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < n; k++) m = Math.max(m, a[k]!(v));
        return m;
      };
    case 'min':
      return (v) => {
        let m = Number.POSITIVE_INFINITY;
        for (let k = 0; k < n; k++) m = Math.min(m, a[k]!(v));
        return m;
      };
    case 'rem':
      return (v) => x(v) % y(v);
    case 'quotient':
      return (v) => Math.trunc(x(v) / y(v));
    default:
      throw new TypeError(`${ctx.where}: operator <${node.op}> has no evaluator`);
  }
}

/**
 * The evaluators that read one slot of the value vector, and those that return a constant: their
 * parents read the slot or the number themselves instead of calling them. A large model spends its
 * right-hand side in these calls (each also boxes its result), so mass-action rate laws such as
 * k·S1·S2 evaluate in one call instead of four; the arithmetic, and its order, is unchanged.
 */
const SLOT = new WeakMap<Evaluator, number>();
const CONSTANT = new WeakMap<Evaluator, number>();

/** x op y, with slot reads and constants among x and y inlined. */
function binary(op: 'plus' | 'minus' | 'times' | 'divide', x: Evaluator, y: Evaluator): Evaluator {
  const i = SLOT.get(x);
  const j = SLOT.get(y);
  const c = CONSTANT.get(x);
  const d = CONSTANT.get(y);
  switch (op) {
    case 'plus':
      if (i !== undefined && j !== undefined) return (v) => v[i]! + v[j]!;
      if (i !== undefined && d !== undefined) return (v) => v[i]! + d;
      if (c !== undefined && j !== undefined) return (v) => c + v[j]!;
      if (i !== undefined) return (v) => v[i]! + y(v);
      if (j !== undefined) return (v) => x(v) + v[j]!;
      return (v) => x(v) + y(v);
    case 'minus':
      if (i !== undefined && j !== undefined) return (v) => v[i]! - v[j]!;
      if (i !== undefined && d !== undefined) return (v) => v[i]! - d;
      if (c !== undefined && j !== undefined) return (v) => c - v[j]!;
      if (i !== undefined) return (v) => v[i]! - y(v);
      if (j !== undefined) return (v) => x(v) - v[j]!;
      return (v) => x(v) - y(v);
    case 'times':
      if (i !== undefined && j !== undefined) return (v) => v[i]! * v[j]!;
      if (i !== undefined && d !== undefined) return (v) => v[i]! * d;
      if (c !== undefined && j !== undefined) return (v) => c * v[j]!;
      if (i !== undefined) return (v) => v[i]! * y(v);
      if (j !== undefined) return (v) => x(v) * v[j]!;
      if (c !== undefined) return (v) => c * y(v);
      if (d !== undefined) return (v) => x(v) * d;
      return (v) => x(v) * y(v);
    case 'divide':
      if (i !== undefined && j !== undefined) return (v) => v[i]! / v[j]!;
      if (i !== undefined && d !== undefined) return (v) => v[i]! / d;
      if (c !== undefined && j !== undefined) return (v) => c / v[j]!;
      if (i !== undefined) return (v) => v[i]! / y(v);
      if (j !== undefined) return (v) => x(v) / v[j]!;
      return (v) => x(v) / y(v);
  }
}

/** The sum or product of `a` from `start`, left to right, slot reads inlined. */
function fold(a: readonly Evaluator[], start: number, op: 'plus' | 'times'): Evaluator {
  const n = a.length;
  const slots = Int32Array.from(a, (e) => SLOT.get(e) ?? -1);
  if (op === 'plus') {
    return (v) => {
      let s = start;
      for (let k = 0; k < n; k++) {
        const i = slots[k]!;
        s += i >= 0 ? v[i]! : a[k]!(v);
      }
      return s;
    };
  }
  return (v) => {
    let s = start;
    for (let k = 0; k < n; k++) {
      const i = slots[k]!;
      s *= i >= 0 ? v[i]! : a[k]!(v);
    }
    return s;
  };
}

function chain(a: readonly Evaluator[], holds: (p: number, q: number) => boolean): Evaluator {
  const n = a.length;
  return (v) => {
    let prev = a[0]!(v);
    for (let k = 1; k < n; k++) {
      const next = a[k]!(v);
      if (!holds(prev, next)) return 0;
      prev = next;
    }
    return 1;
  };
}

function factorial(z: number): number {
  if (!Number.isInteger(z) || z < 0) return Number.NaN;
  let p = 1;
  for (let k = 2; k <= z; k++) p *= k;
  return p;
}
