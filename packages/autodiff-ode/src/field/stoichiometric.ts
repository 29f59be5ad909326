import type { RateFunction } from '@kinetica/stoichiometry';
import { stoichiometricField } from '@kinetica/stoichiometry';
import { sigmoid, softplus, type Activation } from '../mlp/activations';
import { MLP } from '../mlp/mlp';
import type { Rng } from '../random/rng';
import type { ParametricModel } from '../integrate/taped-model';
import { type ControlSeries, LinearControls } from './controls';

/** Options of a neural rate function r_θ(x, u). */
export interface NeuralRatesSpec {
  nSpecies: number;
  nControls?: number;
  nReactions: number;
  hidden?: number[];
  activation?: Activation;
  /** Network inputs x/xScale and u/uScale (default 1). */
  xScale?: ArrayLike<number>;
  uScale?: ArrayLike<number>;
  /** Rates = rateScale·softplus(net) ('softplus', irreversible reactions) or rateScale·net (default). */
  output?: 'identity' | 'softplus';
  rateScale?: ArrayLike<number>;
}

/**
 * A learned rate function on the fused MLP kernel, in the `RateFunction` form of
 * @kinetica/stoichiometry, so that f_θ = S·r_θ(x, u) respects every conservation law of S.
 */
export function neuralRates(
  spec: NeuralRatesSpec,
): RateFunction & { mlp: MLP; initParams(rng: Rng, std?: number): Float64Array } {
  const ns = spec.nSpecies;
  const nc = spec.nControls ?? 0;
  const nr = spec.nReactions;
  const mlp = new MLP({
    widths: [ns + nc, ...(spec.hidden ?? [32, 32]), nr],
    activation: spec.activation ?? 'tanh',
  });
  const xs = Float64Array.from(spec.xScale ?? new Array(ns).fill(1));
  const us = Float64Array.from(spec.uScale ?? new Array(nc).fill(1));
  const rs = Float64Array.from(spec.rateScale ?? new Array(nr).fill(1));
  if (xs.length !== ns || us.length !== nc || rs.length !== nr)
    throw new RangeError('neuralRates: scale lengths must match nSpecies, nControls, nReactions');
  const soft = spec.output === 'softplus';
  const inp = new Float64Array(ns + nc);
  const out = new Float64Array(nr);
  const go = new Float64Array(nr);
  const gin = new Float64Array(ns + nc);
  const fill = (x: Float64Array, u: Float64Array) => {
    for (let i = 0; i < ns; i++) inp[i] = x[i]! / xs[i]!;
    for (let k = 0; k < nc; k++) inp[ns + k] = u[k]! / us[k]!;
  };
  return {
    mlp,
    nSpecies: ns,
    nControls: nc,
    nReactions: nr,
    nParams: mlp.nParams,
    initParams: (rng, std) => mlp.initParams(rng, std),
    rates(x, u, theta, r) {
      fill(x, u);
      mlp.forward(theta, inp, out);
      for (let j = 0; j < nr; j++) r[j] = rs[j]! * (soft ? softplus(out[j]!) : out[j]!);
    },
    vjp(x, u, theta, v, outX, outTheta) {
      fill(x, u);
      mlp.forward(theta, inp, out);
      for (let j = 0; j < nr; j++) go[j] = v[j]! * rs[j]! * (soft ? sigmoid(out[j]!) : 1);
      mlp.backward(theta, null, 0, go, gin, outTheta, false, ns);
      for (let i = 0; i < ns; i++) outX[i] = gin[i]! / xs[i]!;
    },
  };
}

/** f_θ(t, x) = S·r_θ(x, u(t)) for one trajectory's controls, as a model for the solvers and `odeGradient`. */
export function stoichiometricNeuralField(
  S: readonly (readonly number[])[],
  rates: RateFunction,
  controls?: ControlSeries,
): ParametricModel {
  const field = stoichiometricField(S, rates);
  const lc = controls ? new LinearControls(controls) : null;
  if (rates.nControls > 0 && !lc)
    throw new TypeError(
      `stoichiometricNeuralField: the rates take ${rates.nControls} controls; pass their series`,
    );
  const { f, vjp } = field.withControls(lc ? (t: number, u: Float64Array) => lc.evaluate(t, u) : undefined);
  return {
    nStates: field.nSpecies,
    nParams: field.nParams,
    tstops: lc ? lc.tstops : new Float64Array(0),
    f,
    vjp,
  };
}
