import type { RhsFunction } from '@kinetica/ode-core';
import { matchAlgebraicRules, newtonSolve } from './algebraic';
import { compileMath, type CompileContext, type DelayCompile, type Evaluator } from './compile-math';
import { DelayHistory, type DelayedRead } from './delay-history';
import { compileGradient } from './math-derivative';
import {
  buildDerivatives,
  type DerivativeTape,
  type ItemGrad,
  type SbmlOdeDerivatives,
  type SbmlOdeParameter,
} from './model-derivatives';
import type { SbmlModel } from './document';
import { SbmlUnsupportedError } from './errors';
import {
  currentSymbols,
  formatMath,
  freeSymbols,
  type MathNode,
  rateOfKey,
  rateOfTarget,
  readsTime,
  someNode,
} from './math-tree';

/** How a reported species value is expressed. */
export type QuantityKind = 'amount' | 'concentration' | 'value';

/**
 * An SBML model compiled to an ODE y' = f(t, y). The state holds the amount of every species without a
 * rule (so varying compartments are handled as SBML prescribes: reactions change amounts, symbols read
 * concentrations) and the variables of rate rules in their own units.
 */
export interface SbmlOde {
  /** Names of the state components (species ids hold amounts unless they carry a rate rule). */
  readonly stateNames: readonly string[];
  readonly y0: Float64Array;
  readonly f: RhsFunction;
  /**
   * A reader for a symbol's reported value at state (t, y): species as amount or concentration,
   * anything else as its value. Each call of the returned function re-evaluates assignment rules.
   */
  reader(symbol: string, kind: QuantityKind): (t: number, y: Float64Array) => number;
  /**
   * A reader of several symbols at once (as `reader` reads each): the returned function evaluates the
   * model once at (t, y) and writes the values into `out` from `offset` on. The output of a large
   * model reads every species per row; one evaluation per symbol would cost O(n²) per row.
   */
  readers(
    requests: ReadonlyArray<{ readonly symbol: string; readonly kind: QuantityKind }>,
  ): (t: number, y: Float64Array, out: Float64Array | number[], offset?: number) => void;
  /**
   * The structural sparsity pattern of ∂f/∂y (the `jacSparsity` of an ODEProblem): `jacSparsity[i]`
   * lists, ascending, the state components j whose value the derivative of component i reads, directly
   * or through assignment rules, concentrations (amount ÷ compartment size), rateOf, algebraic rules,
   * conversion factors and species-reference values. Exact up to the structure of the math (a symbol
   * read anywhere in an expression counts, in every branch of a piecewise; a product with a factor
   * that happens to be 0 still counts). A derivative that reads a delay csymbol (directly or through
   * what it reads) gets a dense row: the history is not analysed.
   */
  readonly jacSparsity: ReadonlyArray<Int32Array>;
  /** The model's events in document order (empty when it has none). */
  readonly events: readonly SbmlOdeEvent[];
  /**
   * Present when the model uses the delay csymbol: the simulated past that delays read. A simulation
   * loop must `mark` the start of every piece it integrates (and the state after every event
   * execution), `extend` it with the solver's dense output once integrated, and never integrate a
   * piece longer than the smallest of `history.delays` (see `simulateSbml`).
   */
  readonly history?: DelayHistory;
  /**
   * Present when the model has algebraic rules: how many of their solves failed after the initial
   * values (the algebraic variables are then NaN, so the solver rejects the step or stops, and an
   * output row reads NaN), and why the last one did.
   */
  readonly algebraicFailures?: { readonly count: number; readonly last?: string };
  /**
   * The parameter vector: every global parameter, compartment size and species-reference
   * stoichiometry that no rule, event or algebraic rule changes, then the local parameters of the
   * kinetic laws (as `reaction.param`), in document order.
   */
  readonly params: readonly SbmlOdeParameter[];
  /** The parameters' current values (a new array). */
  paramValues(): Float64Array;
  /** Set the parameters' values (what f, the events and the readers read from now on). */
  setParamValues(p: ArrayLike<number>): void;
  /**
   * Exact ∂f/∂y, ∂f/∂p and vector–Jacobian products by symbolic differentiation (built on first
   * call). Throws `SbmlUnsupportedError` for models whose right-hand side reads a delay csymbol or
   * solves algebraic rules (no analytic Jacobian is offered for those).
   */
  derivatives(): SbmlOdeDerivatives;
}

/** A compiled SBML event. Every function reads the model at state (t, y) (assignment rules re-evaluated). */
export interface SbmlOdeEvent {
  readonly id: string;
  readonly initialValue: boolean;
  readonly persistent: boolean;
  readonly useValuesFromTriggerTime: boolean;
  /** Whether the (boolean) trigger holds: exactly when `g` > 0. */
  holds(t: number, y: Float64Array): boolean;
  /**
   * A function whose sign is the trigger's value (positive: true; never 0), continuous away from the
   * trigger's switching points, which are its sign changes: x − c for x > c, min for `and`, max for
   * `or`, −g for `not`.
   */
  g(t: number, y: Float64Array): number;
  /**
   * For a compound trigger (`and`, `or`, `not`), the relational parts' functions: each crossing of
   * one may switch the trigger, so the integration stops at each (a window narrower than a step
   * is not missed). Empty for a single relation, whose `g` alone locates the transitions.
   */
  readonly parts: ReadonlyArray<(t: number, y: Float64Array) => number>;
  /** The priority at (t, y); undefined when the event has none. */
  priority?: (t: number, y: Float64Array) => number;
  /** The delay at (t, y); undefined when the event has none. */
  delay?: (t: number, y: Float64Array) => number;
  /** The event assignments' values at (t, y). */
  values(t: number, y: Float64Array): Float64Array;
  /** Execute the assignments with `values` at time t: updates y in place and the model's parameters. */
  apply(values: Float64Array, t: number, y: Float64Array): void;
}

type Derived = {
  slot: number;
  provides: string;
  deps: Set<string>;
  run: Evaluator;
  /** The delay csymbols in its math. */
  delays?: DelayUse[];
  /** Whether its math reads the time or a delay (initial values: whether they change before the start). */
  timed?: boolean;
  /**
   * State slots its computation reads directly, besides the symbols in `deps` (a concentration reads
   * its amount; an algebraic block, what the values it recomputes read): for the Jacobian's pattern.
   */
  stateSlots?: readonly number[];
  /** Its partial derivatives with respect to the slots it reads (built when derivatives are asked for). */
  grad?: () => ItemGrad;
};

/** A delay csymbol compiled into some math. */
interface DelayUse {
  /** delay(x, d) as text, and where it is, for messages. */
  text: string;
  where: string;
  /**
   * Whether d is fixed for the whole run: it reads only numbers, local parameters and symbols that
   * no rule or event changes (so its value after the initial values is its value throughout).
   */
  fixed: boolean;
  /** d, on the value vector. */
  time: Evaluator;
  /** Compute now what reading x needs (refusals surface at compile time). */
  link(): void;
}

