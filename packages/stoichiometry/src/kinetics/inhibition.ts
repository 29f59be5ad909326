import { checkIndex, checkPositive, type EnzymeOption, enzymeLevel, type RateLaw } from './types';

export interface InhibitionOptions extends EnzymeOption {
  substrate: number;
  inhibitor: number;
  vmax: number;
  km: number;
  /** Inhibition constant. */
  ki: number;
}

/** Competitive inhibition: r = Vmax·s/(Km·(1 + i/Ki) + s). */
export function competitiveInhibition(o: InhibitionOptions): RateLaw {
  const { s, i, km, ki } = checked(o, 'competitiveInhibition');
  const { vmax, enzyme } = o;
  return {
    species: [s, i],
    rate(x, u) {
      return (enzymeLevel(u, enzyme) * vmax * x[s]!) / (km * (1 + x[i]! / ki) + x[s]!);
    },
    gradient(x, u, grad) {
      const a = km * (1 + x[i]! / ki);
      const d = a + x[s]!;
      const v = enzymeLevel(u, enzyme) * vmax;
      grad[0] = (v * a) / (d * d);
      grad[1] = (-v * x[s]! * km) / (ki * d * d);
    },
  };
}

/** Uncompetitive inhibition: r = Vmax·s/(Km + s·(1 + i/Ki)). */
export function uncompetitiveInhibition(o: InhibitionOptions): RateLaw {
  const { s, i, km, ki } = checked(o, 'uncompetitiveInhibition');
  const { vmax, enzyme } = o;
  return {
    species: [s, i],
    rate(x, u) {
      return (enzymeLevel(u, enzyme) * vmax * x[s]!) / (km + x[s]! * (1 + x[i]! / ki));
    },
    gradient(x, u, grad) {
      const d = km + x[s]! * (1 + x[i]! / ki);
      const v = enzymeLevel(u, enzyme) * vmax;
      grad[0] = (v * km) / (d * d);
      grad[1] = (-v * x[s]! * x[s]!) / (ki * d * d);
    },
  };
}

function checked(o: InhibitionOptions, where: string) {
  const s = checkIndex(o.substrate, `${where}: substrate`);
  const i = checkIndex(o.inhibitor, `${where}: inhibitor`);
  if (s === i) throw new RangeError(`${where}: substrate and inhibitor must differ`);
  return { s, i, km: checkPositive(o.km, `${where}: km`), ki: checkPositive(o.ki, `${where}: ki`) };
}
