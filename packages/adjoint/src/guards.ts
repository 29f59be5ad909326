import type { GradientModel, Observations } from './types';

/**
 * A model or loss that broke its contract during a gradient: a vjp that left an output entry
 * unwritten, wrote a non-finite value or returned arrays instead of writing them; a loss or loss
 * gradient that is not finite. `odeGradient` turns it into `status: 'failed'` with this message.
 */
export class GradientGuardError extends Error {
  override name = 'GradientGuardError';
}

function finite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

/**
 * Throw if an output entry is NaN: left unwritten (the buffers are NaN-filled before the call) or
 * set to NaN from finite inputs. ±Infinity is left to the integrators: a state that overflows in
 * an unstable solve makes a correct vjp overflow too, and the solver reports that with its time.
 */
function checkWritten(what: string, name: string, a: Float64Array, t: number, returned: unknown): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isNaN(a[i]!)) continue;
    // A function that returns new arrays instead of writing into the ones it is given leaves them
    // unwritten; returning the buffer itself (as \`out.fill(1)\` does) is fine.
    const hint =
      returned !== undefined && returned !== a
        ? `; it returned a value instead: write the result into ${name}`
        : '';
    throw new GradientGuardError(`${what}: ${name}[${i}] left unwritten or set to NaN at t=${t}${hint}`);
  }
}

/**
 * The model with its vjp checked on every call. Its outputs are filled with NaN before the call,
 * so an entry the vjp does not write is caught like a NaN one (and a vjp that returns arrays of its
 * own instead of writing into vJy and vJp is named as such). With `accumulateVjp`, vJp holds
 * earlier contributions and is not checked per call (the final gradient is).
 */
export function guardModel(model: GradientModel): GradientModel {
  const accumulating = model.accumulateVjp === true;
  // The model may be a class instance: its methods live on the prototype, which a spread drops.
  const jac = model.jac;
  return {
    ...model,
    f: model.f.bind(model),
    ...(jac === undefined ? {} : { jac: jac.bind(model) }),
    vjp(t, y, p, v, vJy, vJp) {
      vJy.fill(Number.NaN);
      if (!accumulating) vJp.fill(Number.NaN);
      const returned: unknown = model.vjp(t, y, p, v, vJy, vJp);
      // From non-finite inputs (a solve already blowing up) NaN is no contract violation.
      if (!finite(y) || !finite(v) || !finite(p)) return;
      checkWritten('model.vjp', 'vJy', vJy, t, returned);
      if (!accumulating) checkWritten('model.vjp', 'vJp', vJp, t, returned);
    },
  };
}

/** The observations with the loss and its gradient checked on every call (NaN-filled before, like vjp). */
export function guardObservations(obs: Observations): Observations {
  const times = obs.times;
  return {
    ...obs,
    loss(i, y) {
      const l = obs.loss(i, y);
      if (typeof l !== 'number' || (!Number.isFinite(l) && finite(y))) {
        throw new GradientGuardError(`observations.loss(${i}) returned ${String(l)} at t=${times[i]}`);
      }
      return l;
    },
    lossGrad(i, y, out) {
      out.fill(Number.NaN);
      const returned: unknown = obs.lossGrad(i, y, out);
      if (finite(y)) checkWritten(`observations.lossGrad(${i})`, 'out', out, times[i]!, returned);
    },
  };
}
