/** ‖a − b‖₂ / ‖b‖₂: the relative error the gradient and kernel checks compare against. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-300);
}

/** (g(z + h·e_k) − g(z − h·e_k)) / 2h. */
export function centralPartial(
  g: (z: Float64Array) => number,
  z: Float64Array,
  k: number,
  h: number,
): number {
  const a = z.slice();
  const b = z.slice();
  a[k] += h;
  b[k] -= h;
  return (g(a) - g(b)) / (2 * h);
}

/** The central-difference gradient of g at z, step h. */
export function centralGradient(g: (z: Float64Array) => number, z: Float64Array, h: number): number[] {
  return Array.from(z, (_, k) => centralPartial(g, z, k, h));
}
