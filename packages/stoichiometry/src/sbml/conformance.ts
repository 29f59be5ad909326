import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SbmlUnsupportedError } from './errors';
import { parseResultCsv } from './results-table';
import { parseSettings } from './settings';
import { type SimulateSbmlOptions, simulateSbml } from './simulate';

/** Outcome of one SBML Test Suite case. */
export interface SbmlCaseResult {
  caseId: string;
  /** 'pass'; 'fail' (numbers outside tolerance or solver failure); 'refused' (unsupported construct); 'error'. */
  outcome: 'pass' | 'fail' | 'refused' | 'error';
  /** The model file used. */
  file?: string;
  /** For refusals: the element named; for failures: the worst point; for errors: the message. */
  detail: string;
  /** Largest |sim − expected| / (absolute + relative·|expected|) over all points (≤ 1 passes). */
  worstRatio?: number;
}

/** Model files tried by default, newest SBML first. */
const LEVEL_FILES = ['sbml-l3v2', 'sbml-l3v1', 'sbml-l2v5', 'sbml-l2v4', 'sbml-l2v3'];

export interface SbmlCaseOptions extends SimulateSbmlOptions {
  /** Model file suffixes to try in order (default newest level first), e.g. ['sbml-l2v4']. */
  levels?: readonly string[];
}

/**
 * Run one case of the SBML Test Suite from `dir/NNNNN/`: import the newest-level model present,
 * simulate it as `NNNNN-settings.txt` asks, and compare with `NNNNN-results.csv` by the suite's
 * rule |sim − expected| ≤ absolute + relative·|expected| at every time and variable.
 */
export function runSbmlTestCase(dir: string, caseId: string, options: SbmlCaseOptions = {}): SbmlCaseResult {
  const id = caseId.padStart(5, '0');
  const caseDir = join(dir, id);
  const file = (options.levels ?? LEVEL_FILES).map((l) => join(caseDir, `${id}-${l}.xml`)).find(existsSync);
  if (!file)
    return {
      caseId: id,
      outcome: 'error',
      detail: `no model file (${(options.levels ?? LEVEL_FILES).join(', ')}) in ${caseDir}`,
    };
  try {
    const settings = parseSettings(readFileSync(join(caseDir, `${id}-settings.txt`), 'utf8'));
    const expected = parseResultCsv(
      readFileSync(join(caseDir, `${id}-results.csv`), 'utf8'),
      `${id}-results.csv`,
    );
    const sim = simulateSbml(readFileSync(file, 'utf8'), settings, options);
    if (sim.status !== 'success')
      return { caseId: id, outcome: 'fail', file, detail: `solver: ${sim.message}` };
    return { caseId: id, file, ...compareTables(expected, sim, settings.absolute, settings.relative) };
  } catch (e) {
    if (e instanceof SbmlUnsupportedError) return { caseId: id, outcome: 'refused', file, detail: e.message };
    return { caseId: id, outcome: 'error', file, detail: (e as Error).message };
  }
}

/** Every case folder (five-digit names) under `dir`, sorted. */
export function listSbmlTestCases(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => /^\d{5}$/.test(n))
    .sort();
}

function compareTables(
  expected: { header: string[]; rows: number[][] },
  got: { header: string[]; rows: number[][] },
  absolute: number,
  relative: number,
): Pick<SbmlCaseResult, 'outcome' | 'detail' | 'worstRatio'> {
  if (got.rows.length !== expected.rows.length) {
    return { outcome: 'fail', detail: `${got.rows.length} output rows, expected ${expected.rows.length}` };
  }
  // Column 0 of both tables is time; a variable may itself be named 'time' (case 01821).
  const columns = expected.header.slice(1).map((name) => {
    const k = got.header.indexOf(name, 1);
    if (k < 0) throw new TypeError(`results column "${name}" was not simulated`);
    return k;
  });
  let worst = 0;
  let where = '';
  expected.rows.forEach((row, i) => {
    columns.forEach((k, c) => {
      const e = row[c + 1]!;
      const s = got.rows[i]![k]!;
      let ratio: number;
      if (Number.isNaN(e) || !Number.isFinite(e))
        ratio = Object.is(e, s) || (Number.isNaN(e) && Number.isNaN(s)) ? 0 : Infinity;
      else ratio = Math.abs(s - e) / (absolute + relative * Math.abs(e));
      if (!(ratio <= worst)) {
        worst = Number.isNaN(ratio) ? Infinity : ratio;
        where = `${expected.header[c + 1]} at t=${row[0]}: ${s} vs ${e}`;
      }
    });
  });
  return worst <= 1
    ? { outcome: 'pass', detail: '', worstRatio: worst }
    : { outcome: 'fail', detail: `worst ${where}`, worstRatio: worst };
}
