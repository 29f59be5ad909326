import {
  AdditiveHybrid,
  type AdditiveHybridJSON,
  createRng,
  type HybridObservable,
  type MechanisticPart,
  observableValue,
  trainHybrid,
} from '@kinetica/autodiff-ode';
import type { ParametricField } from '@kinetica/diagnostics';
import { solve } from '@kinetica/solvers-stiff';
import type { SbmlOde } from '@kinetica/stoichiometry/sbml';
import type { GridTrajectory } from '../baseline/costello-martin';
import { CliError, ExitCode, InputError } from '../io/errors';
import { MAX_EPOCHS, modelSizeProblem } from './limits';
import type { EpochProgress, NeuralOdeFit } from './neural';
import { compileSbmlForGradients } from './sbml-gradient-model';

/**
 * Hybrid models (`kinetica train --hybrid MODEL.xml`): an SBML model's mechanism plus a learned
 * correction, dx/dt = f_mech(x, u; θ) + f_NN(x, u), trained together (autodiff-ode's
 * `AdditiveHybrid` and `trainHybrid`). The SBML model supplies the state (all its species,
 * measured or not), exact derivatives (`SbmlOde.derivatives`), and the link to the table:
 *
 * - each state column of the table names a species (by id or name) or a parameter set by an
 *   assignment rule (a pool such as IPP/DMAPP = IPP + DMAPP); it must be a linear combination of
 *   the model's state, which is checked;
 * - each control column names a constant parameter (by id or name): the protein levels of the
 *   table are written into it along the trajectory;
 * - every other constant, positive global or local parameter is trained (on a log scale).
 */

/** How a hybrid's model reads the table (saved in model.json). */
export interface HybridBinding {
  /** Per state column: the SBML symbol and how it is read. */
  observables: { symbol: string; kind: 'amount' | 'concentration' | 'value' }[];
  /** Per control column: the id of the parameter it sets. */
  controls: string[];
}

/** A compiled SBML model bound to a table's columns. */
export interface HybridSbml {
  xml: string;
  binding: HybridBinding;
  ode: SbmlOde;
  mechanistic: MechanisticPart;
  /** Per state column: which model states it sums, with coefficients. */
  observables: HybridObservable[];
  /** The model's initial state. */
  y0: Float64Array;
  /** Indices into the parameter vector of the trained parameters, and their ids. */
  trainable: number[];
  trainableIds: string[];
  stateNames: readonly string[];
}

/**
 * Solver of a hybrid's training and predictions: mechanistic models are often stiff. bdf's error
 * test runs at a hundredth of these tolerances (solvers-stiff's calibration), so at rtol 3e-7 and
 * atol 3e-10, about where it ran before that calibration (a third of rtol 1e-6, atol 1e-9): the
 * training needs gradients, not more digits, and costs what it did.
 */
export const HYBRID_SOLVER = { method: 'bdf' as const, rtol: 3e-5, atol: 3e-8 };

export const HYBRID_DEFAULTS = {
  hidden: [32, 32],
  /** L-BFGS iterations on the mechanistic parameters alone before the network trains. */
  mechanisticIterations: 60,
  epochs: 150,
  lr: 0.01,
  refine: 0,
};

const byIdOrName = <T extends { id: string; name?: string }>(items: readonly T[], key: string) =>
  items.find((x) => x.id === key) ?? items.find((x) => x.name === key);

/**
 * Compile `xml` and bind it to the table's state and control columns (or to a saved binding).
 * Problems are one-line InputErrors naming `source` (the SBML file).
 */
