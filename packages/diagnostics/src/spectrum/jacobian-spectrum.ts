import { checkField, checkState, type Trajectory, type VectorField } from '../field';
import { jacobianOf } from '../jacobian/finite-difference';
import { type Eigenvalues, eigenvalues, spectralNorm } from '../linalg/eigen';

/** Eigenvalues of ∂f/∂y at (t, y), largest real part first. */
export function jacobianSpectrum(field: VectorField, t: number, y: ArrayLike<number>): Eigenvalues {
  checkField(field, 'jacobianSpectrum');
  checkState(y, field.n, 'jacobianSpectrum');
  const n = field.n;
  const J = new Float64Array(n * n);
  jacobianOf(field.f, n, field.jac, field.scale)(t, Float64Array.from(y), J);
  return eigenvalues(J, n);
}

/**
 * Spectral norm ‖∂f/∂y‖₂ at each sampled state (a "norm map"). Evaluate it on training states
 * and on test states: a learned field whose Jacobian norms grow far beyond the training range
 * is extrapolating.
 */
export function spectralNormMap(field: VectorField, samples: Trajectory): Float64Array {
  checkField(field, 'spectralNormMap');
  const n = field.n;
  const J = new Float64Array(n * n);
  const y = new Float64Array(n);
  const jac = jacobianOf(field.f, n, field.jac, field.scale);
  const out = new Float64Array(samples.y.length);
  for (let i = 0; i < samples.y.length; i++) {
    checkState(samples.y[i]!, n, `spectralNormMap: sample ${i}`);
    y.set(samples.y[i]!);
    jac(samples.t[i] ?? 0, y, J);
    out[i] = spectralNorm(J, n);
  }
  return out;
}