/** Compile an SBML model (see `readSbml`) into an ODE. */
export function compileSbml(model: SbmlModel): SbmlOde {
  const slots = new Map<string, number>();
  const kinds = new Map<string, 'compartment' | 'species' | 'parameter' | 'speciesReference'>();
  const add = (id: string, kind: 'compartment' | 'species' | 'parameter' | 'speciesReference'): void => {
    if (slots.has(id)) throw new TypeError(`SBML: the id "${id}" is declared twice`);
    slots.set(id, slots.size);
    kinds.set(id, kind);
  };
  for (const c of model.compartments) add(c.id, 'compartment');
  for (const s of model.species) add(s.id, 'species');
  for (const p of model.parameters) add(p.id, 'parameter');
  for (const r of model.reactions)
    for (const sr of [...r.reactants, ...r.products]) if (sr.id) add(sr.id, 'speciesReference');
  const nSymbols = slots.size;
  // Extra slots after the model symbols: one amount per species, time, reaction rates, local parameters.
  const amountSlot = new Map(model.species.map((s, k) => [s.id, nSymbols + k]));
  let nSlots = nSymbols + model.species.length;
  const timeSlot = nSlots++;
  // A reaction id used in math stands for the reaction's rate, so rates get slots too.
  const rateSlots = model.reactions.map((r) => {
    if (slots.has(r.id)) throw new TypeError(`SBML: the id "${r.id}" is declared twice`);
    return nSlots++;
  });
  const rateSlotOf = new Map(model.reactions.map((r, j) => [r.id, rateSlots[j]!]));
  const localSlots = model.reactions.map((r) => {
    const m = new Map<string, number>();
    for (const p of r.kineticLaw?.localParameters ?? []) m.set(p.id, nSlots++);
    return m;
  });
  const assignmentRules = new Map(
    model.rules.filter((r) => r.type === 'assignment').map((r) => [r.variable, r]),
  );
  const rateRules = new Map(model.rules.filter((r) => r.type === 'rate').map((r) => [r.variable, r]));
  const speciesById = new Map(model.species.map((s) => [s.id, s]));
  for (const r of model.rules) {
    if (!slots.has(r.variable))
      throw new TypeError(`SBML: a rule targets the undefined symbol "${r.variable}"`);
  }

  // Algebraic rules (see ./algebraic.ts): the variable each determines, by SBML's matching. Free to be
  // determined: what is not constant, has no assignment or rate rule and (species) is not changed by
  // reactions, i.e. is not a non-boundary reactant or product. Nor what an event assigns: SBML's own
  // check leaves events out, but a rule would contradict the assignment at once (the value is fixed
  // by the rule at all times), so an event target is never the variable a rule determines; a model
  // whose rule has no other variable is refused as over-determined.
  const assignedByEvents = new Set(model.events.flatMap((e) => e.assignments.map((a) => a.variable)));
  const reactionChanged = new Set(
    model.reactions
      .flatMap((r) => [...r.reactants, ...r.products])
      .map((sr) => sr.species)
      .filter((id) => speciesById.get(id)?.boundaryCondition === false),
  );
  const constantOf = new Map<string, boolean>([
    ...model.compartments.map((c) => [c.id, c.constant] as const),
    ...model.species.map((sp) => [sp.id, sp.constant] as const),
    ...model.parameters.map((p) => [p.id, p.constant] as const),
    ...model.reactions.flatMap((r) =>
      [...r.reactants, ...r.products].flatMap((sr) => (sr.id ? [[sr.id, sr.constant] as const] : [])),
    ),
  ]);
  const algebraicRules = model.algebraicRules.map((r) => ({
    where: r.where,
    text: formatMath(r.math),
    reads: currentSymbols(r.math, model.functions),
  }));
  const { variableOf: algebraicVariableOf } = matchAlgebraicRules(
    algebraicRules,
    (x) =>
      constantOf.get(x) === false &&
      !assignmentRules.has(x) &&
      !rateRules.has(x) &&
      !assignedByEvents.has(x) &&
      !(kinds.get(x) === 'species' && reactionChanged.has(x)),
  );
  const algebraicVariables = new Set(algebraicVariableOf);
  const algebraicRuleOf = (x: string): string => {
    const i = algebraicVariableOf.indexOf(x);
    return `${algebraicRules[i]!.where} (0 = ${algebraicRules[i]!.text})`;
  };
  for (const ia of model.initialAssignments) {
    if (algebraicVariables.has(ia.symbol)) {
      throw new SbmlUnsupportedError(
        'algebraicRule',
        `an initialAssignment sets ${ia.symbol}, which ${algebraicRuleOf(ia.symbol)} determines ` +
          '(its initial value would be fixed twice)',
      );
    }
  }

  // Rates: every rate rule's value, and rateOf(x) for each x that some math asks for, get a slot,
  // filled in dependency order with the other derived values (so rateOf reads a value computed in
  // the same evaluation; no differences, no evaluation of code). rateOf of a species in
  // concentration also needs the rate of its compartment.
  const rateTargets = new Set(rateRules.keys());
  for (const { node, locals } of modelMaths(model)) {
    for (const name of freeSymbols(node, model.functions)) {
      const x = rateOfTarget(name);
      if (x !== undefined && !locals?.has(x)) rateTargets.add(x);
    }
  }
  for (const x of [...rateTargets]) {
    const sp = speciesById.get(x);
    if (sp && !sp.hasOnlySubstanceUnits && !rateRules.has(x) && !assignmentRules.has(sp.compartment))
      rateTargets.add(sp.compartment);
  }
  const rateOfSlot = new Map([...rateTargets].map((x) => [x, nSlots++]));
  // One slot per group of algebraic rules solved together (at most one per rule): its Newton iterations.
  const algebraicSlot0 = nSlots;
  nSlots += model.algebraicRules.length;
  const v = new Float64Array(nSlots);

  const context = (where: string, locals?: Map<string, number>): CompileContext => ({
    slot(name) {
      const local = locals?.get(name);
      if (local !== undefined) return local;
      const s = slots.get(name) ?? rateSlotOf.get(name);
      if (s !== undefined) return s;
      throw new TypeError(`SBML: ${where} uses the undefined symbol "${name}"`);
    },
    timeSlot,
    functions: model.functions,
    where,
    rateOf(name) {
      // Local parameters are constants (case 01459).
      if (locals?.has(name)) return () => 0;
      const s = rateOfSlot.get(name);
      if (s === undefined) throw new TypeError(`SBML: ${where}: no slot for rateOf(${name}) (internal)`);
      return (x) => x[s]!;
    },
    delay: (use) => compileDelay(use, where, locals),
  });
  const compile = (node: MathNode, where: string, locals?: Map<string, number>): Evaluator =>
    compileMath(node, context(where, locals), new Map());
  /** `compile`, with the delay csymbols compiled into it. */
  const compileWithDelays = (
    node: MathNode,
    where: string,
    locals?: Map<string, number>,
  ): { run: Evaluator; delays: DelayUse[] } => {
    const from = delayUses.length;
    const run = compile(node, where, locals);
    return { run, delays: delayUses.slice(from) };
  };
  // Symbols a delay time may read and still be fixed for the run: no rule and no event changes them.
  const eventTargets = new Set(model.events.flatMap((e) => e.assignments.map((a) => a.variable)));
  const fixedSymbols = new Set(
    [...slots.keys()].filter(
      (id) =>
        kinds.get(id) !== 'species' &&
        !assignmentRules.has(id) &&
        !rateRules.has(id) &&
        !eventTargets.has(id) &&
        !algebraicVariables.has(id),
    ),
  );
  const delayUses: DelayUse[] = [];
  /**
   * delay(x, d): x read from the history at t − d (see `DelayHistory`). What x needs (the assignment
   * rules, rates, … it reads, in dependency order) is found once, on first use or at `link`.
   */
  function compileDelay(use: DelayCompile, where: string, locals?: Map<string, number>): Evaluator {
    if (!history) throw new TypeError(`SBML: ${where}: a delay csymbol was not seen (internal)`);
    const h = history;
    const names = currentSymbols(use.argNode, model.functions);
    for (const k of locals?.keys() ?? []) {
      names.delete(k);
      names.delete(rateOfKey(k));
    }
    const text = formatMath({ type: 'delay', arg: use.argNode, delay: use.delayNode });
    const fixed =
      !readsTime(use.delayNode, model.functions) &&
      [...freeSymbols(use.delayNode, model.functions)].every((s) => fixedSymbols.has(s) || locals?.has(s));
    let now: Derived[] | undefined;
    let atStart: Derived[] | undefined;
    let before: Derived[] | undefined;
    const need = (): Derived[] => (now ??= closure(names, orderedDerived));
    const needAtStart = (): Derived[] => (atStart ??= closure(names, t0Order));
    const needBefore = (): Derived[] => {
      if (before) return before;
      const items = closure(names, beforeStart());
      for (const d of items) {
        const x = rateOfTarget(d.provides);
        if (x !== undefined && timedInitially().has(x)) {
          throw new SbmlUnsupportedError(
            'csymbol',
            `${text} in ${where}: reads rateOf(${x}) before the start of the simulation, where the ` +
              `initial value of ${x} changes with time; that rate (the time derivative of its initial ` +
              'value) is not computed',
          );
        }
      }
      before = items;
      return before;
    };
    const read: DelayedRead = {
      arg: use.arg,
      derive(w) {
        for (const d of need()) w[d.slot] = d.run(w);
      },
      deriveInitial(w, isBefore) {
        for (const d of isBefore ? needBefore() : needAtStart()) w[d.slot] = d.run(w);
      },
    };
    delayUses.push({
      text,
      where,
      fixed,
      time: use.delay,
      link() {
        need();
        needAtStart();
        needBefore();
      },
    });
    const dOf = use.delay;
    return (x) => h.read(dOf(x), x, read, where);
  }
  const deps = (node: MathNode, locals?: Map<string, number>): Set<string> => {
    const s = currentSymbols(node, model.functions);
    if (locals) {
      for (const k of locals.keys()) {
        s.delete(k);
        s.delete(rateOfKey(k));
      }
    }
    return s;
  };
  /** The partials of a math's value with respect to every slot it reads (rateOf(x): the slot of that rate). */
  const mathGrad = (node: MathNode, where: string, locals?: Map<string, number>) => (): ItemGrad => {
    const ctx = context(where, locals);
    const names = [...deps(node, locals), ...(locals?.keys() ?? [])];
    const g = compileGradient(node, names, ctx, {
      opaque(n, variable) {
        if (n.type === 'delay')
          throw new SbmlUnsupportedError('csymbol', `${where}: the derivative of a delay is not computed`);
        const x = n.arg.type === 'symbol' ? n.arg.name : undefined;
        const hit =
          x !== undefined && !locals?.has(x) && variable.type === 'symbol' && variable.name === rateOfKey(x);
        return { type: 'number', value: hit ? 1 : 0 };
      },
    });
    const at = Int32Array.from(names, (name) => {
      const x = rateOfTarget(name);
      const s = x === undefined || locals?.has(name) ? ctx.slot(name) : rateOfSlot.get(x);
      if (s === undefined) throw new TypeError(`SBML: ${where}: no slot for ${name} (internal)`);
      return s;
    });
    const partials = g.partials;
    const m = partials.length;
    return {
      slots: at,
      evaluate(w, out, offset) {
        for (let k = 0; k < m; k++) out[offset + k] = partials[k]!(w);
      },
    };
  };
  for (const [id] of assignmentRules)
    if (rateRules.has(id)) throw new TypeError(`SBML: "${id}" has both an assignment and a rate rule`);
  for (const s of model.species) {
    if (!slots.has(s.compartment) || kinds.get(s.compartment) !== 'compartment') {
      throw new TypeError(`SBML: species ${s.id} lies in the undefined compartment "${s.compartment}"`);
    }
  }

  // --- State layout -------------------------------------------------------------------------
  /** A state component; `rateSlot` holds the value of its rate rule (amounts: reactions only). */
  type State = { name: string; slot: number; rateSlot?: number; amountOf?: string };
  const states: State[] = [];
  const amountStates = new Set<string>();
  for (const s of model.species) {
    if (assignmentRules.has(s.id)) continue;
    if (rateRules.has(s.id)) continue;
    if (algebraicVariables.has(s.id)) continue;
    // Constant and boundary species keep their amount (the SBML Test Suite's reading, e.g. case 01117):
    // they are states with zero derivative, and their concentration follows the compartment.
    amountStates.add(s.id);
    states.push({ name: s.id, slot: amountSlot.get(s.id)!, amountOf: s.id });
  }
  for (const r of model.rules) {
    if (r.type !== 'rate') continue;
    states.push({ name: r.variable, slot: slots.get(r.variable)!, rateSlot: rateOfSlot.get(r.variable)! });
  }
  // The past that delay csymbols read, when some math of the model has one.
  const history = modelMaths(model).some(({ node }) =>
    someNode(node, model.functions, (n) => n.type === 'delay'),
  )
    ? new DelayHistory(
        timeSlot,
        states.map((s) => s.slot),
        v,
      )
    : undefined;

  // --- Reactions -------------------------------------------------------------------------------
  /** A species' share of a reaction: d(amount)/dt += stoich · rate · cf; `deps` names what it reads. */
  type Term = {
    rateSlot: number;
    stoich: Evaluator;
    cf: Evaluator;
    state: number;
    deps: string[];
    /** The stoichiometry when it is a number and no conversion factor applies. */
    coef?: number;
    /** For derivatives: stoich = sign · v[stoichSlot] (≥ 0), else `value`; the factor's slot (−1: none). */
    stoichSlot: number;
    sign: number;
    value: number;
    cfSlot: number;
  };
  const conversion = (s: string): { cf: Evaluator; deps: string[]; cfSlot: number } => {
    const cf = speciesById.get(s)?.conversionFactor ?? model.conversionFactor;
    if (!cf) return { cf: () => 1, deps: [], cfSlot: -1 };
    const slot = slots.get(cf);
    if (slot === undefined) throw new TypeError(`SBML: conversionFactor "${cf}" is undefined`);
    return { cf: (x) => x[slot]!, deps: [cf], cfSlot: slot };
  };
  const stateIndexOfAmount = new Map(states.map((s, k) => [s.amountOf ?? '', k]));
  const reactionTerms: Term[][] = [];
  const speciesTerms = new Map<string, Term[]>();
  model.reactions.forEach((r, j) => {
    const terms: Term[] = [];
    const addTerms = (refs: typeof r.reactants, sign: number): void => {
      for (const sr of refs) {
        const sp = speciesById.get(sr.species);
        if (!sp)
          throw new TypeError(`SBML: reaction ${r.id} refers to the undefined species "${sr.species}"`);
        const state = stateIndexOfAmount.get(sr.species);
        if (sp.boundaryCondition || sp.constant || state === undefined) continue;
        let stoich: Evaluator;
        if (sr.id) {
          const slot = slots.get(sr.id)!;
          stoich = (x) => sign * x[slot]!;
        } else {
          const c = sign * sr.stoichiometry;
          stoich = () => c;
        }
        const { cf, deps: cfDeps, cfSlot } = conversion(sr.species);
        const term: Term = {
          rateSlot: rateSlots[j]!,
          stoich,
          cf,
          state,
          deps: [r.id, ...cfDeps],
          stoichSlot: sr.id ? slots.get(sr.id)! : -1,
          sign,
          value: sign * sr.stoichiometry,
          cfSlot,
        };
        if (sr.id) term.deps.push(sr.id);
        else if (cfDeps.length === 0) term.coef = sign * sr.stoichiometry;
        terms.push(term);
        const list = speciesTerms.get(sr.species);
        if (list) list.push(term);
        else speciesTerms.set(sr.species, [term]);
      }
    };
    addTerms(r.reactants, -1);
    addTerms(r.products, 1);
    reactionTerms.push(terms);
  });

  // --- Values derived from the state at every evaluation, in dependency order ---------------
  const derived: Derived[] = [];
  for (const [id, r] of assignmentRules) {
    derived.push({
      slot: slots.get(id)!,
      provides: id,
      deps: deps(r.math),
      ...compileWithDelays(r.math, `assignmentRule ${id}`),
      grad: mathGrad(r.math, `assignmentRule ${id}`),
    });
  }
  for (const id of amountStates) {
    const s = speciesById.get(id)!;
    const a = amountSlot.get(id)!;
    const c = slots.get(s.compartment)!;
    const run: Evaluator = s.hasOnlySubstanceUnits ? (x) => x[a]! : (x) => x[a]! / x[c]!;
    derived.push({
      slot: slots.get(id)!,
      provides: id,
      deps: new Set([s.compartment]),
      run,
      stateSlots: [a],
      grad: () =>
        s.hasOnlySubstanceUnits
          ? { slots: Int32Array.of(a), evaluate: (_w, out, o) => void (out[o] = 1) }
          : {
              slots: Int32Array.of(a, c),
              evaluate(w, out, o) {
                out[o] = 1 / w[c]!;
                out[o + 1] = -w[a]! / (w[c]! * w[c]!);
              },
            },
    });
  }
  const reactionDerived: Derived[] = model.reactions.map((r, j) => {
    if (!r.kineticLaw) throw new TypeError(`SBML: reaction ${r.id} has no kineticLaw`);
    const locals = localSlots[j]!;
    return {
      slot: rateSlots[j]!,
      provides: r.id,
      deps: deps(r.kineticLaw.math, locals),
      ...compileWithDelays(r.kineticLaw.math, `kineticLaw of ${r.id}`, locals),
      grad: mathGrad(r.kineticLaw.math, `kineticLaw of ${r.id}`, locals),
    };
  });
  derived.push(...reactionDerived);
  const rateDerived = [...rateOfSlot].map(([x, slot]) => rateItem(x, slot));
  derived.push(...rateDerived);
  const algebraicFailures: { count: number; last?: string } = { count: 0 };
  const algebraicCompiled = model.algebraicRules.map((r) => ({
    ...compileWithDelays(r.math, r.where),
    deps: deps(r.math),
  }));
  /**
   * The algebraic variables as computations among `items`: the rules are grouped into strongly
   * connected blocks (a rule is linked to the rules whose variables it reads, directly or through
   * `items`: assignment rules, concentrations, …), each solved by Newton's method for its own
   * variables, after the blocks and values it reads; inside, the items that depend on its variables
   * are recomputed at every residual evaluation. `guesses` (initial values only): the declared values,
   * Newton's starting point; otherwise each solve starts from the previous solution.
   */
  function algebraicItems(items: readonly Derived[], guesses?: ReadonlyMap<string, Derived>): Derived[] {
    const n = algebraicCompiled.length;
    if (n === 0) return [];
    const byName = new Map(items.map((d) => [d.provides, d]));
    const indexOf = new Map(algebraicVariableOf.map((x, i) => [x, i]));
    const reads = algebraicCompiled.map((rule) => {
      const out = new Set<number>();
      const seen = new Set<string>();
      const stack = [...rule.deps];
      for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
        if (seen.has(name)) continue;
        seen.add(name);
        const i = indexOf.get(name);
        if (i !== undefined) out.add(i);
        else stack.push(...(byName.get(name)?.deps ?? []));
      }
      return out;
    });
    const out: Derived[] = [];
    stronglyConnected(n, reads).forEach((block, b) => {
      const own = new Set(block.map((i) => algebraicVariableOf[i]!));
      const memo = new Map<string, boolean>();
      const dependsOnOwn = (name: string): boolean => {
        if (own.has(name)) return true;
        const known = memo.get(name);
        if (known !== undefined) return known;
        memo.set(name, false);
        const d = byName.get(name);
        const result = d !== undefined && [...d.deps].some(dependsOnOwn);
        memo.set(name, result);
        return result;
      };
      const ruleDeps = block.flatMap((i) => [...algebraicCompiled[i]!.deps]);
      const inner = topologicalOrder(
        closure(ruleDeps, items).filter((d) => dependsOnOwn(d.provides)),
        'algebraic rules',
      );
      const innerNames = new Set(inner.map((d) => d.provides));
      const zSlots = block.map((i) => slots.get(algebraicVariableOf[i]!)!);
      const starts = guesses ? block.map((i) => guesses.get(algebraicVariableOf[i]!)!) : [];
      const blockDeps = new Set<string>();
      for (const name of [
        ...ruleDeps,
        ...inner.flatMap((d) => [...d.deps]),
        ...starts.flatMap((d) => [...d.deps]),
      ])
        if (!own.has(name) && !innerNames.has(name)) blockDeps.add(name);
      const residuals = block.map((i) => algebraicCompiled[i]!.run);
      const refresh = (x: Float64Array): void => {
        for (const d of inner) x[d.slot] = d.run(x);
      };
      const provides = `#algebraic block ${b + 1}`;
      const what = block.map(
        (i) => `${algebraicVariableOf[i]} from ${algebraicRuleOf(algebraicVariableOf[i]!)}`,
      );
      out.push({
        slot: algebraicSlot0 + b,
        provides,
        deps: blockDeps,
        stateSlots: inner.flatMap((d) => d.stateSlots ?? []),
        delays: [
          ...block.flatMap((i) => algebraicCompiled[i]!.delays),
          ...inner.flatMap((d) => d.delays ?? []),
        ],
        timed:
          block.some((i) => readsTime(model.algebraicRules[i]!.math, model.functions)) ||
          starts.some((d) => d.timed),
        run(x) {
          starts.forEach((d, j) => void (x[zSlots[j]!] = d.run(x)));
          // No declared value (or a NaN one): start from 1 (0 could divide by a compartment size).
          for (const s of zSlots) if (!Number.isFinite(x[s]!)) x[s] = 1;
          const outcome = newtonSolve(x, zSlots, residuals, refresh);
          if (outcome.ok) return outcome.iterations;
          const t = x[timeSlot]!;
          if (guesses) {
            // Consistent initialisation failed: no value of the model is defined, so refuse by name.
            throw new SbmlUnsupportedError(
              'algebraicRule',
              outcome.reason === 'singular'
                ? `solving for ${what.join('; ')} at t=${t}: the rules' Jacobian with respect to these ` +
                    'variables is singular at the starting values (index > 1, or no unique solution)'
                : `solving for ${what.join('; ')} at t=${t}: Newton's method found no solution ` +
                    '(no consistent initial values)',
            );
          }
          // Inside the integration: NaN, so that the solver rejects the step (a trial state far from
          // the solution) or fails with the message that its values became NaN.
          algebraicFailures.count++;
          algebraicFailures.last =
            `algebraic rules: no solution for ${what.join('; ')} at t=${t}` +
            (outcome.reason === 'singular' ? ' (singular Jacobian: index > 1 or no unique solution)' : '');
          for (const s of zSlots) x[s] = Number.NaN;
          refresh(x);
          return Number.NaN;
        },
      });
      for (const i of block) {
        const slot = slots.get(algebraicVariableOf[i]!)!;
        out.push({
          slot,
          provides: algebraicVariableOf[i]!,
          deps: new Set([provides]),
          run: (x) => x[slot]!,
        });
      }
    });
    return out;
  }
  derived.push(...algebraicItems(derived));
  const orderedDerived = topologicalOrder(derived, 'assignment rules and rate laws');

  // --- Initial values --------------------------------------------------------------------------
  const initial: Derived[] = [];
  const compartmentById = new Map(model.compartments.map((c) => [c.id, c]));
  const parameterById = new Map(model.parameters.map((p) => [p.id, p]));
  const referenceById = new Map(
    model.reactions
      .flatMap((r) => [...r.reactants, ...r.products])
      .flatMap((sr) => (sr.id ? [[sr.id, sr] as const] : [])),
  );
  /** The algebraic variables' declared initial values (their rules' starting points). */
  const algebraicStarts = new Map<string, Derived>();
  const initialAssignments = new Map(model.initialAssignments.map((ia) => [ia.symbol, ia]));
  for (const ia of model.initialAssignments) {
    if (!slots.has(ia.symbol))
      throw new TypeError(`SBML: an initialAssignment targets the undefined symbol "${ia.symbol}"`);
  }
  for (const [id, slot] of slots) {
    const ia = initialAssignments.get(id);
    const rule = assignmentRules.get(id);
    const node = ia?.math ?? rule?.math;
    if (algebraicVariables.has(id)) {
      algebraicStarts.set(id, declaredInitial(id, slot));
      continue;
    }
    if (node) {
      initial.push({
        slot,
        provides: id,
        deps: deps(node),
        run: compile(node, `initial value of ${id}`),
        timed: readsTime(node, model.functions),
      });
      continue;
    }
    initial.push(declaredInitial(id, slot));
  }
  initial.push(...reactionDerived, ...rateDerived);
  initial.push(...algebraicItems(initial, algebraicStarts));
  function declaredInitial(id: string, slot: number): Derived {
    const kind = kinds.get(id)!;
    const constant = (value: number | undefined): Derived => {
      const c = value ?? Number.NaN;
      return { slot, provides: id, deps: new Set(), run: () => c };
    };
    if (kind === 'compartment') return constant(compartmentById.get(id)!.size);
    if (kind === 'parameter') return constant(parameterById.get(id)!.value);
    if (kind === 'speciesReference') return constant(referenceById.get(id)!.stoichiometry);
    const s = speciesById.get(id)!;
    const c = slots.get(s.compartment)!;
    const cdeps = new Set([s.compartment]);
    if (s.initialAmount !== undefined) {
      const a = s.initialAmount;
      return s.hasOnlySubstanceUnits
        ? constant(a)
        : { slot, provides: id, deps: cdeps, run: (x) => a / x[c]! };
    }
    if (s.initialConcentration !== undefined) {
      const q = s.initialConcentration;
      return s.hasOnlySubstanceUnits
        ? { slot, provides: id, deps: cdeps, run: (x) => q * x[c]! }
        : constant(q);
    }
    return constant(Number.NaN);
  }
  /**
   * The computation of rateOf(x) (SBML L3V2 §3.4.6): a rate rule's value; for a species changed by
   * reactions the sum of its terms, d(amount)/dt, which for a species in concentration becomes
   * d[x]/dt = (d(amount)/dt − [x]·dV/dt)/V; 0 for what only events change and for constants.
   * What SBML forbids and this importer does not compute is refused by name: the rate of a symbol
   * with an assignment rule (the rule's derivative; validation rule 10224), of a species in
   * concentration whose compartment has one (10225), and of a reaction.
   */
  function rateItem(x: string, slot: number): Derived {
    const provides = rateOfKey(x);
    const refuse = (why: string): never => {
      throw new SbmlUnsupportedError('csymbol', `rateOf(${x}): ${why}`);
    };
    if (algebraicVariables.has(x)) {
      refuse(
        `${x} is determined by ${algebraicRuleOf(x)}; its rate would be the time derivative of the ` +
          'implicit solution, which is not computed',
      );
    }
    const rule = rateRules.get(x);
    if (rule)
      return {
        slot,
        provides,
        deps: deps(rule.math),
        ...compileWithDelays(rule.math, `rateRule ${x}`),
        grad: mathGrad(rule.math, `rateRule ${x}`),
      };
    if (assignmentRules.has(x)) {
      refuse(
        `${x} is set by an assignment rule; its rate would be the time derivative of the rule, ` +
          'which is not computed (SBML L3V2 validation rule 10224 forbids this use)',
      );
    }
    if (!slots.has(x)) {
      if (rateSlotOf.has(x)) refuse(`${x} is a reaction; the rate of change of its rate is not computed`);
      throw new TypeError(`SBML: rateOf(${x}) refers to an undefined symbol`);
    }
    const sp = speciesById.get(x);
    const noGrad = (): ItemGrad => ({ slots: new Int32Array(0), evaluate() {} });
    if (!sp) return { slot, provides, deps: new Set(), run: () => 0, grad: noGrad };
    const terms = speciesTerms.get(x) ?? [];
    const n = terms.length;
    const amountRate: Evaluator = (y) => {
      let sum = 0;
      for (let q = 0; q < n; q++) {
        const term = terms[q]!;
        sum += term.stoich(y) * y[term.rateSlot]! * term.cf(y);
      }
      return sum;
    };
    const needs = new Set(terms.flatMap((term) => term.deps));
    // d(Σ stoich·rate·cf): per term its rate, stoichiometry and factor slots (−1 entries dropped).
    const termGrad =
      (
        scale: Evaluator,
        extra: number[],
        extraValues: (w: Float64Array, out: Float64Array, o: number) => void,
      ) =>
      (): ItemGrad => {
        const at: number[] = [];
        for (const term of terms) at.push(term.rateSlot, term.stoichSlot, term.cfSlot);
        const list = Int32Array.from([...at.map((s) => (s < 0 ? slot : s)), ...extra]);
        return {
          slots: list,
          evaluate(w, out, o) {
            const k = scale(w);
            for (let q = 0; q < n; q++) {
              const term = terms[q]!;
              const st = term.stoichSlot >= 0 ? term.sign * w[term.stoichSlot]! : term.value;
              const cf = term.cfSlot >= 0 ? w[term.cfSlot]! : 1;
              const r = w[term.rateSlot]!;
              out[o + 3 * q] = k * st * cf;
              // A missing slot points at the item's own slot with weight 0 (no edge).
              out[o + 3 * q + 1] = term.stoichSlot >= 0 ? k * term.sign * r * cf : 0;
              out[o + 3 * q + 2] = term.cfSlot >= 0 ? k * st * r : 0;
            }
            extraValues(w, out, o + 3 * n);
          },
        };
      };
    if (sp.hasOnlySubstanceUnits)
      return {
        slot,
        provides,
        deps: needs,
        run: amountRate,
        grad: termGrad(
          () => 1,
          [],
          () => {},
        ),
      };
    if (assignmentRules.has(sp.compartment)) {
      refuse(
        `${x} is a concentration in the compartment ${sp.compartment}, whose size is set by an ` +
          'assignment rule; its rate would need the derivative of the rule, which is not computed ' +
          '(SBML L3V2 validation rule 10225 forbids this use)',
      );
    }
    const c = slots.get(sp.compartment)!;
    const cRate = rateOfSlot.get(sp.compartment)!;
    const own = slots.get(x)!;
    for (const name of [x, sp.compartment, rateOfKey(sp.compartment)]) needs.add(name);
    // (A − x·ċ)/c: the terms scaled by 1/c, then ∂/∂x = −ċ/c, ∂/∂ċ = −x/c, ∂/∂c = −(A − x·ċ)/c².
    return {
      slot,
      provides,
      deps: needs,
      run: (y) => (amountRate(y) - y[own]! * y[cRate]!) / y[c]!,
      grad: termGrad(
        (w) => 1 / w[c]!,
        [own, cRate, c],
        (w, out, o) => {
          out[o] = -w[cRate]! / w[c]!;
          out[o + 1] = -w[own]! / w[c]!;
          out[o + 2] = -(amountRate(w) - w[own]! * w[cRate]!) / (w[c]! * w[c]!);
        },
      ),
    };
  }
  const t0Order = topologicalOrder(initial, 'initial values');
  const localValues = model.reactions.map((r) => r.kineticLaw?.localParameters ?? []);
  /** The initial-value computation before the start (for delays): every rate 0, the model at rest. */
  let beforeOrder: Derived[] | undefined;
  const beforeStart = (): Derived[] =>
    (beforeOrder ??= t0Order.map((d) =>
      rateOfTarget(d.provides) === undefined ? d : { ...d, deps: new Set<string>(), run: () => 0 },
    ));
  /** The symbols whose initial value changes with the time at which it is evaluated. */
  let timedSymbols: Set<string> | undefined;
  const timedInitially = (): Set<string> => {
    if (timedSymbols) return timedSymbols;
    timedSymbols = new Set();
    for (const d of t0Order) {
      if (d.timed || [...d.deps].some((n) => timedSymbols!.has(n))) timedSymbols.add(d.provides);
    }
    return timedSymbols;
  };

  // With delays, each evaluation computes only what it reads: a delay whose time changes (read by an
  // assignment rule for output, say) is then never evaluated inside a step, whose past is not known
  // yet. Without delays everything is computed, as it always was.
  const fNames = [
    ...states.flatMap((s) => (s.rateSlot === undefined ? [] : [rateOfKey(s.name)])),
    ...reactionTerms.flatMap((terms) => terms.flatMap((term) => term.deps)),
  ];
  const fDerived = history ? closure(fNames, orderedDerived) : orderedDerived;
  /** The delays read while the solver integrates (the right-hand side's, the triggers'). */
  const integrationDelays = new Set<DelayUse>();
  if (history) {
    for (const d of fDerived) {
      for (const use of d.delays ?? []) {
        requireFixed(use, "the ODE's right-hand side");
        integrationDelays.add(use);
      }
    }
  }
  /** A delay read while the solver integrates must have a time fixed for the run (see DelayHistory). */
  function requireFixed(use: DelayUse, reader: string): void {
    if (use.fixed) return;
    throw new SbmlUnsupportedError(
      'csymbol',
      `${use.text} in ${use.where}: a delay time that can change during the simulation (it reads the ` +
        `time, a delay or a symbol that rules or events change), read by ${reader} while the solver ` +
        'integrates, is not supported (a time- or state-dependent delay needs the unknown part of the ' +
        'current step); delays with such times are supported where only output, event priorities, ' +
        'delays and assignments read them',
    );
  }

  const nState = states.length;
  const stateSlots = Int32Array.from(states, (s) => s.slot);
  /**
   * A list of computations as flat arrays: the items are objects of several shapes, and reading
   * `slot` and `run` off them in the loop would be a megamorphic property access per item and call
   * (most of the right-hand side's time on a large model).
   */
  type Plan = { slots: Int32Array; runs: Evaluator[] };
  const plans = new WeakMap<readonly Derived[], Plan>();
  const planOf = (items: readonly Derived[]): Plan => {
    let plan = plans.get(items);
    if (!plan) {
      plan = { slots: Int32Array.from(items, (d) => d.slot), runs: items.map((d) => d.run) };
      plans.set(items, plan);
    }
    return plan;
  };
  // One loop per function: V8 compiles a long-running loop on the spot (on-stack replacement), and
  // code compiled inside a first loop, before a later one ever ran, lacks the later one's type
  // feedback; V8 then reuses that code at every call and discards it again at the later loop (a
  // de-optimisation per call, which made the right-hand side of a large model ten times slower).
  const copyState = (y: Float64Array): void => {
    for (let k = 0; k < nState; k++) v[stateSlots[k]!] = y[k]!;
  };
  const runPlan = (plan: Plan): void => {
    const { slots: at, runs } = plan;
    const m = runs.length;
    for (let q = 0; q < m; q++) v[at[q]!] = runs[q]!(v);
  };
  const loadState = (t: number, y: Float64Array, items: readonly Derived[] = orderedDerived): void => {
    v[timeSlot] = t;
    copyState(y);
    runPlan(planOf(items));
  };

  const initialize = (): Float64Array => {
    v.fill(0);
    v[timeSlot] = 0;
    localValues.forEach((list, j) => {
      for (const p of list) v[localSlots[j]!.get(p.id)!] = p.value;
    });
    history?.beginInitial(v);
    for (const d of t0Order) v[d.slot] = d.run(v);
    const y0 = new Float64Array(nState);
    states.forEach((s, k) => {
      if (s.amountOf) {
        const sp = speciesById.get(s.amountOf)!;
        const value = v[slots.get(sp.id)!]!;
        y0[k] = sp.hasOnlySubstanceUnits ? value : value * v[slots.get(sp.compartment)!]!;
        v[s.slot] = y0[k]!;
      } else y0[k] = v[s.slot]!;
    });
    history?.endInitial();
    return y0;
  };
  const y0 = initialize();

  // The right-hand side as flat arrays (see `Plan`): per state its rate rule's slot (−1: none); per
  // reaction term, in reaction order, its reaction's rate slot, its state and its coefficient, the
  // stoichiometry when that is a number and no conversion factor applies (else `stoich` · `cf`).
  const rateRuleSlots = Int32Array.from(states, (s) => s.rateSlot ?? -1);
  const allTerms = reactionTerms.flat();
  const nTerms = allTerms.length;
  const termRate = Int32Array.from(allTerms, (term) => term.rateSlot);
  const termState = Int32Array.from(allTerms, (term) => term.state);
  const termCoef = Float64Array.from(allTerms, (term) => term.coef ?? Number.NaN);
  const termPlain = Uint8Array.from(allTerms, (term) => (term.coef === undefined ? 0 : 1));
  const termStoich = allTerms.map((term) => term.stoich);
  const termCf = allTerms.map((term) => term.cf);
  const general = (q: number, rj: number): number => termStoich[q]!(v) * rj * termCf[q]!(v);
  // Split in functions of one loop each (see `copyState`).
  const rateRuleRates = (dydt: Float64Array): void => {
    for (let k = 0; k < nState; k++) {
      const rs = rateRuleSlots[k]!;
      dydt[k] = rs < 0 ? 0 : v[rs]!;
    }
  };
  const reactionRates = (dydt: Float64Array): void => {
    for (let q = 0; q < nTerms; q++) {
      const rj = v[termRate[q]!]!;
      // c · rj equals c · rj · 1, the product of the general case with no conversion factor.
      dydt[termState[q]!]! += termPlain[q] === 1 ? termCoef[q]! * rj : general(q, rj);
    }
  };
  const f: RhsFunction = (t, y, dydt) => {
    loadState(t, y, fDerived);
    rateRuleRates(dydt);
    reactionRates(dydt);
  };

  const jacSparsity = jacobianPattern();
  /** See `SbmlOde.jacSparsity`. */
  function jacobianPattern(): Int32Array[] {
    const byName = new Map(derived.map((d) => [d.provides, d]));
    const stateOfSlot = new Map(states.map((s, k) => [s.slot, k]));
    /** The sorted state components a value reads; null: every component (a delay was read). */
    type Reads = ArrayLike<number> | null;
    const memo = new Map<string, Reads>();
    const visiting = new Set<string>();
    const none = new Int32Array(0);
    /**
     * The union of sorted lists: one of them itself when the others are empty or the same list
     * (shared, never copied, so a value read by many rates costs its size once).
     */
    const union = (lists: readonly Reads[]): Reads => {
      let only: ArrayLike<number> | undefined;
      let many = false;
      for (const l of lists) {
        if (l === null) return null;
        if (l.length === 0 || l === only) continue;
        if (only === undefined) only = l;
        else many = true;
      }
      if (!many) return only ?? none;
      const set = new Set<number>();
      for (const l of lists) for (let i = 0; i < l!.length; i++) set.add(l![i]!);
      return Int32Array.from(set).sort();
    };
    const readsOf = (name: string): Reads => {
      const known = memo.get(name);
      if (known !== undefined) return known;
      const d = byName.get(name);
      let out: Reads;
      if (!d || visiting.has(name)) {
        // A state read as itself (a rate rule's variable), or a constant / event-set value; a value
        // that reads itself adds nothing of its own.
        const slot = slots.get(name);
        const k = !d && slot !== undefined ? stateOfSlot.get(slot) : undefined;
        out = k === undefined ? none : Int32Array.of(k);
        if (d) return out;
      } else if (d.delays !== undefined && d.delays.length > 0) out = null;
      else {
        visiting.add(name);
        const parts: Reads[] = [...d.deps].map(readsOf);
        for (const slot of d.stateSlots ?? []) {
          const k = stateOfSlot.get(slot);
          if (k !== undefined) parts.push(Int32Array.of(k));
        }
        visiting.delete(name);
        out = union(parts);
      }
      memo.set(name, out);
      return out;
    };
    const reads: Reads[][] = states.map((s) =>
      s.rateSlot === undefined ? [] : [readsOf(rateOfKey(s.name))],
    );
    for (const terms of reactionTerms)
      for (const term of terms) reads[term.state]!.push(...term.deps.map(readsOf));
    let all: Int32Array | undefined;
    return reads.map((parts) => {
      const row = union(parts);
      if (row === null) return (all ??= Int32Array.from({ length: nState }, (_, k) => k));
      return Int32Array.from(row);
    });
  }

  // --- Events --------------------------------------------------------------------------------
  const stateIndexOfSlot = new Map(states.map((s, k) => [s.slot, k]));
  const events: SbmlOdeEvent[] = model.events.map((e) => {
    const where = `event ${e.id}`;
    const leaves: Evaluator[] = [];
    const firstUse = delayUses.length;
    const g = compileTriggerFunction(
      e.trigger.math,
      (node) => compile(node, `trigger of ${where}`),
      where,
      leaves,
      model.functions,
    );
    // The solver evaluates triggers inside its steps (to locate switches): only what they read, and
    // only delays with times fixed for the run (see fDerived).
    const triggerDerived = history
      ? closure(currentSymbols(e.trigger.math, model.functions), orderedDerived)
      : orderedDerived;
    if (history) {
      const reader = `the trigger of ${where}`;
      for (const use of delayUses.slice(firstUse)) requireFixed(use, reader);
      for (const d of triggerDerived) for (const use of d.delays ?? []) requireFixed(use, reader);
      for (const use of [...delayUses.slice(firstUse), ...triggerDerived.flatMap((d) => d.delays ?? [])])
        integrationDelays.add(use);
    }
    const parts = (leaves.length > 1 ? leaves : []).map((leaf) => (t: number, y: Float64Array) => {
      loadState(t, y, triggerDerived);
      return leaf(v);
    });
    type Target = { write: (value: number, y: Float64Array) => void; species: boolean };
    const targets: Target[] = e.assignments.map(({ variable }) => {
      const slot = slots.get(variable);
      if (slot === undefined)
        throw new TypeError(`SBML: ${where} assigns the undefined symbol "${variable}"`);
      if (assignmentRules.has(variable))
        throw new TypeError(`SBML: ${where} assigns "${variable}", which has an assignment rule`);
      const ruleState = rateRules.has(variable) ? stateIndexOfSlot.get(slot) : undefined;
      if (ruleState !== undefined) return { species: false, write: (x, y) => void (y[ruleState] = x) };
      const sp = speciesById.get(variable);
      if (sp) {
        const k = stateIndexOfAmount.get(variable)!;
        const c = slots.get(sp.compartment)!;
        // A species symbol is a concentration unless it has only substance units; the state is its amount.
        return sp.hasOnlySubstanceUnits
          ? { species: true, write: (x, y) => void (y[k] = x) }
          : { species: true, write: (x, y) => void (y[k] = x * v[c]!) };
      }
      // Parameters, compartments and species references without rules keep their value in v.
      return { species: false, write: (x) => void (v[slot] = x) };
    });
    const maths = e.assignments.map((a) => compile(a.math, `eventAssignment ${a.variable} of ${where}`));
    // A compartment resized by an event keeps the amounts of its species: species whose state is a
    // concentration (rate rules without hasOnlySubstanceUnits) are rescaled unless assigned too.
    const assigned = new Set(e.assignments.map((a) => a.variable));
    const rescaled = model.species
      .filter((sp) => !sp.hasOnlySubstanceUnits && rateRules.has(sp.id) && !assigned.has(sp.id))
      .filter((sp) => assigned.has(sp.compartment))
      .map((sp) => ({ state: stateIndexOfSlot.get(slots.get(sp.id)!)!, c: slots.get(sp.compartment)! }));
    const oldSize = new Float64Array(rescaled.length);
    const priority = e.priority ? compile(e.priority, `priority of ${where}`) : undefined;
    const delay = e.delay ? compile(e.delay, `delay of ${where}`) : undefined;
    const out: SbmlOdeEvent = {
      id: e.id,
      initialValue: e.trigger.initialValue,
      persistent: e.trigger.persistent,
      useValuesFromTriggerTime: e.useValuesFromTriggerTime,
      parts,
      holds(t, y) {
        loadState(t, y);
        return g(v) > 0;
      },
      g(t, y) {
        loadState(t, y, triggerDerived);
        return g(v);
      },
      values(t, y) {
        loadState(t, y);
        return Float64Array.from(maths, (m) => m(v));
      },
      apply(values, t, y) {
        loadState(t, y);
        // Species first: a concentration assigned by the event becomes an amount with the compartment
        // size from before the event (the Test Suite's reading, case 01779), even if the event resizes it.
        rescaled.forEach((r, q) => void (oldSize[q] = v[r.c]!));
        targets.forEach((tg, q) => {
          if (tg.species) tg.write(values[q]!, y);
        });
        targets.forEach((tg, q) => {
          if (!tg.species) tg.write(values[q]!, y);
        });
        loadState(t, y);
        rescaled.forEach((r, q) => void (y[r.state] = (y[r.state]! * oldSize[q]!) / v[r.c]!));
        loadState(t, y);
      },
    };
    if (priority)
      out.priority = (t, y) => {
        loadState(t, y);
        return priority(v);
      };
    if (delay)
      out.delay = (t, y) => {
        loadState(t, y);
        return delay(v);
      };
    return out;
  });

  // --- Parameters and exact derivatives ----------------------------------------------------------
  const params: SbmlOdeParameter[] = [];
  const paramSlotList: number[] = [];
  const free = (id: string): boolean =>
    !assignmentRules.has(id) && !rateRules.has(id) && !algebraicVariables.has(id) && !eventTargets.has(id);
  for (const c of model.compartments)
    if (free(c.id)) params.push({ id: c.id, kind: 'compartment', constant: c.constant });
  for (const p of model.parameters)
    if (free(p.id)) params.push({ id: p.id, kind: 'parameter', constant: p.constant });
  for (const sr of referenceById.values())
    if (sr.id && free(sr.id)) params.push({ id: sr.id, kind: 'speciesReference', constant: sr.constant });
  for (const p of params) paramSlotList.push(slots.get(p.id)!);
  model.reactions.forEach((r, j) => {
    for (const p of r.kineticLaw?.localParameters ?? []) {
      params.push({ id: `${r.id}.${p.id}`, kind: 'local', constant: true });
      paramSlotList.push(localSlots[j]!.get(p.id)!);
    }
  });
  const paramSlots = Int32Array.from(paramSlotList);
  let derivs: SbmlOdeDerivatives | undefined;
  const derivatives = (): SbmlOdeDerivatives => {
    if (derivs) return derivs;
    const delayed = fDerived.find((d) => (d.delays?.length ?? 0) > 0);
    if (delayed) {
      throw new SbmlUnsupportedError(
        'csymbol',
        `derivatives: ${delayed.provides} reads a delay csymbol (no analytic Jacobian of a delay equation)`,
      );
    }
    const opaque = fDerived.find((d) => !d.grad);
    if (opaque) {
      throw new SbmlUnsupportedError(
        'algebraicRule',
        `derivatives: the right-hand side solves algebraic rules (${opaque.provides}); no analytic Jacobian`,
      );
    }
    const tape: DerivativeTape = {
      v,
      nState,
      stateSlots,
      paramSlots,
      params,
      load: (t, y) => loadState(t, y, fDerived),
      items: fDerived.map((d) => ({ slot: d.slot, grad: d.grad!() })),
      rateRuleSlots,
      terms: allTerms.map((term) => ({
        state: term.state,
        rateSlot: term.rateSlot,
        stoichSlot: term.stoichSlot,
        sign: term.sign,
        coef: term.value,
        cfSlot: term.cfSlot,
      })),
      f,
      y0,
      jacSparsity,
    };
    derivs = buildDerivatives(tape);
    return derivs;
  };

  if (history) {
    // Every delay's dependencies now, so that refusals come at compile time, not mid-simulation.
    for (const use of delayUses) use.link();
    const times = new Set<number>();
    for (const use of integrationDelays) {
      const d = use.time(v);
      if (!(d >= 0))
        throw new RangeError(`SBML: ${use.text} in ${use.where}: the delay time is ${d} (must be ≥ 0)`);
      if (d > 0) times.add(d);
    }
    history.delays = [...times].sort((a, b) => a - b);
    history.mark(0, y0);
  }

  return {
    ...(history ? { history } : {}),
    ...(model.algebraicRules.length > 0 ? { algebraicFailures } : {}),
    events,
    params,
    paramValues: () => Float64Array.from(paramSlots, (s) => v[s]!),
    setParamValues(p) {
      if (p.length !== paramSlots.length)
        throw new RangeError(
          `SBML: the parameter vector has length ${p.length}, expected ${paramSlots.length}`,
        );
      paramSlots.forEach((s, m) => void (v[s] = p[m]!));
    },
    derivatives,
    stateNames: states.map((s) => s.name),
    y0,
    f,
    reader(symbol, kind) {
      const slot = slots.get(symbol) ?? rateSlotOf.get(symbol);
      if (slot === undefined)
        throw new TypeError(`SBML: cannot report "${symbol}": no such symbol in the model`);
      const sp = speciesById.get(symbol);
      const c = sp ? slots.get(sp.compartment)! : -1;
      // A species symbol holds a concentration unless it has only substance units.
      const scale =
        !sp || kind === 'value'
          ? (): number => 1
          : kind === 'amount'
            ? sp.hasOnlySubstanceUnits
              ? (): number => 1
              : (): number => v[c]!
            : sp.hasOnlySubstanceUnits
              ? (): number => 1 / v[c]!
              : (): number => 1;
      return (t, y) => {
        loadState(t, y);
        return v[slot]! * scale();
      };
    },
    readers(requests) {
      const n = requests.length;
      const slotOf = new Int32Array(n);
      // The compartment slot to multiply by (+1) or divide by (−1), or none (0).
      const scaleSlot = new Int32Array(n).fill(-1);
      const scaleSign = new Int8Array(n);
      requests.forEach(({ symbol, kind }, q) => {
        const slot = slots.get(symbol) ?? rateSlotOf.get(symbol);
        if (slot === undefined)
          throw new TypeError(`SBML: cannot report "${symbol}": no such symbol in the model`);
        slotOf[q] = slot;
        const sp = speciesById.get(symbol);
        if (!sp || kind === 'value' || (kind === 'amount') === sp.hasOnlySubstanceUnits) return;
        scaleSlot[q] = slots.get(sp.compartment)!;
        scaleSign[q] = kind === 'amount' ? 1 : -1;
      });
      return (t, y, out, offset = 0) => {
        loadState(t, y);
        for (let q = 0; q < n; q++) {
          const x = v[slotOf[q]!]!;
          const sign = scaleSign[q]!;
          // As `reader` computes it (a concentration of an amount: times 1/size), to the last bit.
          out[offset + q] = sign === 0 ? x : sign > 0 ? x * v[scaleSlot[q]!]! : x * (1 / v[scaleSlot[q]!]!);
        }
      };
    },
    jacSparsity,
  };
}

