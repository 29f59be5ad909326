import type { Branch } from './arclength';

/**
 * The branch as CSV for plotting: header `p,<state names>,stability,label`, one row per point in
 * arclength order, with each located special point inserted where it lies and labelled
 * ('fold', 'hopf', 'branch-point'; empty for ordinary points, whose stability is filled in).
 */
export function branchToCsv(branch: Branch, stateNames?: readonly string[]): string {
  const n = branch.points[0]?.x.length ?? stateNames?.length ?? 0;
  const names = stateNames ?? Array.from({ length: n }, (_, i) => `x${i + 1}`);
  if (names.length !== n) throw new RangeError(`branchToCsv: ${names.length} state names for ${n} states`);
  const rows = [['p', ...names, 'stability', 'label'].join(',')];
  const row = (p: number, x: Float64Array, stability: string, label: string) =>
    [p, ...Array.from(x), stability, label].join(',');
  branch.points.forEach((pt, i) => {
    rows.push(row(pt.p, pt.x, pt.stability, ''));
    for (const s of branch.special) if (s.after === i) rows.push(row(s.p, s.x, '', s.type));
  });
  return `${rows.join('\n')}\n`;
}
