import { ACTIVATIONS, type SolverMethod } from '@kinetica/autodiff-ode';
import * as v from 'valibot';
import { MAX_GRID_POINTS, modelSizeProblem, networkParams } from './limits';
import { NEURAL_METHODS } from './neural';

/**
 * The schema of model.json (what `kinetica train` writes), checked before anything is built from
 * it: every number finite and of the right sign, every array of the length the others imply, and
 * the networks of a size that fits (limits.ts). A problem is reported as `<json path>: problem`,
 * e.g. `neural.ensemble.members[0].params[17]: must be a finite number, got null`.
 */

/** A JSON path of the issue: `a.b[3].c`. */
function jsonPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out === '' ? '(top level)' : out;
}

/** A value as a message shows it (JSON's 1e999 reads as Infinity). */
function shown(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === undefined) return 'nothing (the key is missing)';
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const expect = (what: string) => (issue: v.BaseIssue<unknown>) =>
  `must be ${what}, got ${shown(issue.input)}`;

const num = (what: string, ...checks: v.PipeItem<number, number, v.BaseIssue<unknown>>[]) =>
  v.pipe(v.number(expect(what)), v.finite(expect(what)), ...checks);
const finite = num('a finite number');
const positive = num('a finite positive number', v.gtValue(0, expect('a finite positive number')));
const nonNegative = num('a finite number ≥ 0', v.minValue(0, expect('a finite number ≥ 0')));
const count = (what: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  num(what, v.integer(expect(what)), v.minValue(min, expect(what)), v.maxValue(max, expect(what)));
const str = v.string(expect('a string'));
const bool = v.boolean(expect('true or false'));
const list = <T extends v.GenericSchema>(item: T) => v.array(item, expect('an array'));
/** A JSON object (valibot's object() alone would also take an array). */
const obj = <T extends v.ObjectEntries>(entries: T) =>
  v.pipe(
    v.unknown(),
    v.check((x) => !Array.isArray(x), expect('an object')),
    v.object(entries, expect('an object')),
  );
const oneOf = <T extends readonly string[]>(options: T) =>
  v.picklist(options, expect(`one of ${options.join(', ')}`));
const literal = <T extends string | number>(value: T) => v.literal(value, expect(JSON.stringify(value)));

/** Methods a model's members may name: those `kinetica train` writes, and 'auto' for predicting. */
const SOLVER_METHODS: readonly SolverMethod[] = [...NEURAL_METHODS, 'auto'];

const stoichiometrySchema = obj({
  S: list(list(finite)),
  enzymes: list(
    v.union(
      [v.null(), count('a control index', 0), list(count('a control index', 0))],
      expect('a control index, a list of them, or null'),
    ),
  ),
  elasticity: v.union(
    [v.literal('learned'), num('', v.minValue(0), v.maxValue(4))],
    expect("'learned' or a number in [0, 4]"),
  ),
  elasticityInit: num(
    'a number in (0, 1)',
    v.gtValue(0, expect('a number in (0, 1)')),
    v.ltValue(1, expect('a number in (0, 1)')),
  ),
  enzymeSaturation: v.optional(
    v.union([v.literal('learned'), positive], expect("'learned' or a finite positive number")),
  ),
  enzymeSaturationInit: v.optional(positive),
  michaelisMenten: bool,
  reversible: list(bool),
  networkControls: bool,
  massAction: bool,
  rateScale: list(positive),
  enzymeScale: list(positive),
  substrateScale: list(positive),
});

const specSchema = obj({
  nStates: count('a positive integer', 1),
  nControls: count('an integer ≥ 0', 0),
  hidden: list(count('a positive integer', 1)),
  activation: oneOf(ACTIVATIONS),
  timeInput: bool,
  stateShift: list(finite),
  stateScale: list(positive),
  controlShift: list(finite),
  controlScale: list(positive),
  timeScale: positive,
  outputScale: list(positive),
  nonnegative: oneOf(['none', 'multiplicative', 'production-degradation'] as const),
  stateNames: list(str),
  controlNames: list(str),
  stoichiometry: v.optional(stoichiometrySchema),
});

const predictSchema = obj({
  method: v.optional(oneOf(SOLVER_METHODS)),
  rtol: v.optional(positive),
  atol: v.optional(positive),
  substeps: v.optional(count('an integer in [1, 1000]', 1, 1000)),
});

// Plain objects (variant options): an array in their place lacks `format` and fails anyway.
const memberSchema = v.object(
  {
    format: literal('kinetica-neural-ode'),
    version: literal(1),
    spec: specSchema,
    params: list(finite),
    method: oneOf(SOLVER_METHODS),
    rtol: positive,
    atol: positive,
  },
  expect('an object'),
);

const ensembleSchema = obj({
  format: literal('kinetica-ensemble'),
  version: literal(1),
  members: v.pipe(list(memberSchema), v.minLength(1, 'must hold at least one member')),
  residualScale: list(nonNegative),
  level: num(
    'a number in (0, 1)',
    v.gtValue(0, expect('a number in (0, 1)')),
    v.ltValue(1, expect('a number in (0, 1)')),
  ),
  nonnegative: bool,
  predict: predictSchema,
});

const fitSchema = v.object(
  {
    format: literal('kinetica-neural-fit'),
    version: v.optional(v.picklist([1, 2], expect('1 or 2'))),
    structure: v.optional(str),
    controls: obj({
      log: list(bool),
      range: v.nullable(obj({ lo: list(finite), hi: list(finite) })),
    }),
    ensemble: v.optional(ensembleSchema),
    /** Version 1: the members and how they predict, without an ensemble. */
    members: v.optional(v.pipe(list(memberSchema), v.minLength(1, 'must hold at least one member'))),
    predict: v.optional(predictSchema),
  },
  expect('an object'),
);

/** A hybrid of `train --hybrid` (pipeline/hybrid.ts); what the SBML model implies is checked on load. */
const hybridSchema = v.object(
  {
    format: literal('kinetica-hybrid-fit'),
    version: literal(1),
    sbml: str,
    source: str,
    binding: obj({
      observables: list(obj({ symbol: str, kind: oneOf(['amount', 'concentration', 'value'] as const) })),
      controls: list(str),
    }),
    trained: list(str),
    hybrid: obj({
      format: literal('kinetica-additive-hybrid'),
      version: literal(1),
      spec: obj({
        trainable: list(count('an integer ≥ 0', 0)),
        corrected: list(count('an integer ≥ 0', 0)),
        inputs: v.optional(list(count('an integer ≥ 0', 0))),
        stateScale: list(positive),
        controlScale: list(positive),
        rateScale: list(positive),
        hidden: v.pipe(
          list(count('an integer in [1, 4096]', 1, 4096)),
          v.maxLength(8, 'must list at most 8 layers'),
        ),
        activation: oneOf(ACTIVATIONS),
      }),
      theta: list(finite),
      logTheta: v.optional(list(finite)),
      network: list(finite),
    }),
    loss: obj({ start: finite, mechanistic: finite, final: finite }),
  },
  expect('an object'),
);

const neuralSchema = v.variant(
  'format',
  [fitSchema, memberSchema, hybridSchema],
  (issue) =>
    `must be 'kinetica-neural-fit', 'kinetica-neural-ode' or 'kinetica-hybrid-fit', got ${shown(issue.input)}`,
);

const modelFileSchema = obj({
  format: v.string(expect('a string')),
  time: str,
  group: str,
  states: v.pipe(list(str), v.minLength(1, 'must name at least one state')),
  controls: list(str),
  train: list(str),
  test: list(str),
  grid: obj({
    t0: finite,
    t1: finite,
    points: count(`an integer in [2, ${MAX_GRID_POINTS.toLocaleString('en-US')}]`, 2, MAX_GRID_POINTS),
  }),
  trainScale: list(finite),
  seed: count('an integer', Number.MIN_SAFE_INTEGER),
  baseline: obj({ kind: literal('random-forest'), seed: count('an integer', Number.MIN_SAFE_INTEGER) }),
  neural: neuralSchema,
  trainingData: v.optional(v.unknown()),
});

type Checked = v.InferOutput<typeof modelFileSchema>;
type Member = v.InferOutput<typeof memberSchema>;

/** A problem of a model file: where (a JSON path) and what. */
export class ModelFileProblem extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'ModelFileProblem';
  }
}

