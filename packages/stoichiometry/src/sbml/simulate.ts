import {
  DEFAULT_ATOL,
  DEFAULT_RTOL,
  type EventSpec,
  type JacobianFunction,
  type MethodName,
  type ODEProblem,
  type Solution,
  type SolveOptions,
} from '@kinetica/ode-core';
import { solve as stiffSolve } from '@kinetica/solvers-stiff';
import { DelayBreaks } from './delay-history';
import { readSbml, type SbmlModel } from './document';
import { SbmlUnsupportedError } from './errors';
import { someNode } from './math-tree';
import { compileSbml, type QuantityKind, type SbmlOde } from './ode-model';
import type { ResultTable } from './results-table';
import { parseSettings, type SbmlSettings } from './settings';

/** The `solve` of @kinetica/solvers-stiff (or any function with its contract). */
export type SolveFunction = (problem: ODEProblem, options?: SolveOptions) => Solution;

export interface SimulateSbmlOptions {
  /** The integrator; default `solve` from @kinetica/solvers-stiff. */
  solve?: SolveFunction;
  /**
   * Solver method name. Default 'bdf': variable-order BDF, the family SBML simulators default to
   * (CVODE in libRoadRunner, LSODA in COPASI), robust on the rate laws with discontinuities that SBML allows.
   */
  method?: MethodName;
  /**
   * Solver tolerances; default: the settings' relative and absolute tolerances times `toleranceFactor`,
   * never looser than ode-core's `DEFAULT_RTOL` / `DEFAULT_ATOL`.
   */
  rtol?: number;
  atol?: number;
  /**
   * How much tighter than the comparison tolerances the solver runs (default 1e-4: every method of
   * solvers-stiff then passes the whole SBML Test Suite sample, including the rate laws that jump with
   * the state, where looser settings let a step straddle the jump; see docs/sbml-conformance.md).
   */
  toleranceFactor?: number;
  /**
   * Whether the solves get the model's sparsity pattern of ∂f/∂y (`SbmlOde.jacSparsity`), with which
   * the stiff methods use grouped finite differences and, on large sparse models, banded or sparse
   * LU (see `selectLinearAlgebra` of @kinetica/solvers-stiff). Default: from
   * `SPARSITY_MIN_STATES` states on (below that the solvers take dense LU anyway).
   */
  sparsity?: boolean;
  /**
   * Whether the solves get the model's exact Jacobian (`SbmlOde.derivatives().jac`, symbolic
   * differentiation) where it has one (no delay csymbol read by f, no algebraic rules). Default: for
   * models with fewer than `JACOBIAN_MAX_STATES` states (the analytic Jacobian is dense: one reverse
   * sweep per row) whose rate laws and rules have no step functions or branches (floor, ceiling,
   * factorial, quotient, rem, piecewise, min, max, abs): across a jump of f the exact Jacobian (0
   * there) gave radau5 steps that straddle the jump (Test Suite cases 00173, 00269), where the
   * finite-difference one, which sees the jump, did not.
   */
  jacobian?: boolean;
}

const NON_SMOOTH = new Set(['floor', 'ceiling', 'factorial', 'quotient', 'rem', 'min', 'max', 'abs']);

/** Whether a rate law or rule of the model has a step function or a branch. */
function jumpsWithState(model: SbmlModel): boolean {
  const maths = [
    ...model.rules.map((r) => r.math),
    ...model.reactions.flatMap((r) => (r.kineticLaw ? [r.kineticLaw.math] : [])),
  ];
  return maths.some((m) =>
    someNode(
      m,
      model.functions,
      (n) => n.type === 'piecewise' || (n.type === 'apply' && NON_SMOOTH.has(n.op)),
    ),
  );
}

/** Below this many states, `simulateSbml` passes the exact Jacobian (by default). */
export const JACOBIAN_MAX_STATES = 200;

/** The model's exact Jacobian when it has one and `wanted` (default: small models) asks for it. */
function analyticJacobian(ode: SbmlOde, wanted: boolean | undefined): JacobianFunction | undefined {
  const n = ode.stateNames.length;
  if (wanted === false || n === 0 || (wanted === undefined && n >= JACOBIAN_MAX_STATES)) return undefined;
  try {
    return ode.derivatives().jac;
  } catch {
    // Delays, algebraic rules (or a construct the differentiation refuses): the solvers' own.
    return undefined;
  }
}

/** From this many states on, `simulateSbml` passes the Jacobian's sparsity pattern (by default). */
export const SPARSITY_MIN_STATES = 16;

