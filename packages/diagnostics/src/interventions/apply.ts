import { checkField, type ParametricField } from '../field';

/**
 * A perturbation of the model. Entries of p are parameters or controls (constant, or written by
 * `drive` at each time); interventions act after `drive`, so a knocked-out control stays at zero
 * whatever its measured trajectory says.
 */
export type Intervention =
  /** Knockout: p[index] (an enzyme level, an inducer) held at zero. */
  | { kind: 'knockout'; index: number }
  /** Over-expression (factor > 1) or knock-down (factor < 1) of p[index]. */
  | { kind: 'scale'; index: number; factor: number }
  /** p[index] clamped to a value. */
  | { kind: 'set'; index: number; value: number }
  /** The influence of species j on the others removed: every f_i with i ≠ j sees y_j = 0. */
  | { kind: 'remove-species'; species: number };

/** The field with the interventions applied, in order; the original is left untouched. */
export function applyInterventions(
  field: ParametricField,
  interventions: readonly Intervention[],
): ParametricField {
  const where = 'applyInterventions';
  checkField(field, where);
  const np = field.p.length;
  const n = field.n;
  for (const [k, iv] of interventions.entries()) {
    if (iv.kind === 'remove-species') {
      if (!Number.isInteger(iv.species) || iv.species < 0 || iv.species >= n) {
        throw new RangeError(
          `${where}: intervention ${k} names species ${iv.species}, expected an integer in [0, ${n - 1}]`,
        );
      }
    } else if (!Number.isInteger(iv.index) || iv.index < 0 || iv.index >= np) {
      throw new RangeError(
        `${where}: intervention ${k} names p[${iv.index}], expected an index in [0, ${np - 1}]`,
      );
    } else if (iv.kind === 'scale' && !Number.isFinite(iv.factor)) {
      throw new RangeError(`${where}: intervention ${k} has a non-finite factor ${iv.factor}`);
    } else if (iv.kind === 'set' && !Number.isFinite(iv.value)) {
      throw new RangeError(`${where}: intervention ${k} has a non-finite value ${iv.value}`);
    }
  }
  const onP = interventions.filter((iv) => iv.kind !== 'remove-species');
  const removed = interventions.flatMap((iv) => (iv.kind === 'remove-species' ? [iv.species] : []));
  const perturb = (p: Float64Array) => {
    for (const iv of onP) {
      if (iv.kind === 'knockout') p[iv.index] = 0;
      else if (iv.kind === 'scale') p[iv.index]! *= iv.factor;
      else if (iv.kind === 'set') p[iv.index] = iv.value;
    }
  };
  const p = Float64Array.from(field.p);
  perturb(p);
  const out: ParametricField = { n, p, f: field.f.bind(field), scale: field.scale };
  if (field.jac && removed.length === 0) out.jac = field.jac.bind(field);
  const { drive } = field;
  if (drive) {
    out.drive = (t, pw) => {
      drive.call(field, t, pw);
      perturb(pw);
    };
  }
  if (removed.length > 0) {
    const masked = new Float64Array(n);
    const own = new Float64Array(n);
    const f = field.f.bind(field);
    out.f = (t, y, pw, dydt) => {
      masked.set(y);
      for (const j of removed) masked[j] = 0;
      f(t, masked, pw, dydt);
      // The removed species keeps its own dynamics, computed from the true state.
      f(t, y, pw, own);
      for (const j of removed) dydt[j] = own[j]!;
    };
  }
  return out;
}
