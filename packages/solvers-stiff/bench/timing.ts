import { cpus, loadavg } from 'node:os';

/** One line describing the machine and its load, printed with every benchmark table. */
export function machineLine(): string {
  const [one, five] = loadavg();
  return `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${one!.toFixed(1)} (1 min) / ${five!.toFixed(1)} (5 min)`;
}

/**
 * Wall-clock timing for the benchmark scripts: untimed warm-up runs until `warmMs` has been spent
 * (at most 200 runs; the first is reported as the cold run), then repeats until about `budgetMs`
 * has been spent (at most `maxRuns`), reporting their median. One warm-up run was not enough: V8
 * keeps tiering up a sub-millisecond solve for ~20 runs (radau5 on POLLU: 1.2 ms after one
 * warm-up run, 0.2 ms after 200 ms of them).
 */
export function timeRuns<T>(
  run: () => T,
  budgetMs = 300,
  maxRuns = 15,
  warmMs = 200,
): { result: T; medianMs: number; coldMs: number } {
  let t0 = performance.now();
  const result = run();
  const coldMs = performance.now() - t0;
  warmUp(run, coldMs, warmMs);
  const times: number[] = [];
  let spent = 0;
  const runs = coldMs > budgetMs ? 1 : maxRuns;
  for (let i = 0; i < runs && spent < budgetMs; i++) {
    t0 = performance.now();
    run();
    const dt = performance.now() - t0;
    times.push(dt);
    spent += dt;
  }
  times.sort((a, b) => a - b);
  return { result, medianMs: times[Math.floor(times.length / 2)]!, coldMs };
}

/**
 * Untimed runs after a first one that took `firstMs`, until `warmMs` of running time in all (at
 * most `maxRuns` runs, the first included): V8 tiers a function up over many calls (interpreter,
 * Sparkplug, Maglev, TurboFan, then re-optimisations).
 */
export function warmUp(run: () => unknown, firstMs: number, warmMs: number, maxRuns = 200): void {
  let spent = firstMs;
  for (let i = 1; i < maxRuns && spent < warmMs; i++) {
    const t0 = performance.now();
    run();
    spent += performance.now() - t0;
  }
}

/** A markdown table from a header and rows of cells. */
export function markdownTable(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Grid t0, t0 + step, … up to t1 (inclusive, last point clamped to t1), as diff-grok builds it. */
export function outputGrid(t0: number, t1: number, step: number): Float64Array {
  const count = Math.floor((t1 - t0) / step + 1e-9) + 1;
  const grid = Float64Array.from({ length: count }, (_, i) => t0 + i * step);
  if (grid[count - 1]! < t1) return Float64Array.of(...grid, t1);
  grid[count - 1] = t1;
  return grid;
}