export function compileHybridSbml(
  xml: string,
  source: string,
  columns: { states: readonly string[]; controls: readonly string[] } | HybridBinding,
): HybridSbml {
  const { model, ode, problem } = compileSbmlForGradients(
    xml,
    source,
    'a hybrid is trained on models without events',
  );
  const binding: HybridBinding =
    'observables' in columns
      ? columns
      : {
          observables: columns.states.map((name) => {
            const sp = byIdOrName(model.species, name);
            if (sp) return { symbol: sp.id, kind: sp.hasOnlySubstanceUnits ? 'amount' : 'concentration' };
            const par = byIdOrName(model.parameters, name);
            if (par && model.rules.some((r) => r.type === 'assignment' && r.variable === par.id))
              return { symbol: par.id, kind: 'value' };
            throw new InputError(
              `state column '${name}' matches no species (by id or name) and no parameter set by an assignment rule`,
              source,
            );
          }),
          controls: columns.controls.map((name) => {
            const par = byIdOrName(model.parameters, name);
            const index = par ? ode.params.findIndex((q) => q.id === par.id) : -1;
            if (!par || index < 0)
              throw new InputError(
                `control column '${name}' matches no constant parameter (by id or name); the hybrid writes each protein level into the parameter of its name`,
                source,
              );
            return par.id;
          }),
        };
  const n = ode.stateNames.length;
  const observables = binding.observables.map((o) => linearObservable(ode, o.symbol, o.kind, source));
  const controlIndex = Int32Array.from(binding.controls, (id) => {
    const i = ode.params.findIndex((q) => q.id === id);
    if (i < 0) throw new InputError(`'${id}' is not a constant parameter of the model`, source);
    return i;
  });
  const isControl = new Set(controlIndex);
  const p0 = problem.p;
  const trainable: number[] = [];
  ode.params.forEach((q, i) => {
    if (
      (q.kind === 'parameter' || q.kind === 'local') &&
      !isControl.has(i) &&
      p0[i]! > 0 &&
      Number.isFinite(p0[i]!)
    )
      trainable.push(i);
  });
  // The parameter vector with the controls written in; f, jac and vjp read it per call.
  const full = Float64Array.from(p0);
  const withControls = (u: Float64Array, theta: Float64Array) => {
    full.set(theta);
    for (let c = 0; c < controlIndex.length; c++) full[controlIndex[c]!] = u[c]!;
    return full;
  };
  const jac = problem.jac!;
  const mechanistic: MechanisticPart = {
    nStates: n,
    nControls: controlIndex.length,
    params: p0,
    f: (t, x, u, theta, dxdt) => problem.f(t, x, withControls(u, theta), dxdt),
    vjp: (t, x, u, theta, v, vJx, vJtheta) => {
      problem.vjp(t, x, withControls(u, theta), v, vJx, vJtheta);
      // A control is data, not a parameter: no gradient flows into it.
      for (const i of controlIndex) vJtheta[i] = 0;
    },
    jac: (t, x, u, theta, J) => jac(t, x, withControls(u, theta), J),
  };
  return {
    xml,
    binding,
    ode,
    mechanistic,
    observables,
    y0: Float64Array.from(problem.y0),
    trainable,
    trainableIds: trainable.map((i) => ode.params[i]!.id),
    stateNames: ode.stateNames,
  };
}

/**
 * The observable `symbol` as Σ c_j·y_j over the model's state, found by reading it at unit
 * states and checked at two more states (a species in a compartment of changing size, or a rule
 * that is not linear in the species, is refused).
 */
function linearObservable(
  ode: SbmlOde,
  symbol: string,
  kind: 'amount' | 'concentration' | 'value',
  source: string,
): HybridObservable {
  const read = ode.reader(symbol, kind);
  const n = ode.stateNames.length;
  const y = new Float64Array(n);
  const base = read(0, y);
  const states: number[] = [];
  const coefficients: number[] = [];
  for (let j = 0; j < n; j++) {
    y.fill(0);
    y[j] = 1;
    const c = read(0, y) - base;
    if (c !== 0) {
      states.push(j);
      coefficients.push(c);
    }
  }
  const scale = Math.max(...coefficients.map(Math.abs), 0);
  const rng = createRng(17);
  let linear = states.length > 0 && Math.abs(base) <= 1e-12 * scale;
  for (let trial = 0; linear && trial < 2; trial++) {
    let expected = 0;
    for (let j = 0; j < n; j++) y[j] = 0.5 + 2 * Math.abs(rng.normal());
    states.forEach((j, q) => void (expected += coefficients[q]! * y[j]!));
    linear = Math.abs(read(0, y) - expected) <= 1e-9 * Math.max(Math.abs(expected), scale);
  }
  if (!linear)
    throw new InputError(
      `'${symbol}' is not a sum of the model's species (with constant factors); a hybrid observes species and such sums`,
      source,
    );
  return { states, coefficients };
}

/** The model's state at the start of a trajectory whose observables start at x0 (NaN: not measured). */
export function initialState(h: HybridSbml, x0: ArrayLike<number>): Float64Array {
  const y = Float64Array.from(h.y0);
  h.observables.forEach((o, k) => {
    const v = x0[k]!;
    if (!Number.isFinite(v)) return;
    // A pool is split as the model's initial state splits it (equally when that is all zero).
    const total = observableValue(o, h.y0);
    o.states.forEach((j, q) => {
      const c = o.coefficients![q]!;
      const share = total > 0 ? (c * h.y0[j]!) / total : 1 / o.states.length;
      y[j] = (v * share) / c;
    });
  });
  return y;
}

