import type { ParametricProblem, RhsFunction, VjpFunction } from '@kinetica/ode-core';

/**
 * Exact derivatives of a compiled SBML model (see `SbmlOde.derivatives`): ∂f/∂y, ∂f/∂p and
 * vector–Jacobian products, from the symbolic partials of every computation of the right-hand side
 * (`differentiate` of its MathML tree), chained by reverse accumulation over the model's value
 * vector in the dependency order of the computations (assignment rules, concentrations, rate laws,
 * rateOf, conversion factors and species-reference stoichiometries). No finite differences, no
 * evaluation of source text.
 */

/** What a parameter of a compiled model is. */
export type SbmlOdeParameterKind = 'parameter' | 'compartment' | 'speciesReference' | 'local';

/**
 * One entry of a compiled model's parameter vector: a value that no rule, event or algebraic rule
 * changes, read by the right-hand side as a constant (global parameters, compartment sizes,
 * species-reference stoichiometries, and the local parameters of kinetic laws as `reaction.param`).
 */
export interface SbmlOdeParameter {
  readonly id: string;
  readonly kind: SbmlOdeParameterKind;
  /** Whether the SBML element is declared constant (local parameters always are). */
  readonly constant: boolean;
}

/** Exact derivatives of the right-hand side of a compiled SBML model at the model's parameters. */
export interface SbmlOdeDerivatives {
  /** The parameter vector's entries (the same list as `SbmlOde.params`). */
  readonly params: readonly SbmlOdeParameter[];
  /** ∂f/∂y at (t, y), row-major n×n, as `ODEProblem.jac` takes it. */
  jac(t: number, y: Float64Array, J: Float64Array): void;
  /** ∂f/∂p at (t, y), row-major n × params.length. */
  paramJac(t: number, y: Float64Array, P: Float64Array): void;
  /** vJy = vᵀ ∂f/∂y (length n), vJp = vᵀ ∂f/∂p (length params.length); both overwritten. */
  vjp(t: number, y: Float64Array, v: Float64Array, vJy: Float64Array, vJp: Float64Array): void;
  /**
   * The model as ode-core's `ParametricProblem` (f, jac, vjp, sparsity) for `solve` and
   * `odeGradient`: p is the parameter vector (default the model's current values), y0 the model's
   * initial state. Every call of f, jac or vjp first writes its p into the model's values (the
   * compiled model holds one value vector). Events are not part of it: the continuous field only.
   * Initial assignments are not re-evaluated for a new p (y0 is its own input: dL/dy0).
   */
  problem(options?: {
    p?: ArrayLike<number>;
    t0?: number;
    tspan?: readonly [number, number];
  }): ParametricProblem & { vjp: VjpFunction; t0: number; p: Float64Array };
}

/** Partials of one computation with respect to the slots it reads (evaluated on the value vector). */
export interface ItemGrad {
  readonly slots: Int32Array;
  /** Write ∂item/∂v[slots[k]] to out[offset + k]. */
  evaluate(v: Float64Array, out: Float64Array, offset: number): void;
}

/** The right-hand side as the derivative code needs it (built by `compileSbml`). */
export interface DerivativeTape {
  readonly v: Float64Array;
  readonly nState: number;
  readonly stateSlots: Int32Array;
  readonly paramSlots: Int32Array;
  readonly params: readonly SbmlOdeParameter[];
  /** Compute every derived value of the right-hand side at (t, y) into v. */
  load(t: number, y: Float64Array): void;
  /** The computations of the right-hand side in dependency order, each with its partials. */
  readonly items: ReadonlyArray<{ readonly slot: number; readonly grad: ItemGrad }>;
  /** Per state, the slot of its rate rule's value (−1: none). */
  readonly rateRuleSlots: Int32Array;
  /** Reaction terms: dydt[state] += stoich · v[rateSlot] · cf. */
  readonly terms: ReadonlyArray<{
    readonly state: number;
    readonly rateSlot: number;
    /** stoich = sign · v[stoichSlot] when stoichSlot ≥ 0, else the number `coef`. */
    readonly stoichSlot: number;
    readonly sign: number;
    readonly coef: number;
    /** The conversion factor's slot (−1: none, factor 1). */
    readonly cfSlot: number;
  }>;
  readonly f: RhsFunction;
  readonly y0: Float64Array;
  readonly jacSparsity: ReadonlyArray<Int32Array>;
}

