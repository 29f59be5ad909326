import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listSbmlTestCases, runSbmlTestCase, type SbmlCaseResult } from '../src/index';

const shared = process.env.KINETICA_SHARED ?? resolve(__dirname, '../../../../shared');
const suite = join(shared, 'sbml-test-suite');
const present = existsSync(suite);
if (!present) console.warn(`SBML Test Suite sample not found at ${suite}: skipping the conformance run`);

describe('SBML Test Suite sample', () => {
  it.skipIf(!present)('passes ≥ 95% of the cases, and every other case is an explicit refusal', () => {
    const results: SbmlCaseResult[] = listSbmlTestCases(suite).map((id) => runSbmlTestCase(suite, id));
    const passed = results.filter((r) => r.outcome === 'pass').length;
    const notPassed = results.filter((r) => r.outcome !== 'pass');
    console.info(`SBML Test Suite: ${passed}/${results.length} cases pass`);
    for (const r of notPassed) console.info(`  ${r.caseId} ${r.outcome}: ${r.detail}`);
    expect(results.length).toBeGreaterThan(0);
    expect(passed / results.length).toBeGreaterThanOrEqual(0.95);
    expect(notPassed.filter((r) => r.outcome !== 'refused')).toEqual([]);
  });
});