/** model.json's `neural` entry of a hybrid. */
export interface HybridFitJSON {
  format: 'kinetica-hybrid-fit';
  version: 1;
  /** The SBML model as given (its parameter values are the starting ones; `hybrid.theta` the trained). */
  sbml: string;
  /** The SBML file's name when trained. */
  source: string;
  binding: HybridBinding;
  /** Ids of the trained parameters, in the order of the trainable part of the parameter vector. */
  trained: string[];
  hybrid: AdditiveHybridJSON;
  /** Training loss at the start, after the mechanistic stage, and at the end. */
  loss: { start: number; mechanistic: number; final: number };
}

function rows(controls: readonly Float64Array[], T: number): number[][] {
  return Array.from({ length: T }, (_, k) => controls.map((c) => c[k]!));
}

/** A trained (or loaded) hybrid as the held-out pipeline uses a neural fit. */
function wrapHybrid(
  source: string,
  h: HybridSbml,
  model: AdditiveHybrid,
  params: Float64Array,
  lossHistory: number[],
  loss: HybridFitJSON['loss'],
): NeuralOdeFit {
  const predictFull = (x0: ArrayLike<number>, controls: Float64Array[], grid: Float64Array) => {
    const field = model.field({ times: grid, values: rows(controls, grid.length) });
    const r = solve(
      {
        f: (t: number, y: Float64Array, p: Float64Array, d: Float64Array) => field.f(t, y, p, d),
        jac: (t: number, y: Float64Array, p: Float64Array, J: Float64Array) => field.jac!(t, y, p, J),
        p: params,
        y0: initialState(h, x0),
        tspan: [grid[0]!, grid[grid.length - 1]!],
      },
      { ...HYBRID_SOLVER, saveAt: grid, tstops: field.tstops },
    );
    if (r.status !== 'success') throw new Error(`the hybrid model's solve failed: ${r.message}`);
    return r.y;
  };
  const observe = (Y: readonly Float64Array[]) =>
    h.observables.map((o) => Float64Array.from(Y, (y) => observableValue(o, y)));
  const json = (): HybridFitJSON => ({
    format: 'kinetica-hybrid-fit',
    version: 1,
    sbml: h.xml,
    source,
    binding: h.binding,
    trained: h.trainableIds,
    hybrid: model.toJSON(params),
    loss,
  });
  return {
    model: {
      structure: 'hybrid',
      members: 1,
      hybrid: {
        sbml: source,
        mechanisticParameters: model.nMechanistic,
        networkWeights: model.mlp.nParams,
        loss,
      },
    },
    lossHistory,
    members: 1,
    predict: (x0, controls, grid) => observe(predictFull(x0, controls, grid)),
    toJSON: json,
    combineMembers: (values) => values[0]!,
    networkControls: (controls) => controls.map((c) => Float64Array.from(c)),
    field(): ParametricField {
      throw new CliError(
        "a hybrid model's state is its SBML model's species, not the table's states; diagnose, knockout and screen work with neural models",
      );
    },
  };
}

