import { compileSbml, readSbml, type SbmlModel, type SbmlOde } from '@kinetica/stoichiometry/sbml';
import { CliError, InputError } from '../io/errors';

/** An SBML model compiled for gradients: its document, its ODE and the parametric problem. */
export interface SbmlGradientModel {
  model: SbmlModel;
  ode: SbmlOde;
  problem: ReturnType<ReturnType<SbmlOde['derivatives']>['problem']>;
}

/**
 * Read and compile `xml` with its exact derivatives (`fit`, `train --hybrid`). A model with events
 * is refused (`the model has N event(s); <withoutEvents>`): its events are not part of the
 * differentiable field. `check` may refuse more (throw an Error). Every problem is one InputError
 * naming `source`.
 */
export function compileSbmlForGradients(
  xml: string,
  source: string,
  withoutEvents: string,
  check?: (model: SbmlModel) => void,
): SbmlGradientModel {
  try {
    const model = readSbml(xml);
    const ode = compileSbml(model);
    if (ode.events.length > 0)
      throw new Error(`the model has ${ode.events.length} event(s); ${withoutEvents}`);
    const problem = ode.derivatives().problem({ t0: 0 });
    check?.(model);
    return { model, ode, problem };
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new InputError((err as Error).message, source);
  }
}
