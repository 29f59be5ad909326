import { checkIndex, checkPositive, type EnzymeOption, enzymeLevel, type RateLaw } from './types';

export interface MichaelisMentenOptions extends EnzymeOption {
  substrate: number;
  /** Maximal rate (kcat when `enzyme` is given: then Vmax = kcat·u[enzyme]). */
  vmax: number;
  km: number;
}

/** Irreversible Michaelis–Menten: r = Vmax·s/(Km + s). */
export function michaelisMenten(o: MichaelisMentenOptions): RateLaw {
  const s = checkIndex(o.substrate, 'michaelisMenten: substrate');
  const { vmax, km, enzyme } = o;
  checkPositive(km, 'michaelisMenten: km');
  return {
    species: [s],
    rate: (x, u) => (enzymeLevel(u, enzyme) * vmax * x[s]!) / (km + x[s]!),
    gradient(x, u, grad) {
      const d = km + x[s]!;
      grad[0] = (enzymeLevel(u, enzyme) * vmax * km) / (d * d);
    },
  };
}

export interface ReversibleMichaelisMentenOptions extends EnzymeOption {
  substrate: number;
  product: number;
  /** Forward and reverse maximal rates. */
  vf: number;
  vr: number;
  kms: number;
  kmp: number;
}

/** Reversible Michaelis–Menten (Haldane form): r = (Vf·s/Kms − Vr·p/Kmp)/(1 + s/Kms + p/Kmp). */
export function reversibleMichaelisMenten(o: ReversibleMichaelisMentenOptions): RateLaw {
  const s = checkIndex(o.substrate, 'reversibleMichaelisMenten: substrate');
  const p = checkIndex(o.product, 'reversibleMichaelisMenten: product');
  if (s === p) throw new RangeError('reversibleMichaelisMenten: substrate and product must differ');
  const { vf, vr, enzyme } = o;
  const kms = checkPositive(o.kms, 'reversibleMichaelisMenten: kms');
  const kmp = checkPositive(o.kmp, 'reversibleMichaelisMenten: kmp');
  return {
    species: [s, p],
    rate(x, u) {
      const a = x[s]! / kms;
      const b = x[p]! / kmp;
      return (enzymeLevel(u, enzyme) * (vf * a - vr * b)) / (1 + a + b);
    },
    gradient(x, u, grad) {
      const a = x[s]! / kms;
      const b = x[p]! / kmp;
      const d = 1 + a + b;
      const num = vf * a - vr * b;
      const e = enzymeLevel(u, enzyme);
      grad[0] = (e * (vf * d - num)) / (kms * d * d);
      grad[1] = (e * (-vr * d - num)) / (kmp * d * d);
    },
  };
}