function need(ok: boolean, path: string, problem: string): void {
  if (!ok) throw new ModelFileProblem(path, problem);
}

function length(values: readonly unknown[], n: number, path: string, what: string): void {
  need(values.length === n, path, `has ${values.length} entries, expected ${n} (${what})`);
}

/** Sizes a member's spec implies, checked against each other and against the limits. */
function checkMember(
  m: Member,
  at: string,
  states: number,
  controls: number,
  members: number,
  points: number,
): void {
  const s = m.spec;
  const sp = `${at}.spec`;
  need(s.nStates === states, `${sp}.nStates`, `is ${s.nStates}, but the model has ${states} states`);
  need(
    s.nControls === controls,
    `${sp}.nControls`,
    `is ${s.nControls}, but the model has ${controls} controls`,
  );
  for (const key of ['stateShift', 'stateScale', 'outputScale', 'stateNames'] as const)
    length(s[key], states, `${sp}.${key}`, 'one per state');
  for (const key of ['controlShift', 'controlScale', 'controlNames'] as const)
    length(s[key], controls, `${sp}.${key}`, 'one per control');
  let outputs = s.nonnegative === 'production-degradation' ? 2 * states : states;
  let extra = 0;
  let inputs = states + controls + (s.timeInput ? 1 : 0);
  const st = s.stoichiometry;
  if (st) {
    const stp = `${sp}.stoichiometry`;
    need(s.nonnegative === 'none', `${sp}.nonnegative`, "must be 'none' with stoichiometry");
    length(st.S, states, `${stp}.S`, 'one row per state');
    const reactions = st.S[0]!.length;
    need(reactions >= 1, `${stp}.S[0]`, 'has no reactions');
    st.S.forEach((row, i) => {
      length(row, reactions, `${stp}.S[${i}]`, 'one column per reaction');
    });
    for (const key of ['enzymes', 'reversible', 'rateScale'] as const)
      length(st[key], reactions, `${stp}.${key}`, 'one per reaction');
    length(st.enzymeScale, controls, `${stp}.enzymeScale`, 'one per control');
    length(st.substrateScale, states, `${stp}.substrateScale`, 'one per state');
    let pairs = 0;
    st.enzymes.forEach((e, j) => {
      const ks = e === null ? [] : typeof e === 'number' ? [e] : e;
      for (const k of ks)
        need(k < controls, `${stp}.enzymes[${j}]`, `names control ${k}, but the model has ${controls}`);
      pairs += ks.length;
    });
    let substrates = 0;
    if (st.massAction)
      for (let j = 0; j < reactions; j++)
        if (!st.reversible[j]) for (const row of st.S) if (row[j]! < 0) substrates++;
    extra =
      (st.elasticity === 'learned' ? pairs : 0) +
      (st.massAction && st.michaelisMenten ? substrates : 0) +
      (st.enzymeSaturation === 'learned' ? pairs : 0);
    outputs = reactions;
    if (!st.networkControls) inputs -= controls;
  }
  const shape = { inputs, hidden: s.hidden, outputs, extra };
  const tooBig = modelSizeProblem(shape, members, points, false);
  if (tooBig) throw new ModelFileProblem(`${sp}.hidden`, tooBig);
  length(
    m.params,
    networkParams(shape),
    `${at}.params`,
    `the parameters of hidden widths ${s.hidden.join(',') || 'none'}`,
  );
}

