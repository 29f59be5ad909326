/**
 * A reaction rate r(x, u) with its analytic gradient. `x` is the species vector, `u` the controls
 * (e.g. enzyme levels; empty when the model has none).
 */
export interface RateLaw {
  /** Indices of the species the rate depends on, without repeats. */
  readonly species: readonly number[];
  /** The rate at (x, u). */
  rate(x: Float64Array, u: Float64Array): number;
  /** Write ∂r/∂x[species[k]] into grad[k] (grad has length species.length). */
  gradient(x: Float64Array, u: Float64Array, grad: Float64Array): void;
}

/** An optional enzyme level u[enzyme] that multiplies a rate (Vmax = kcat·E). */
export interface EnzymeOption {
  /** Index into the control vector u of the enzyme level scaling the rate. */
  enzyme?: number;
}

export function checkIndex(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${what} must be a non-negative integer index, got ${value}`);
  return value;
}

export function checkPositive(value: number, what: string): number {
  if (!(value > 0) || !Number.isFinite(value))
    throw new RangeError(`${what} must be a positive finite number, got ${value}`);
  return value;
}

export function checkNonNegative(value: number, what: string): number {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`${what} must be a non-negative finite number, got ${value}`);
  }
  return value;
}

/** Distinct indices in first-appearance order. */
export function distinct(indices: readonly number[]): number[] {
  return [...new Set(indices)];
}

export function enzymeLevel(u: Float64Array, enzyme: number | undefined): number {
  return enzyme === undefined ? 1 : u[enzyme]!;
}
