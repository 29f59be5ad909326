import {
  DEFAULT_ATOL,
  DEFAULT_RTOL,
  type EventSpec,
  type MethodName,
  type ODEProblem,
  type Solution,
  type SolveOptions,
} from '@kinetica/ode-core';
import { solve as stiffSolve } from '@kinetica/solvers-stiff';
import { readSbml } from './document';
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
}

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
  sbml: string,
  settings: SbmlSettings | string,
  options: SimulateSbmlOptions = {},
): SbmlSimulation {
  const s = typeof settings === 'string' ? parseSettings(settings) : settings;
  const ode = compileSbml(readSbml(sbml));
  const amount = new Set(s.amount);
  const concentration = new Set(s.concentration);
  const readers = s.variables.map((name) => {
    const kind: QuantityKind = amount.has(name)
      ? 'amount'
      : concentration.has(name)
        ? 'concentration'
        : 'value';
    return ode.reader(name, kind);
  });
  const times = Array.from({ length: s.steps + 1 }, (_, k) => s.start + (k * s.duration) / s.steps);
  const header = ['time', ...s.variables];
  const row = (t: number, y: Float64Array): number[] => [t, ...readers.map((read) => read(t, y))];
  const factor = options.toleranceFactor ?? 1e-4;
  const rtol = options.rtol ?? Math.min(DEFAULT_RTOL, Math.max(s.relative * factor, 1e-12));
  const atol = options.atol ?? Math.min(DEFAULT_ATOL, Math.max(s.absolute * factor, 1e-15));
  const solve = options.solve ?? stiffSolve;
  if (ode.events.length > 0) {
    return simulateWithEvents(ode, times, row, header, {
      solve,
      method: options.method ?? 'bdf',
      rtol,
      atol,
    });
  }
  if (ode.stateNames.length === 0) {
    return { status: 'success', message: '', header, rows: times.map((t) => row(t, ode.y0)) };
  }
  const sol = solve(
    { f: ode.f, y0: ode.y0, tspan: [s.start, s.start + s.duration] },
    { method: options.method ?? 'bdf', rtol, atol, saveAt: times },
  );
  const rows = Array.from(sol.t, (t, i) => row(t, sol.y[i]!));
  return { status: sol.status, message: sol.message, header, rows };
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

/**
 * Piecewise integration of a model with events. Each piece runs until a trigger changes value (a sign
 * change of its trigger function or of one of its relations, located by the solver on the dense
 * output as a terminal event) or a delayed event
 * falls due; there every transition is handled as SBML L3V2 prescribes (§4.12): a trigger going from
 * false to true schedules the event (after its delay, with its assignment values taken now when
 * useValuesFromTriggerTime), due events execute one at a time, highest priority first (document
 * order among equals), triggers are re-evaluated after each execution (cascades; non-persistent
 * events whose trigger went false are cancelled), and the integration restarts from the new state.
 * Output rows at a time where events execute show the values after them.
 */
function simulateWithEvents(
  ode: SbmlOde,
  times: number[],
  row: (t: number, y: Float64Array) => number[],
  header: string[],
  opts: { solve: SolveFunction; method: MethodName; rtol: number; atol: number },
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
  recordAt();
  for (let piece = 0; t < tEnd; piece++) {
    if (piece > 100000) return failed(`more than 100000 event pieces before t=${tEnd}`);
    const segEnd = queue.reduce((m, p) => Math.min(m, p.at), tEnd);
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
    const sol = opts.solve(
      { f, y0: y, tspan: [t, segEnd] },
      { method: opts.method, rtol: opts.rtol, atol: opts.atol, saveAt, events: specs },
    );
    const hit = sol.events[sol.events.length - 1];
    const tStop = hit ? hit.t : segEnd;
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
    err = executeDue();
    if (err) return failed(err);
    recordAt();
  }
  return { status: 'success', message: '', header, rows };
}