/** Build the derivative functions over a tape. */
export function buildDerivatives(tape: DerivativeTape): SbmlOdeDerivatives {
  const { v, nState: n, stateSlots, paramSlots, items, rateRuleSlots, terms } = tape;
  const nP = paramSlots.length;
  const nItems = items.length;
  const itemSlot = Int32Array.from(items, (d) => d.slot);
  const edgeStart = new Int32Array(nItems + 1);
  items.forEach((d, q) => void (edgeStart[q + 1] = edgeStart[q]! + d.grad.slots.length));
  const edgeSlot = new Int32Array(edgeStart[nItems]!);
  items.forEach((d, q) => void edgeSlot.set(d.grad.slots, edgeStart[q]!));
  const edgeVal = new Float64Array(edgeSlot.length);
  const grads = items.map((d) => d.grad);
  const nTerms = terms.length;
  const tState = Int32Array.from(terms, (x) => x.state);
  const tRate = Int32Array.from(terms, (x) => x.rateSlot);
  const tStoichSlot = Int32Array.from(terms, (x) => x.stoichSlot);
  const tSign = Float64Array.from(terms, (x) => x.sign);
  const tCoef = Float64Array.from(terms, (x) => x.coef);
  const tCf = Int32Array.from(terms, (x) => x.cfSlot);
  // Per point: each term's stoichiometry and conversion factor.
  const tS = new Float64Array(nTerms);
  const tC = new Float64Array(nTerms);
  const bar = new Float64Array(v.length);

  /** Model values and every partial at (t, y). */
  const linearize = (t: number, y: Float64Array): void => {
    tape.load(t, y);
    for (let q = 0; q < nItems; q++) grads[q]!.evaluate(v, edgeVal, edgeStart[q]!);
    for (let q = 0; q < nTerms; q++) {
      const s = tStoichSlot[q]!;
      tS[q] = s >= 0 ? tSign[q]! * v[s]! : tCoef[q]!;
      const c = tCf[q]!;
      tC[q] = c >= 0 ? v[c]! : 1;
    }
  };
  /** bar = wᵀ ∂f/∂v (at the linearization point), accumulated back to the state and parameter slots. */
  const sweep = (w: Float64Array | null, row: number): void => {
    bar.fill(0);
    const weight = (k: number): number => (w ? w[k]! : k === row ? 1 : 0);
    for (let k = 0; k < n; k++) {
      const s = rateRuleSlots[k]!;
      if (s >= 0) bar[s]! += weight(k);
    }
    for (let q = 0; q < nTerms; q++) {
      const wk = weight(tState[q]!);
      if (wk === 0) continue;
      const r = v[tRate[q]!]!;
      bar[tRate[q]!]! += wk * tS[q]! * tC[q]!;
      const s = tStoichSlot[q]!;
      if (s >= 0) bar[s]! += wk * tSign[q]! * r * tC[q]!;
      const c = tCf[q]!;
      if (c >= 0) bar[c]! += wk * tS[q]! * r;
    }
    for (let q = nItems - 1; q >= 0; q--) {
      const b = bar[itemSlot[q]!]!;
      if (b === 0) continue;
      for (let e = edgeStart[q]!, end = edgeStart[q + 1]!; e < end; e++)
        bar[edgeSlot[e]!]! += b * edgeVal[e]!;
    }
  };
  const setParams = (p: ArrayLike<number>): void => {
    if (p.length !== nP)
      throw new RangeError(`SBML: the parameter vector has length ${p.length}, expected ${nP}`);
    for (let m = 0; m < nP; m++) v[paramSlots[m]!] = p[m]!;
  };
  const rows = (t: number, y: Float64Array, J: Float64Array | null, P: Float64Array | null): void => {
    linearize(t, y);
    for (let i = 0; i < n; i++) {
      sweep(null, i);
      if (J) for (let j = 0; j < n; j++) J[i * n + j] = bar[stateSlots[j]!]!;
      if (P) for (let m = 0; m < nP; m++) P[i * nP + m] = bar[paramSlots[m]!]!;
    }
  };
  const jac = (t: number, y: Float64Array, J: Float64Array): void => rows(t, y, J, null);
  const paramJac = (t: number, y: Float64Array, P: Float64Array): void => rows(t, y, null, P);
  const vjp = (t: number, y: Float64Array, w: Float64Array, vJy: Float64Array, vJp: Float64Array): void => {
    linearize(t, y);
    sweep(w, -1);
    for (let j = 0; j < n; j++) vJy[j] = bar[stateSlots[j]!]!;
    for (let m = 0; m < nP; m++) vJp[m] = bar[paramSlots[m]!]!;
  };
  return {
    params: tape.params,
    jac,
    paramJac,
    vjp,
    problem(options = {}) {
      const p = Float64Array.from(options.p ?? Array.from(paramSlots, (s) => v[s]!));
      if (p.length !== nP)
        throw new RangeError(`SBML: the parameter vector has length ${p.length}, expected ${nP}`);
      const t0 = options.t0 ?? options.tspan?.[0] ?? 0;
      return {
        f: (t, y, q, dydt) => {
          setParams(q);
          tape.f(t, y, dydt);
        },
        y0: Float64Array.from(tape.y0),
        p,
        t0,
        ...(options.tspan ? { tspan: options.tspan } : {}),
        jac: (t, y, q, J) => {
          setParams(q);
          jac(t, y, J);
        },
        vjp: (t, y, q, w, vJy, vJp) => {
          setParams(q);
          vjp(t, y, w, vJy, vJp);
        },
        jacSparsity: tape.jacSparsity,
      };
    },
  };
}