/**
 * A continuous function whose sign is a boolean trigger's value (positive: true): relational
 * operators become differences, `and` the minimum, `or` the maximum, `not` the negation. Triggers
 * that have no such form (`eq`, `neq`, `xor`, piecewise, function calls, …) are refused by name.
 */
function compileTriggerFunction(
  node: MathNode,
  compile: (node: MathNode) => Evaluator,
  where: string,
  leaves: Evaluator[],
  functions: SbmlModel['functions'],
  depth = 0,
): Evaluator {
  const refuse = (what: string): never => {
    throw new SbmlUnsupportedError('trigger', `${what} in the trigger of ${where} is not supported`);
  };
  if (node.type === 'number') {
    const c = node.value !== 0 ? 1 : -1;
    return () => c;
  }
  if (node.type === 'call') {
    const fn = functions.get(node.name);
    if (!fn || fn.params.length !== node.args.length || depth > 64) return refuse(`the call of ${node.name}`);
    // A function body sees only its parameters: substitute the arguments and read it as a trigger.
    const args = new Map(fn.params.map((p, k) => [p, node.args[k]!]));
    return compileTriggerFunction(substitute(fn.body, args), compile, where, leaves, functions, depth + 1);
  }
  if (node.type !== 'apply') return refuse(`a ${node.type}`);
  const op = node.op;
  const sub = (a: MathNode): Evaluator => compileTriggerFunction(a, compile, where, leaves, functions, depth);
  if (op === 'xor') {
    // Exactly an odd number of parts hold: the sign of (−1)^(n−1)·Π g_k.
    const parts = node.args.map(sub);
    const n = parts.length;
    if (n === 0) return () => -1;
    const sign = n % 2 === 1 ? 1 : -1;
    return (v) => {
      // The sign of the product with the magnitude of the smallest factor (a product could underflow to 0).
      let p = sign;
      let m = Number.POSITIVE_INFINITY;
      for (let k = 0; k < n; k++) {
        const x = parts[k]!(v);
        if (x < 0) p = -p;
        m = Math.min(m, Math.abs(x));
      }
      return p * m;
    };
  }
  if (op === 'and' || op === 'or') {
    const parts = node.args.map(sub);
    const n = parts.length;
    if (n === 0) return op === 'and' ? () => 1 : () => -1;
    return op === 'and'
      ? (v) => {
          let m = Number.POSITIVE_INFINITY;
          for (let k = 0; k < n; k++) m = Math.min(m, parts[k]!(v));
          return m;
        }
      : (v) => {
          let m = Number.NEGATIVE_INFINITY;
          for (let k = 0; k < n; k++) m = Math.max(m, parts[k]!(v));
          return m;
        };
  }
  if (op === 'not') {
    const inner = sub(node.args[0]!);
    return (v) => -inner(v);
  }
  if (op === 'gt' || op === 'geq' || op === 'lt' || op === 'leq') {
    if (node.args.length < 2) return () => 1;
    const a = node.args.map(compile);
    const sign = op === 'gt' || op === 'geq' ? 1 : -1;
    const n = a.length;
    // Never 0: at equality the sign says whether the relation holds (false for < and >, true for ≤ and ≥),
    // so that g > 0 is exactly the trigger's value and a start on the boundary is not a blind spot.
    const atZero = op === 'gt' || op === 'lt' ? -Number.MIN_VALUE : Number.MIN_VALUE;
    const side =
      (p: Evaluator, q: Evaluator): Evaluator =>
      (v) => {
        const d = sign * (p(v) - q(v));
        return d === 0 ? atZero : d;
      };
    const sides = a.slice(1).map((q, k) => side(a[k]!, q));
    leaves.push(...sides);
    if (n === 2) return sides[0]!;
    return (v) => {
      let m = Number.POSITIVE_INFINITY;
      for (let k = 0; k < n - 1; k++) m = Math.min(m, sides[k]!(v));
      return m;
    };
  }
  return refuse(`the operator <${op}>`);
}

