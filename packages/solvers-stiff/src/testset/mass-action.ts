import type { JacobianFunction, RhsFunction } from '@kinetica/ode-core';

/** One mass-action reaction: rate = k · Π y[reactant] (first or second order). */
export interface MassActionReaction {
  readonly k: number;
  /** Indices of the species whose concentrations multiply the rate (one or two). */
  readonly reactants: readonly number[];
  /** [species, stoichiometric change] pairs. */
  readonly changes: ReadonlyArray<readonly [number, number]>;
}

/**
 * Right-hand side, analytic Jacobian and sparsity pattern of a mass-action network, built once
 * from its reaction list so that f and ∂f/∂y cannot disagree.
 */
export function massAction(
  n: number,
  reactions: readonly MassActionReaction[],
): { f: RhsFunction; jac: JacobianFunction; jacSparsity: number[][] } {
  const m = reactions.length;
  const k = Float64Array.from(reactions, (r) => r.k);
  const first = Int32Array.from(reactions, (r) => r.reactants[0]!);
  // −1 marks a first-order reaction.
  const second = Int32Array.from(reactions, (r) => r.reactants[1] ?? -1);
  const changeStart = new Int32Array(m + 1);
  for (let j = 0; j < m; j++) changeStart[j + 1] = changeStart[j]! + reactions[j]!.changes.length;
  const changeSpecies = new Int32Array(changeStart[m]!);
  const changeCoef = new Float64Array(changeStart[m]!);
  reactions.forEach((r, j) => {
    r.changes.forEach(([s, c], i) => {
      changeSpecies[changeStart[j]! + i] = s;
      changeCoef[changeStart[j]! + i] = c;
    });
  });

  const f: RhsFunction = (_t, y, dy) => {
    dy.fill(0);
    for (let j = 0; j < m; j++) {
      const b = second[j]!;
      const rate = b < 0 ? k[j]! * y[first[j]!]! : k[j]! * y[first[j]!]! * y[b]!;
      for (let p = changeStart[j]!; p < changeStart[j + 1]!; p++)
        dy[changeSpecies[p]!] += changeCoef[p]! * rate;
    }
  };

  const jac: JacobianFunction = (_t, y, J) => {
    J.fill(0);
    for (let j = 0; j < m; j++) {
      const a = first[j]!;
      const b = second[j]!;
      const dA = b < 0 ? k[j]! : k[j]! * y[b]!;
      const dB = b < 0 ? 0 : k[j]! * y[a]!;
      for (let p = changeStart[j]!; p < changeStart[j + 1]!; p++) {
        const row = changeSpecies[p]! * n;
        J[row + a] += changeCoef[p]! * dA;
        if (b >= 0) J[row + b] += changeCoef[p]! * dB;
      }
    }
  };

  const pattern = Array.from({ length: n }, () => new Set<number>());
  for (const r of reactions) for (const [s] of r.changes) for (const a of r.reactants) pattern[s]!.add(a);
  const jacSparsity = pattern.map((cols) => [...cols].sort((x, y) => x - y));
  return { f, jac, jacSparsity };
}
