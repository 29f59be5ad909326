import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultLine } from '../src/sweep/results';
import { runLocal } from '../src/sweep/local';
import { tempDir } from './cli-helpers';

describe('runLocal when the pool itself fails', () => {
  it('a runner that cannot load fails every run with one line instead of crashing or hanging', async () => {
    const dir = tempDir('sweep-pool-error');
    const runner = join(dir, 'broken-runner.cjs');
    // piscina emits an 'error' event on the pool for this (besides rejecting the task): without a
    // listener that event ends the process with a stack trace.
    writeFileSync(runner, "throw new Error('runner failed to load');\n");
    const runs = ['a', 'b', 'c'].map((id) => ({ id, params: { seed: id }, args: ['--seed', '1'] }));
    const lines: ResultLine[] = [];
    const started = performance.now();
    await runLocal(dir, runs, 2, (line) => lines.push(line), runner);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(lines.map((l) => l.id).sort()).toEqual(['a', 'b', 'c']);
    for (const line of lines) {
      expect(line.status).toBe('failed');
      expect(line.metrics).toBeNull();
      expect(line.error).toMatch(/runner failed to load/);
      expect(line.error).not.toMatch(/\n/);
    }
  }, 30_000);
});