export interface SbmlSimulation extends ResultTable {
  status: 'success' | 'failed';
  /** Empty on success; the solver's message otherwise. */
  message: string;
}

/**
 * Simulate an SBML model as the SBML Test Suite settings ask: output at start + k·duration/steps,
 * the listed variables, species as amounts or concentrations. Unsupported constructs throw
 * `SbmlUnsupportedError`; solver failures come back as `status: 'failed'` with the rows reached.
 */
export function simulateSbml(
  sbml: string | SbmlModel,
  settings: SbmlSettings | string,
  options: SimulateSbmlOptions = {},
): SbmlSimulation {
  const s = typeof settings === 'string' ? parseSettings(settings) : settings;
  const model = typeof sbml === 'string' ? readSbml(sbml) : sbml;
  const ode = compileSbml(model);
  const amount = new Set(s.amount);
  const concentration = new Set(s.concentration);
  // One evaluation of the model per output row, whatever the number of variables.
  const read = ode.readers(
    s.variables.map((symbol) => {
      const kind: QuantityKind = amount.has(symbol)
        ? 'amount'
        : concentration.has(symbol)
          ? 'concentration'
          : 'value';
      return { symbol, kind };
    }),
  );
  const times = Array.from({ length: s.steps + 1 }, (_, k) => s.start + (k * s.duration) / s.steps);
  const header = ['time', ...s.variables];
  // An algebraic rule without a solution at an output time makes its row NaN: the simulation stops
  // there as failed (the rows before it kept), never a 'success' with NaN values.
  const failures = ode.algebraicFailures;
  let failedRow: { index: number; message: string } | undefined;
  let rowCount = 0;
  const row = (t: number, y: Float64Array): number[] => {
    const before = failures?.count ?? 0;
    const out = new Array<number>(s.variables.length + 1);
    out[0] = t;
    read(t, y, out, 1);
    if (failures && failures.count > before && !failedRow)
      failedRow = { index: rowCount, message: failures.last ?? '' };
    rowCount++;
    return out;
  };
  const factor = options.toleranceFactor ?? 1e-4;
  const rtol = options.rtol ?? Math.min(DEFAULT_RTOL, Math.max(s.relative * factor, 1e-12));
  const atol = options.atol ?? Math.min(DEFAULT_ATOL, Math.max(s.absolute * factor, 1e-15));
  const solve = options.solve ?? stiffSolve;
  const jacSparsity =
    (options.sparsity ?? ode.stateNames.length >= SPARSITY_MIN_STATES) && ode.stateNames.length > 0
      ? ode.jacSparsity
      : undefined;
  const jac = analyticJacobian(ode, options.jacobian ?? (jumpsWithState(model) ? false : undefined));
  /** A failure message, with why an algebraic rule had no solution where that was the cause. */
  const explain = (sim: SbmlSimulation): SbmlSimulation => {
    if (failedRow) {
      return {
        status: 'failed',
        message: `output at t=${sim.rows[failedRow.index]?.[0]}: ${failedRow.message}`,
        header,
        rows: sim.rows.slice(0, failedRow.index),
      };
    }
    const why = sim.status === 'success' ? undefined : failures?.last;
    return why ? { ...sim, message: `${sim.message} (${why})` } : sim;
  };
  if (ode.events.length > 0 || ode.history) {
    return explain(
      simulatePiecewise(ode, times, row, header, {
        solve,
        method: options.method ?? 'bdf',
        rtol,
        atol,
        ...(jacSparsity ? { jacSparsity } : {}),
        ...(jac ? { jac } : {}),
      }),
    );
  }
  if (ode.stateNames.length === 0) {
    return explain({ status: 'success', message: '', header, rows: times.map((t) => row(t, ode.y0)) });
  }
  const sol = solve(
    {
      f: ode.f,
      y0: ode.y0,
      tspan: [s.start, s.start + s.duration],
      ...(jacSparsity ? { jacSparsity } : {}),
      ...(jac ? { jac } : {}),
    },
    { method: options.method ?? 'bdf', rtol, atol, saveAt: times },
  );
  const rows = Array.from(sol.t, (t, i) => row(t, sol.y[i]!));
  return explain({ status: sol.status, message: sol.message, header, rows });
}

/** A scheduled execution of an event (immediately due when the event has no delay). */
interface Pending {
  k: number;
  /** Execution time. */
  at: number;
  /** Assignment values computed at trigger time (useValuesFromTriggerTime), else computed on execution. */
  values: Float64Array | undefined;
  /** Order of scheduling, the last tie-breaker. */
  seq: number;
}