/** `node` with the symbols in `args` replaced by the given expressions. */
function substitute(node: MathNode, args: ReadonlyMap<string, MathNode>): MathNode {
  switch (node.type) {
    case 'symbol':
      return args.get(node.name) ?? node;
    case 'apply': {
      const out: MathNode = { ...node, args: node.args.map((a) => substitute(a, args)) };
      if (node.degree) out.degree = substitute(node.degree, args);
      if (node.logbase) out.logbase = substitute(node.logbase, args);
      return out;
    }
    case 'call':
      return { ...node, args: node.args.map((a) => substitute(a, args)) };
    case 'rateOf':
      return { type: 'rateOf', arg: substitute(node.arg, args) };
    case 'delay':
      return { type: 'delay', arg: substitute(node.arg, args), delay: substitute(node.delay, args) };
    case 'piecewise': {
      const out: MathNode = {
        type: 'piecewise',
        pieces: node.pieces.map(([v, c]) => [substitute(v, args), substitute(c, args)]),
      };
      if (node.otherwise) out.otherwise = substitute(node.otherwise, args);
      return out;
    }
    default:
      return node;
  }
}

/**
 * Every math of the model, with the local parameters that shadow model symbols in it (kinetic laws).
 */
function modelMaths(model: SbmlModel): Array<{ node: MathNode; locals?: ReadonlySet<string> }> {
  const out: Array<{ node: MathNode; locals?: ReadonlySet<string> }> = [];
  for (const r of model.rules) out.push({ node: r.math });
  for (const r of model.algebraicRules) out.push({ node: r.math });
  for (const ia of model.initialAssignments) out.push({ node: ia.math });
  for (const r of model.reactions) {
    if (r.kineticLaw)
      out.push({ node: r.kineticLaw.math, locals: new Set(r.kineticLaw.localParameters.map((p) => p.id)) });
  }
  for (const e of model.events) {
    out.push({ node: e.trigger.math });
    if (e.delay) out.push({ node: e.delay });
    if (e.priority) out.push({ node: e.priority });
    for (const a of e.assignments) out.push({ node: a.math });
  }
  return out;
}

