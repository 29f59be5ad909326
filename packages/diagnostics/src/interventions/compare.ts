import type { Solution } from '@kinetica/ode-core';
import { bindParameters, checkField, checkState, type ParametricField } from '../field';
import { findSteadyStates, type SteadyState, type SteadyStateOptions } from '../steady-state/find';
import { applyInterventions, type Intervention } from './apply';
import { defaultSaveAt, type SimulationOptions, simulate } from './trajectory';

/** Options of `compareIntervention`. */
export interface CompareOptions extends SimulationOptions {
  /** Also compare steady states, started from both trajectories' end points. */
  steadyStates?: boolean | SteadyStateOptions;
}

/** The unperturbed and perturbed model side by side. */
export interface InterventionComparison {
  status: 'success' | 'failed';
  /** Why a simulation failed (names the run and t). */
  message: string;
  t: Float64Array;
  baseline: Solution;
  perturbed: Solution;
  /** perturbed.y[i] − baseline.y[i] at each output time. */
  difference: Float64Array[];
  /** At the final time: both states, the change and the relative change (change / |baseline|). */
  final: {
    baseline: Float64Array;
    perturbed: Float64Array;
    change: Float64Array;
    relativeChange: Float64Array;
  };
  steadyStates?: { baseline: SteadyState[]; perturbed: SteadyState[] };
}

/**
 * Simulate the model with and without the interventions from the same initial state on the
 * same output grid, and compare trajectories, final states and (optionally) steady states.
 */
export function compareIntervention(
  field: ParametricField,
  interventions: readonly Intervention[],
  options: CompareOptions,
): InterventionComparison {
  const where = 'compareIntervention';
  checkField(field, where);
  checkState(options.y0, field.n, `${where}: y0`);
  const saveAt = options.saveAt ?? defaultSaveAt(options.tspan);
  const perturbedField = applyInterventions(field, interventions);
  const baseline = simulate(field, { ...options, saveAt });
  const perturbed = simulate(perturbedField, { ...options, saveAt });
  const n = field.n;
  const empty = new Float64Array(n);
  const failed =
    baseline.status !== 'success'
      ? ['baseline', baseline]
      : perturbed.status !== 'success'
        ? ['perturbed', perturbed]
        : undefined;
  const m = Math.min(baseline.t.length, perturbed.t.length);
  const difference = Array.from({ length: m }, (_, i) =>
    perturbed.y[i]!.map((v, j) => v - baseline.y[i]![j]!),
  );
  const yb = baseline.y[m - 1] ?? empty;
  const yp = perturbed.y[m - 1] ?? empty;
  const change = yp.map((v, j) => v - yb[j]!);
  const result: InterventionComparison = {
    status: failed ? 'failed' : 'success',
    message: failed ? `${failed[0]} simulation: ${(failed[1] as Solution).message}` : '',
    t: baseline.t.slice(0, m),
    baseline,
    perturbed,
    difference,
    final: {
      baseline: Float64Array.from(yb),
      perturbed: Float64Array.from(yp),
      change,
      relativeChange: change.map((c, j) => c / Math.abs(yb[j]!)),
    },
  };
  if (options.steadyStates && !failed) {
    const ssOptions = options.steadyStates === true ? {} : options.steadyStates;
    result.steadyStates = {
      baseline: findSteadyStates(bindParameters(field), [baseline, perturbed], ssOptions),
      perturbed: findSteadyStates(bindParameters(perturbedField), [perturbed, baseline], ssOptions),
    };
  }
  return result;
}
