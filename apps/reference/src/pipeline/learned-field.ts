import { LinearControls, type NeuralField, type TrainedModel } from '@kinetica/autodiff-ode';
import type { ParametricField } from '@kinetica/diagnostics';
import { createInterpolant } from '@kinetica/omics-io';

/**
 * The learned vector field of one strain, dx/dt = mean over members of f_θ(x, u(t)), in the form
 * the diagnostics take. p holds the controls in their measured units and `drive` writes the
 * strain's levels at t (linear in time over `grid`, constant beyond), so a knockout or a scaling
 * acts on the protein level itself, before the network's input transform `readControl` sees it.
 */
export function learnedField(
  models: readonly TrainedModel[],
  readControl: (index: number, level: number) => number,
  controls: readonly Float64Array[],
  grid: Float64Array,
): ParametricField {
  const n = models[0]!.node.nStates;
  const m = controls.length;
  // The networks read their inputs from a one-point control series that f rewrites from p
  // before each evaluation, so that the members see the intervened levels.
  const inputs = m > 0 ? new LinearControls({ times: [0], values: [new Float64Array(m)] }) : undefined;
  const fields: NeuralField[] = models.map((model) => model.node.field(inputs));
  const curves = controls.map((c) => createInterpolant(grid, c));
  const w = 1 / models.length;
  const member = new Float64Array(Math.max(n, n * n));
  const load = (p: Float64Array) => {
    for (let i = 0; i < m; i++) inputs!.values[i] = readControl(i, p[i]!);
  };
  const average = (out: Float64Array, len: number, eval_: (k: number, into: Float64Array) => void) => {
    out.fill(0, 0, len);
    for (let k = 0; k < fields.length; k++) {
      eval_(k, member);
      for (let i = 0; i < len; i++) out[i]! += w * member[i]!;
    }
  };
  return {
    n,
    p: curves.map((c) => c.at(grid[0]!)),
    f(t, y, p, dydt) {
      load(p);
      average(dydt, n, (k, into) => fields[k]!.f(t, y, models[k]!.params, into));
    },
    jac(t, y, p, J) {
      load(p);
      average(J, n * n, (k, into) => fields[k]!.jac(t, y, models[k]!.params, into));
    },
    drive(t, p) {
      for (let i = 0; i < m; i++) p[i] = curves[i]!.at(t);
    },
  };
}
