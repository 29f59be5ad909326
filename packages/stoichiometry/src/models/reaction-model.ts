import type { ODEProblem } from '@kinetica/ode-core';
import type { RateLaw } from '../kinetics/types';
import { multiplyS, type SparseStoichiometry, sparseStoichiometry } from '../network/sparse';

/** Control trajectory u(t): write the controls at t into `out`, or a constant vector. */
export type Controls = ((t: number, out: Float64Array) => void) | ArrayLike<number>;

/**
 * dx/dt = S·r(x, u): a model that obeys every conservation law of S by construction.
 * Arrays are caller-owned; no method allocates.
 */
export interface ReactionModel {
  readonly species: readonly string[];
  readonly reactions: readonly string[];
  readonly controls: readonly string[];
  readonly nSpecies: number;
  readonly nReactions: number;
  readonly nControls: number;
  readonly S: readonly (readonly number[])[];
  readonly sparse: SparseStoichiometry;
  /** Reaction rates r(x, u) into `out` (length nReactions). */
  rates(x: Float64Array, u: Float64Array, out: Float64Array): void;
  /** ∂r/∂x into `out`, row-major nReactions × nSpecies. */
  rateJacobian(x: Float64Array, u: Float64Array, out: Float64Array): void;
  /** dx/dt = S·r(x, u) into `dxdt`. */
  f(t: number, x: Float64Array, u: Float64Array, dxdt: Float64Array): void;
  /** ∂f/∂x = S·∂r/∂x into `J`, row-major nSpecies × nSpecies. */
  jac(t: number, x: Float64Array, u: Float64Array, J: Float64Array): void;
  /** An initial value problem for ode-core/solvers-stiff, with controls u(t) evaluated inside f. */
  problem(x0: ArrayLike<number>, tspan: readonly [number, number], controls?: Controls): ODEProblem;
}

export interface ReactionModelNames {
  species?: readonly string[];
  reactions?: readonly string[];
  controls?: readonly string[];
}

/** Build dx/dt = S·r(x, u) from S (species × reactions) and one rate law per reaction (column of S). */
export function stoichiometricModel(
  S: readonly (readonly number[])[],
  rates: readonly RateLaw[],
  names: ReactionModelNames = {},
): ReactionModel {
  const sparse = sparseStoichiometry(S);
  const m = sparse.nSpecies;
  const nr = sparse.nReactions;
  if (rates.length !== nr) {
    throw new RangeError(
      `stoichiometricModel: S has ${nr} reactions (columns) but ${rates.length} rate laws were given`,
    );
  }
  rates.forEach((law, j) => {
    for (const s of law.species) {
      if (s >= m)
        throw new RangeError(`stoichiometricModel: rate law ${j} uses species ${s}, but S has ${m} species`);
    }
  });
  const species = names.species ? [...names.species] : Array.from({ length: m }, (_, i) => `x${i + 1}`);
  const reactions = names.reactions
    ? [...names.reactions]
    : Array.from({ length: nr }, (_, j) => `R${j + 1}`);
  const controls = names.controls ? [...names.controls] : [];
  if (species.length !== m)
    throw new RangeError(`stoichiometricModel: ${species.length} species names for ${m} rows of S`);
  if (reactions.length !== nr) {
    throw new RangeError(`stoichiometricModel: ${reactions.length} reaction names for ${nr} columns of S`);
  }
  const nc = controls.length;
  const r = new Float64Array(nr);
  const grads = rates.map((law) => new Float64Array(law.species.length));
  const deps = rates.map((law) => Int32Array.from(law.species));

  const model: ReactionModel = {
    species,
    reactions,
    controls,
    nSpecies: m,
    nReactions: nr,
    nControls: nc,
    S,
    sparse,
    rates(x, u, out) {
      for (let j = 0; j < nr; j++) out[j] = rates[j]!.rate(x, u);
    },
    rateJacobian(x, u, out) {
      out.fill(0, 0, nr * m);
      for (let j = 0; j < nr; j++) {
        const g = grads[j]!;
        const d = deps[j]!;
        rates[j]!.gradient(x, u, g);
        for (let k = 0; k < d.length; k++) out[j * m + d[k]!] = g[k]!;
      }
    },
    f(_t, x, u, dxdt) {
      model.rates(x, u, r);
      multiplyS(sparse, r, dxdt);
    },
    jac(_t, x, u, J) {
      J.fill(0, 0, m * m);
      const { colPtr, rowIndex, values } = sparse;
      for (let j = 0; j < nr; j++) {
        const g = grads[j]!;
        const d = deps[j]!;
        rates[j]!.gradient(x, u, g);
        for (let p = colPtr[j]!; p < colPtr[j + 1]!; p++) {
          const row = rowIndex[p]! * m;
          const sij = values[p]!;
          for (let k = 0; k < d.length; k++) J[row + d[k]!]! += sij * g[k]!;
        }
      }
    },
    problem(x0, tspan, controlInput) {
      if (x0.length !== m)
        throw new RangeError(`problem: x0 has length ${x0.length}, the model has ${m} species`);
      const u = new Float64Array(nc);
      let setU: ((t: number) => void) | null = null;
      if (typeof controlInput === 'function') setU = (t) => controlInput(t, u);
      else if (controlInput !== undefined) {
        if (controlInput.length !== nc) {
          throw new RangeError(
            `problem: ${controlInput.length} control values, the model has ${nc} controls`,
          );
        }
        u.set(Array.from(controlInput));
      } else if (nc > 0)
        throw new TypeError(`problem: the model has ${nc} controls; pass their values or u(t)`);
      const jacSparsity = jacobianSparsity(sparse, deps, m);
      return {
        y0: Array.from(x0),
        tspan,
        f(t, x, dxdt) {
          if (setU) setU(t);
          model.f(t, x, u, dxdt);
        },
        jac(t, x, J) {
          if (setU) setU(t);
          model.jac(t, x, u, J);
        },
        jacSparsity,
      };
    },
  };
  return model;
}

function jacobianSparsity(sparse: SparseStoichiometry, deps: readonly Int32Array[], m: number): number[][] {
  const cols = Array.from({ length: m }, () => new Set<number>());
  for (let j = 0; j < sparse.nReactions; j++) {
    for (let p = sparse.colPtr[j]!; p < sparse.colPtr[j + 1]!; p++) {
      for (const d of deps[j]!) cols[sparse.rowIndex[p]!]!.add(d);
    }
  }
  return cols.map((c) => [...c].sort((a, b) => a - b));
}