/** Method-of-steps pieces beyond this many (a delay tiny next to the span) are refused. */
const MAX_DELAY_PIECES = 50000;

/**
 * Piecewise integration of a model with events or delays. Each piece runs until a trigger changes
 * value (a sign change of its trigger function or of one of its relations, located by the solver on
 * the dense output as a terminal event), a delayed event falls due or, with delay csymbols, the next
 * method-of-steps break (see below); there every transition is handled as SBML L3V2 prescribes
 * (§4.12): a trigger going from false to true schedules the event (after its delay, with its assignment values taken now when
 * useValuesFromTriggerTime), due events execute one at a time, highest priority first (document
 * order among equals), triggers are re-evaluated after each execution (cascades; non-persistent
 * events whose trigger went false are cancelled), and the integration restarts from the new state.
 * Output rows at a time where events execute show the values after them.
 *
 * Delays (the csymbol): each piece is solved with dense output, which `ode.history` keeps as the past
 * that x(t − d) is read from. Pieces are never longer than the smallest delay d₁ that the right-hand
 * side or a trigger reads, so inside a piece t − d lies in pieces already solved (the method of
 * steps). Chosen over one solve with hmax ≤ d₁ because a solve's dense output exists only once it
 * returns: within one solve, the steps it has already accepted could not be read. Pieces also end
 * where the derivatives of the solution jump (start + Σ kᵢ·dᵢ, and the same after every event
 * execution; `DelayBreaks`), so no step straddles one: the solver restarts there.
 */
