import type { RhsFunction } from '@kinetica/ode-core';
import { compileMath, type CompileContext, type Evaluator } from './compile-math';
import type { SbmlModel } from './document';
import { freeSymbols, type MathNode } from './math-tree';

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
}

type Derived = { slot: number; provides: string; deps: Set<string>; run: Evaluator };

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
  });
  const compile = (node: MathNode, where: string, locals?: Map<string, number>): Evaluator =>
    compileMath(node, context(where, locals), new Map());
  const deps = (node: MathNode, locals?: Map<string, number>): Set<string> => {
    const s = freeSymbols(node, model.functions);
    if (locals) for (const k of locals.keys()) s.delete(k);
    return s;
  };

  const assignmentRules = new Map(
    model.rules.filter((r) => r.type === 'assignment').map((r) => [r.variable, r]),
  );
  const rateRules = new Map(model.rules.filter((r) => r.type === 'rate').map((r) => [r.variable, r]));
  for (const r of model.rules) {
    if (!slots.has(r.variable))
      throw new TypeError(`SBML: a rule targets the undefined symbol "${r.variable}"`);
  }
  for (const [id] of assignmentRules)
    if (rateRules.has(id)) throw new TypeError(`SBML: "${id}" has both an assignment and a rate rule`);
  for (const s of model.species) {
    if (!slots.has(s.compartment) || kinds.get(s.compartment) !== 'compartment') {
      throw new TypeError(`SBML: species ${s.id} lies in the undefined compartment "${s.compartment}"`);
    }
  }

  // --- State layout -------------------------------------------------------------------------
  const speciesById = new Map(model.species.map((s) => [s.id, s]));
  type State = { name: string; slot: number; rate?: Evaluator; amountOf?: string };
  const states: State[] = [];
  const amountStates = new Set<string>();
  for (const s of model.species) {
    if (assignmentRules.has(s.id)) continue;
    if (rateRules.has(s.id)) continue;
    // Constant and boundary species keep their amount (the SBML Test Suite's reading, e.g. case 01117):
    // they are states with zero derivative, and their concentration follows the compartment.
    amountStates.add(s.id);
    states.push({ name: s.id, slot: amountSlot.get(s.id)!, amountOf: s.id });
  }
  for (const r of model.rules) {
    if (r.type !== 'rate') continue;
    states.push({
      name: r.variable,
      slot: slots.get(r.variable)!,
      rate: compile(r.math, `rateRule ${r.variable}`),
    });
  }

  // --- Values derived from the state at every evaluation, in dependency order ---------------
  const derived: Derived[] = [];
  for (const [id, r] of assignmentRules) {
    derived.push({
      slot: slots.get(id)!,
      provides: id,
      deps: deps(r.math),
      run: compile(r.math, `assignmentRule ${id}`),
    });
  }
  for (const id of amountStates) {
    const s = speciesById.get(id)!;
    const a = amountSlot.get(id)!;
    const c = slots.get(s.compartment)!;
    const run: Evaluator = s.hasOnlySubstanceUnits ? (x) => x[a]! : (x) => x[a]! / x[c]!;
    derived.push({ slot: slots.get(id)!, provides: id, deps: new Set([s.compartment]), run });
  }
  const reactionDerived: Derived[] = model.reactions.map((r, j) => {
    if (!r.kineticLaw) throw new TypeError(`SBML: reaction ${r.id} has no kineticLaw`);
    const locals = localSlots[j]!;
    return {
      slot: rateSlots[j]!,
      provides: r.id,
      deps: deps(r.kineticLaw.math, locals),
      run: compile(r.kineticLaw.math, `kineticLaw of ${r.id}`, locals),
    };
  });
  derived.push(...reactionDerived);
  const orderedDerived = topologicalOrder(derived, 'assignment rules and rate laws');
  const runDerived = (): void => {
    for (const d of orderedDerived) v[d.slot] = d.run(v);
  };

  // --- Initial values --------------------------------------------------------------------------
  const initial: Derived[] = [];
  const initialAssignments = new Map(model.initialAssignments.map((ia) => [ia.symbol, ia]));
  for (const ia of model.initialAssignments) {
    if (!slots.has(ia.symbol))
      throw new TypeError(`SBML: an initialAssignment targets the undefined symbol "${ia.symbol}"`);
  }
  for (const [id, slot] of slots) {
    const ia = initialAssignments.get(id);
    const rule = assignmentRules.get(id);
    const node = ia?.math ?? rule?.math;
    if (node) {
      initial.push({ slot, provides: id, deps: deps(node), run: compile(node, `initial value of ${id}`) });
      continue;
    }
    initial.push(declaredInitial(id, slot));
  }
  initial.push(...reactionDerived);
  function declaredInitial(id: string, slot: number): Derived {
    const kind = kinds.get(id)!;
    const constant = (value: number | undefined): Derived => {
      const c = value ?? Number.NaN;
      return { slot, provides: id, deps: new Set(), run: () => c };
    };
    if (kind === 'compartment') return constant(model.compartments.find((c) => c.id === id)!.size);
    if (kind === 'parameter') return constant(model.parameters.find((p) => p.id === id)!.value);
    if (kind === 'speciesReference') {
      for (const r of model.reactions) {
        for (const sr of [...r.reactants, ...r.products]) if (sr.id === id) return constant(sr.stoichiometry);
      }
    }
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
  const t0Order = topologicalOrder(initial, 'initial values');
  const localValues = model.reactions.map((r) => r.kineticLaw?.localParameters ?? []);

  // --- Reactions -------------------------------------------------------------------------------
  type Term = { amountSlot: number; stoich: Evaluator; cf: Evaluator };
  const conversion = (s: string): Evaluator => {
    const cf = speciesById.get(s)?.conversionFactor ?? model.conversionFactor;
    if (!cf) return () => 1;
    const slot = slots.get(cf);
    if (slot === undefined) throw new TypeError(`SBML: conversionFactor "${cf}" is undefined`);
    return (x) => x[slot]!;
  };
  const stateIndexOfAmount = new Map(states.map((s, k) => [s.amountOf ?? '', k]));
  const reactionTerms: Array<Array<Term & { state: number }>> = [];
  model.reactions.forEach((r) => {
    const terms: Array<Term & { state: number }> = [];
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
        terms.push({ amountSlot: amountSlot.get(sr.species)!, stoich, cf: conversion(sr.species), state });
      }
    };
    addTerms(r.reactants, -1);
    addTerms(r.products, 1);
    reactionTerms.push(terms);
  });

  const nState = states.length;
  const loadState = (t: number, y: Float64Array): void => {
    v[timeSlot] = t;
    for (let k = 0; k < nState; k++) v[states[k]!.slot] = y[k]!;
    runDerived();
  };

  const initialize = (): Float64Array => {
    v.fill(0);
    v[timeSlot] = 0;
    localValues.forEach((list, j) => {
      for (const p of list) v[localSlots[j]!.get(p.id)!] = p.value;
    });
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
    return y0;
  };
  const y0 = initialize();
  const nReactions = model.reactions.length;

  const f: RhsFunction = (t, y, dydt) => {
    loadState(t, y);
    for (let k = 0; k < nState; k++) {
      const rate = states[k]!.rate;
      dydt[k] = rate ? rate(v) : 0;
    }
    for (let j = 0; j < nReactions; j++) {
      const terms = reactionTerms[j]!;
      const rj = v[rateSlots[j]!]!;
      for (let q = 0; q < terms.length; q++) {
        const term = terms[q]!;
        dydt[term.state]! += term.stoich(v) * rj * term.cf(v);
      }
    }
  };

  return {
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
  };
}

/** Order computations so each runs after those it depends on; cycles are refused by name. */
function topologicalOrder(items: Derived[], what: string): Derived[] {
  const byName = new Map(items.map((d) => [d.provides, d]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: Derived[] = [];
  const visit = (d: Derived): void => {
    if (done.has(d.provides)) return;
    if (visiting.has(d.provides)) throw new TypeError(`SBML: ${what} form a cycle through "${d.provides}"`);
    visiting.add(d.provides);
    for (const dep of d.deps) {
      const other = byName.get(dep);
      if (other && other !== d) visit(other);
    }
    visiting.delete(d.provides);
    done.add(d.provides);
    out.push(d);
  };
  items.forEach(visit);
  return out;
}