/**
 * The strongly connected components of the graph i → j for j in `edges[i]` (Tarjan), each as a list
 * of nodes; every component comes after those it reaches.
 */
function stronglyConnected(n: number, edges: ReadonlyArray<ReadonlySet<number>>): number[][] {
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  const visit = (i: number): void => {
    index[i] = low[i] = counter++;
    stack.push(i);
    onStack[i] = true;
    for (const j of edges[i]!) {
      if (index[j] === -1) {
        visit(j);
        low[i] = Math.min(low[i]!, low[j]!);
      } else if (onStack[j]) low[i] = Math.min(low[i]!, index[j]!);
    }
    if (low[i] === index[i]) {
      const component: number[] = [];
      for (let j = stack.pop(); j !== undefined; j = stack.pop()) {
        onStack[j] = false;
        component.push(j);
        if (j === i) break;
      }
      out.push(component.sort((a, b) => a - b));
    }
  };
  for (let i = 0; i < n; i++) if (index[i] === -1) visit(i);
  return out;
}

/**
 * The computations of `ordered` that the values `names` need, directly or through others, in the order
 * of `ordered`.
 */
function closure(names: Iterable<string>, ordered: readonly Derived[]): Derived[] {
  const byName = new Map(ordered.map((d) => [d.provides, d]));
  const needed = new Set<Derived>();
  const stack = [...names];
  for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
    const d = byName.get(name);
    if (!d || needed.has(d)) continue;
    needed.add(d);
    stack.push(...d.deps);
  }
  return ordered.filter((d) => needed.has(d));
}