function sameParams(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, k) => x === b[k]);
}

/**
 * model.json's content checked against the schema and for consistency; throws a ModelFileProblem
 * (path and problem) at the first problem.
 */
export function checkModelFile(json: unknown): Checked {
  const result = v.safeParse(modelFileSchema, json, { abortEarly: true });
  if (!result.success) {
    const issue = result.issues[0];
    const path = jsonPath((issue.path ?? []).map((p) => p.key as string | number));
    // JSON has no undefined: an undefined input is a missing key.
    throw new ModelFileProblem(path, issue.input === undefined ? 'is missing' : issue.message);
  }
  const m = result.output;
  need(m.grid.t1 > m.grid.t0, 'grid.t1', `must be greater than grid.t0 (${m.grid.t0}), got ${m.grid.t1}`);
  const states = m.states.length;
  const controls = m.controls.length;
  length(m.trainScale, states, 'trainScale', 'one per state');
  const n = m.neural;
  if (n.format === 'kinetica-hybrid-fit') {
    length(n.binding.observables, states, 'neural.binding.observables', 'one per state');
    length(n.binding.controls, controls, 'neural.binding.controls', 'one per control');
    length(n.hybrid.spec.controlScale, controls, 'neural.hybrid.spec.controlScale', 'one per control');
    length(n.trained, n.hybrid.spec.trainable.length, 'neural.trained', 'one per trainable parameter');
    if (n.hybrid.logTheta)
      length(
        n.hybrid.logTheta,
        n.hybrid.spec.trainable.length,
        'neural.hybrid.logTheta',
        'one per trainable parameter',
      );
    return m;
  }
  if (n.format === 'kinetica-neural-ode') {
    checkMember(n, 'neural', states, controls, 1, m.grid.points);
    return m;
  }
  length(n.controls.log, controls, 'neural.controls.log', 'one per control');
  if (n.controls.range) {
    length(n.controls.range.lo, controls, 'neural.controls.range.lo', 'one per control');
    length(n.controls.range.hi, controls, 'neural.controls.range.hi', 'one per control');
    const { lo, hi } = n.controls.range;
    for (let i = 0; i < controls; i++)
      need(lo[i]! <= hi[i]!, `neural.controls.range.hi[${i}]`, `must be ≥ range.lo[${i}] (${lo[i]})`);
  }
  const members = n.ensemble?.members ?? n.members;
  const at = n.ensemble ? 'neural.ensemble.members' : 'neural.members';
  if (n.ensemble) length(n.ensemble.residualScale, states, 'neural.ensemble.residualScale', 'one per state');
  need(members !== undefined, 'neural.ensemble', 'is missing (and there are no version-1 members)');
  for (const [i, mem] of members!.entries()) {
    checkMember(mem, `${at}[${i}]`, states, controls, members!.length, m.grid.points);
    // Members are trained from different seeds: a copy of another is a damaged file, and would
    // shift the median silently.
    const copyOf = members!.findIndex((other, j) => j < i && sameParams(other.params, mem.params));
    need(
      copyOf < 0,
      `${at}[${i}]`,
      `is a copy of member ${copyOf} (members are trained from different seeds)`,
    );
  }
  return m;
}