/** Train a hybrid on the training trajectories (on the grid, as the neural ODE is trained). */
export function fitHybrid(
  h: HybridSbml,
  train: GridTrajectory[],
  options: {
    /** The SBML file's name, as reports and model.json record it. */
    source: string;
    seed: number;
    epochs?: number;
    hidden?: number[];
    lr?: number;
    mechanisticIterations?: number;
    /** L-BFGS iterations on both parameter sets after Adam (default HYBRID_DEFAULTS.refine). */
    refine?: number;
    onProgress?: (message: string, fraction: number, epoch?: EpochProgress) => void;
  },
): NeuralOdeFit {
  const n = h.stateNames.length;
  const nObs = h.observables.length;
  const grid = train[0]!.t;
  const span = grid[grid.length - 1]! - grid[0]!;
  // Scales from the training data: each observable's largest |value|; a species in it shares it.
  const obsScale = h.observables.map((_, k) => {
    let s = 0;
    for (const tr of train)
      for (const v of tr.states[k]!) if (Number.isFinite(v)) s = Math.max(s, Math.abs(v));
    return s > 0 ? s : 1;
  });
  const stateScale = new Float64Array(n).fill(0);
  h.observables.forEach((o, k) => {
    o.states.forEach((j, q) => {
      stateScale[j] = Math.max(stateScale[j]!, obsScale[k]! / Math.abs(o.coefficients![q]!));
    });
  });
  // Unmeasured species are not network inputs (their scale is not used).
  for (let j = 0; j < n; j++) if (stateScale[j] === 0) stateScale[j] = 1;
  // Controls enter as log(1 + u/ū) with ū their mean level in training.
  const m = h.mechanistic.nControls;
  const controlScale = Array.from({ length: m }, (_, c) => {
    let s = 0;
    let k = 0;
    for (const tr of train)
      for (const v of tr.controls[c]!)
        if (Number.isFinite(v) && v > 0) {
          s += v;
          k++;
        }
    return k > 0 ? s / k : 1;
  });
  // The network reads and corrects the measured species, each by up to about its scale per time
  // span; species no column measures are left to the mechanism.
  const corrected = [...new Set(h.observables.flatMap((o) => o.states))].sort((a, b) => a - b);
  // Refused before anything is allocated, as for the neural ODE (README "Limits").
  const hidden = options.hidden ?? HYBRID_DEFAULTS.hidden;
  const epochs = options.epochs ?? HYBRID_DEFAULTS.epochs;
  if (!(epochs <= MAX_EPOCHS))
    throw new CliError(`--epochs: ${epochs} is more than the limit of ${MAX_EPOCHS.toLocaleString('en-US')}`);
  const shape = { inputs: corrected.length + m, hidden, outputs: corrected.length };
  const tooBig = modelSizeProblem(shape, 1, grid.length, true);
  if (tooBig) throw new CliError(`--hidden ${hidden.join(',')}: ${tooBig}`);
  const model = new AdditiveHybrid(h.mechanistic, {
    trainable: h.trainable,
    corrected,
    inputs: corrected,
    stateScale,
    controlScale,
    rateScale: corrected.map((j) => stateScale[j]! / span),
    hidden,
  });
  const mechIt = options.mechanisticIterations ?? HYBRID_DEFAULTS.mechanisticIterations;
  const refine = options.refine ?? HYBRID_DEFAULTS.refine;
  const total = mechIt + epochs + refine;
  const lossHistory: number[] = [];
  let done = 0;
  const result = trainHybrid({
    model,
    trajectories: train.map((tr) => {
      const x0 = tr.states.map((s) => s[0]!);
      return {
        times: tr.t,
        observations: Array.from(tr.t, (_, k) => Array.from({ length: nObs }, (_, q) => tr.states[q]![k]!)),
        controls: { times: tr.t, values: rows(tr.controls, tr.t.length) },
        y0: initialState(h, x0),
      };
    }),
    observables: h.observables,
    seed: options.seed,
    mechanisticIterations: mechIt,
    epochs,
    lr: options.lr ?? HYBRID_DEFAULTS.lr,
    ...(refine > 0 ? { refine: { iterations: refine } } : {}),
    ...HYBRID_SOLVER,
    onProgress: (p) => {
      done++;
      if (p.phase === 'adam') lossHistory.push(p.loss);
      const label = p.phase === 'mechanistic' ? 'mechanistic parameters' : 'hybrid';
      options.onProgress?.(
        `${label} ${p.phase === 'adam' ? `epoch ${p.epoch + 1}/${epochs}` : `iteration ${p.epoch + 1}`} loss ${p.loss.toExponential(3)}`,
        Math.min(1, done / total),
        p.phase === 'adam' ? { member: 0, members: 1, epoch: p.epoch, epochs, loss: p.loss } : undefined,
      );
    },
  });
  // The mechanism cannot be solved from a training strain's start: a failure of the run, not of its input.
  if (result.status === 'failed')
    throw new CliError(`the hybrid's training failed: ${result.message}`, ExitCode.failure);
  return wrapHybrid(options.source, h, model, result.params, lossHistory, {
    start: result.lossStart,
    mechanistic: result.lossMechanistic,
    final: result.loss,
  });
}

/** Rebuild a hybrid from model.json's `neural` entry. */
export function loadHybridFit(json: HybridFitJSON, source: string): NeuralOdeFit {
  const h = compileHybridSbml(json.sbml, `${source}: neural.sbml`, json.binding);
  const saved = json.hybrid.spec.trainable.map((i) => h.ode.params[i]?.id);
  if (saved.length !== json.trained.length || saved.some((id, q) => id !== json.trained[q]))
    throw new InputError(
      'neural.trained: does not name the parameters at neural.hybrid.spec.trainable',
      source,
    );
  const { model, params } = AdditiveHybrid.fromJSON(json.hybrid, h.mechanistic);
  return wrapHybrid(json.source, h, model, params, [], json.loss);
}