/**
 * Order computations so each runs after those it depends on. Cycles are refused by name: one through
 * a rate (a rateOf that depends on itself, an implicit equation) as unsupported, any other as invalid.
 */
function topologicalOrder(items: Derived[], what: string): Derived[] {
  const byName = new Map(items.map((d) => [d.provides, d]));
  const done = new Set<string>();
  const path: string[] = [];
  const out: Derived[] = [];
  const visit = (d: Derived): void => {
    if (done.has(d.provides)) return;
    const at = path.indexOf(d.provides);
    if (at >= 0) {
      const cycle = [...path.slice(at), d.provides];
      if (cycle.some((name) => rateOfTarget(name) !== undefined)) {
        throw new SbmlUnsupportedError(
          'csymbol',
          `rateOf: the ${what} form a cycle ${cycle.join(' → ')} (a rate that depends on itself ` +
            'defines it only implicitly; not solved)',
        );
      }
      throw new TypeError(`SBML: ${what} form a cycle through "${d.provides}"`);
    }
    path.push(d.provides);
    for (const dep of d.deps) {
      const other = byName.get(dep);
      // Other self-references are not taken as cycles here (as before); a rate never reads itself.
      if (other && (other !== d || rateOfTarget(d.provides) !== undefined)) visit(other);
    }
    path.pop();
    done.add(d.provides);
    out.push(d);
  };
  items.forEach(visit);
  return out;
}