function simulatePiecewise(
  ode: SbmlOde,
  times: number[],
  row: (t: number, y: Float64Array) => number[],
  header: string[],
  opts: {
    solve: SolveFunction;
    method: MethodName;
    rtol: number;
    atol: number;
    jacSparsity?: ReadonlyArray<ArrayLike<number>>;
    jac?: JacobianFunction;
  },
): SbmlSimulation {
  const events = ode.events;
  const nEv = events.length;
  // A model whose every value is fixed between events still needs a state for the solver.
  const dummy = ode.stateNames.length === 0;
  const f: ODEProblem['f'] = dummy ? (_t, _y, dydt) => void (dydt[0] = 0) : ode.f;
  let y = dummy ? new Float64Array(1) : ode.y0.slice();
  let t = times[0]!;
  const tEnd = times[times.length - 1]!;
  const rows: number[][] = [];
  let next = 0;
  const state = events.map((e) => e.initialValue);
  let queue: Pending[] = [];
  let seq = 0;
  const failed = (message: string): SbmlSimulation => ({ status: 'failed', message, header, rows });
  const history = ode.history;
  const breaks = history ? new DelayBreaks(history.delays, t, tEnd) : undefined;
  if (breaks && breaks.gridPieces > MAX_DELAY_PIECES) {
    throw new SbmlUnsupportedError(
      'csymbol',
      `delay: the delay time ${history!.delays[0]} read while integrating is so short next to the ` +
        `span ${tEnd - t} that the method of steps would take more than ${MAX_DELAY_PIECES} pieces`,
    );
  }
  history?.mark(t, y);
  let executed = 0;

  /** Record the trigger transitions at (t, y); `truth(k)` is the trigger's value now. */
  const transitions = (truth: (k: number) => boolean): void => {
    for (let k = 0; k < nEv; k++) {
      const b = truth(k);
      if (b === state[k]) continue;
      state[k] = b;
      const ev = events[k]!;
      if (b) {
        const d = ev.delay ? ev.delay(t, y) : 0;
        if (!(d >= 0)) throw new RangeError(`SBML: event ${ev.id} has the delay ${d} at t=${t}`);
        queue.push({
          k,
          at: t + d,
          values: ev.useValuesFromTriggerTime ? ev.values(t, y) : undefined,
          seq: seq++,
        });
      } else if (!ev.persistent) queue = queue.filter((p) => p.k !== k);
    }
  };
  /** Execute every event due at t, one at a time, re-evaluating triggers after each. */
  const executeDue = (): string | null => {
    for (let guard = 0; ; guard++) {
      if (guard > 100000) return `more than 100000 event executions at t=${t}`;
      let best = -1;
      let bestPriority = Number.NEGATIVE_INFINITY;
      queue.forEach((p, i) => {
        if (p.at > t) return;
        const ev = events[p.k]!;
        const pr = ev.priority ? ev.priority(t, y) : Number.NEGATIVE_INFINITY;
        const cur = queue[best];
        if (
          best < 0 ||
          pr > bestPriority ||
          (pr === bestPriority &&
            (p.at < cur!.at || (p.at === cur!.at && (p.k < cur!.k || (p.k === cur!.k && p.seq < cur!.seq)))))
        ) {
          best = i;
          bestPriority = pr;
        }
      });
      if (best < 0) return null;
      const p = queue[best]!;
      queue.splice(best, 1);
      const ev = events[p.k]!;
      ev.apply(p.values ?? ev.values(t, y), t, y);
      executed++;
      // What delays read at t from now on: the values after this execution.
      history?.mark(t, y);
      transitions((k) => events[k]!.holds(t, y));
    }
  };
  const recordAt = (): void => {
    while (next < times.length && times[next]! <= t) rows.push(row(times[next++]!, y));
  };

  // t0: initial values first, then the triggers whose value differs from their initialValue.
  transitions((k) => events[k]!.holds(t, y));
  let err = executeDue();
  if (err) return failed(err);
  breaks?.jump(t);
  recordAt();
  for (let piece = 0; t < tEnd; piece++) {
    if (piece > 100000) return failed(`more than 100000 event pieces before t=${tEnd}`);
    history?.mark(t, y);
    const segEnd = Math.min(
      queue.reduce((m, p) => Math.min(m, p.at), tEnd),
      breaks ? breaks.next(t) : tEnd,
    );
    const saveAt: number[] = [];
    for (let i = next; i < times.length && times[i]! < segEnd; i++) if (times[i]! > t) saveAt.push(times[i]!);
    saveAt.push(segEnd);
    // One located function per simple trigger, watching its next transition; one per relational part
    // of a compound trigger, watching both ways. Each spec's `name` is its event's index.
    const specs: EventSpec[] = [];
    events.forEach((e, k) => {
      if (e.parts.length === 0)
        specs.push({
          g: e.g,
          direction: state[k] ? -1 : 1,
          terminal: true,
          name: `${k}`,
        });
      else for (const part of e.parts) specs.push({ g: part, direction: 0, terminal: true, name: `${k}` });
    });
    const options: SolveOptions = {
      method: opts.method,
      rtol: opts.rtol,
      atol: opts.atol,
      saveAt,
      events: specs,
      ...(history ? { dense: true } : {}),
    };
    // The pattern is the model's (the state-less dummy has none).
    const problem: ODEProblem = { f, y0: y, tspan: [t, segEnd] };
    if (opts.jacSparsity && !dummy) problem.jacSparsity = opts.jacSparsity;
    if (opts.jac && !dummy) problem.jac = opts.jac;
    let sol = opts.solve(problem, options);
    if (history && sol.status !== 'success' && sol.stats.naccept === 0) {
      // The solvers' own first step (Hairer–Wanner's estimate) can come out below their smallest
      // step at t > 0 when a component is a rounding error away from 0 (x = 1 − t at t = 1 by the
      // method of steps: 5.6e-17 against atol 1e-13); the method of steps restarts at such points.
      // Again from a first step across the whole piece, which error control then cuts to size.
      sol = opts.solve(problem, { ...options, h0: segEnd - t });
    }
    const hit = sol.events[sol.events.length - 1];
    const tStop = hit ? hit.t : segEnd;
    if (history) {
      if (!sol.at) return failed(`the solver gave no dense output for the delays' history`);
      const reached =
        hit?.t ?? (sol.status === 'success' ? segEnd : sol.t.length > 0 ? sol.t[sol.t.length - 1]! : t);
      history.extend(reached, sol.at);
    }
    for (let i = 0; i < sol.t.length; i++) {
      const ts = sol.t[i]!;
      if (ts < tStop && next < times.length && ts === times[next]) {
        rows.push(row(ts, sol.y[i]!));
        next++;
      }
    }
    if (sol.status !== 'success') return failed(sol.message);
    const yStop = hit ? hit.y : sol.y[sol.y.length - 1];
    if (!yStop || (!hit && sol.t[sol.t.length - 1] !== segEnd))
      return failed(`the solver stopped before t=${segEnd}`);
    t = tStop;
    y = Float64Array.from(yStop);
    // The trigger functions' signs are the triggers' values, and each located time lies on the far
    // side of its switch, so the transitions are read off the state where the piece stopped.
    transitions((k) => events[k]!.holds(t, y));
    const before = executed;
    err = executeDue();
    if (err) return failed(err);
    if (executed > before) breaks?.jump(t);
    recordAt();
  }
  return { status: 'success', message: '', header, rows };
}
