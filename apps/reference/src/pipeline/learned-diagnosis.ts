import {
  bindParameters,
  findSteadyStates,
  type OodReport,
  oodReport,
  type SolverRecommendation,
  type StiffnessProfile,
  stiffnessProfile,
} from '@kinetica/diagnostics';
import { featureIndex } from '@kinetica/omics-io';
import { CliError, ExitCode } from '../io/errors';
import { curveRange, type LearnedStrain } from './learned-strain';

/** Where a strain's level of one control lies against the training strains' (measured units, on the grid). */
export interface ControlRange {
  name: string;
  strain: { min: number; max: number };
  training: { min: number; max: number };
  /** True when the strain leaves the training range anywhere. */
  outside: boolean;
}

export interface LearnedDiagnosis {
  strain: string;
  recommendation: SolverRecommendation;
  maxStiffnessRatio: number;
  ood: {
    flagged: boolean;
    reasons: string[];
    distanceThreshold: number;
    maxDistance: number;
    fractionOutside: number;
    jacobianNormRatio: number;
    ftle: { window: number; testMax: number; trainingMax: number };
    extrapolationNrmse?: { perState: Record<string, number>; overall: number };
  };
  controls: ControlRange[];
  /** The enzyme levels at which steady states were sought: the strain's at the end of its time course. */
  steadyStateControls: Record<string, number>;
  /**
   * Every equilibrium reached from the predicted end state and the initial state. A learned field
   * knows nothing of positivity, so equilibria with a negative concentration are kept and named
   * in `negative` rather than dropped unseen.
   */
  steadyStates: { stability: string; residual: number; x: Record<string, number>; negative: string[] }[];
}

/** The full picture, with the per-time curves the plots need. */
export interface LearnedDiagnosisRun {
  summary: LearnedDiagnosis;
  predicted: Float64Array[];
  stiffness: StiffnessProfile;
  ood: OodReport;
}

const rows = (curves: readonly Float64Array[], length: number): Float64Array[] =>
  Array.from({ length }, (_, k) => Float64Array.from(curves, (c) => c[k]!));

/**
 * Diagnose a learned model on one strain: the out-of-distribution report of its predicted
 * trajectory against the training groups (in the joint space of states and network inputs, with
 * the strain's measurements as observations), stiffness along that trajectory, and steady states
 * of the learned field with the strain's final enzyme levels held fixed.
 */
export function diagnoseLearned(
  s: LearnedStrain,
  options: { ftleSamples?: number } = {},
): LearnedDiagnosisRun {
  const { model, fit, grid, onGrid } = s;
  const training = s.training ?? [];
  const x0 = onGrid.states.map((c) => c[0]!);
  let predicted: Float64Array[];
  try {
    predicted = fit.predict(x0, onGrid.controls, grid);
  } catch (err) {
    throw new CliError(
      `the learned model's prediction of ${s.strain.name} failed: ${(err as Error).message}`,
      ExitCode.failure,
    );
  }
  const bad = predicted.findIndex((c) => c.some((v) => !Number.isFinite(v)));
  if (bad >= 0) {
    throw new CliError(
      `the learned model's prediction of ${s.strain.name} is not finite for '${model.states[bad]}'`,
      ExitCode.failure,
    );
  }
  const field = fit.field(onGrid.controls, grid);
  const test = { t: grid, y: rows(predicted, grid.length) };
  const observedValues = model.states.map((name) => s.strain.values[featureIndex(s.dataset, name)]!);
  const ood = oodReport(
    {
      test: bindParameters(field),
      training: training.map((tr) => bindParameters(fit.field(tr.controls, grid))),
    },
    {
      training: training.map((tr) => ({ t: grid, y: rows(tr.states, grid.length) })),
      test,
      controls: {
        training: training.map((tr) => rows(fit.networkControls(tr.controls), grid.length)),
        test: rows(fit.networkControls(onGrid.controls), grid.length),
      },
      observed: { t: s.strain.times, y: rows(observedValues, s.strain.times.length) },
      ...(options.ftleSamples !== undefined ? { ftleSamples: options.ftleSamples } : {}),
    },
  );
  const stiffness = stiffnessProfile(bindParameters(field), test);
  const last = grid.length - 1;
  const finalLevels = onGrid.controls.map((c) => c[last]!);
  const steady = findSteadyStates(bindParameters({ ...field, drive: undefined }, finalLevels), [
    test,
    Float64Array.from(x0),
  ]);
  const named = (values: ArrayLike<number>, names: string[]) =>
    Object.fromEntries(names.map((n, i) => [n, values[i]!]));
  const ext = ood.extrapolationError;
  const summary: LearnedDiagnosis = {
    strain: s.strain.name,
    recommendation: stiffness.recommendation,
    maxStiffnessRatio: Math.max(...stiffness.stiffnessRatio),
    ood: {
      flagged: ood.flagged,
      reasons: ood.reasons,
      distanceThreshold: ood.distanceThreshold,
      maxDistance: Math.max(...ood.distance),
      fractionOutside: ood.fractionOutside,
      jacobianNormRatio: ood.jacobianNorm.ratio,
      ftle: {
        window: ood.ftle.window,
        testMax: ood.ftle.test.length > 0 ? Math.max(...ood.ftle.test) : Number.NaN,
        trainingMax: ood.ftle.training.length > 0 ? Math.max(...ood.ftle.training) : Number.NaN,
      },
      ...(ext
        ? { extrapolationNrmse: { perState: named(ext.nrmse, model.states), overall: ext.overallNrmse } }
        : {}),
    },
    controls: model.controls.map((name, i) => {
      const strain = curveRange([onGrid.controls[i]!]);
      const train = curveRange(training.map((tr) => tr.controls[i]!));
      return {
        name,
        strain,
        training: train,
        outside: strain.min < train.min || strain.max > train.max,
      };
    }),
    steadyStateControls: named(finalLevels, model.controls),
    steadyStates: steady.map((ss) => {
      // findSteadyStates' own tolerance for "negative".
      const tol = 1e-9 * Math.max(1, ...Array.from(ss.x, Math.abs));
      return {
        stability: ss.stability,
        residual: ss.residual,
        x: named(ss.x, model.states),
        negative: model.states.filter((_, i) => ss.x[i]! < -tol),
      };
    }),
  };
  return { summary, predicted, stiffness, ood };
}
