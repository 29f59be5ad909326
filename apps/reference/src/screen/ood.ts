import { coordinateScales, nearestScaledDistance, scaledDistance } from '@kinetica/diagnostics';

/**
 * The distance part of `oodReport` (@kinetica/diagnostics), as `diagnose --model-file` computes
 * it, precomputed once for many designs: each point of a predicted trajectory, joined with the
 * enzyme levels as the network reads them, is compared with every training point (states and
 * network controls), each coordinate scaled by its standard deviation over the training points;
 * the threshold is the largest leave-one-strain-out distance among the training strains (with a
 * single training strain, twice its largest step). Same arithmetic as oodReport, so a design
 * with all factors 1 gets diagnose's `maxDistance` and `distanceThreshold`.
 */
export class OodReference {
  readonly dim: number;
  readonly count: number;
  readonly threshold: number;
  /** Training points, row-major, each coordinate already divided by its scale. */
  private readonly points: Float64Array;
  private readonly scale: Float64Array;
  private readonly scratch: Float64Array;

  /** `training[g]`: rows of [states; network controls] of training strain g on the grid. */
  constructor(training: readonly Float64Array[][]) {
    const rows = training.flat();
    const group = training.flatMap((tr, g) => tr.map(() => g));
    const dim = rows[0]!.length;
    this.dim = dim;
    this.count = rows.length;
    this.scale = coordinateScales(rows, dim);
    this.scratch = new Float64Array(dim);
    let threshold = 0;
    if (training.length > 1) {
      rows.forEach((y, i) => {
        threshold = Math.max(threshold, nearestScaledDistance(y, rows, this.scale, group[i]!, group));
      });
    } else {
      for (let i = 1; i < rows.length; i++)
        threshold = Math.max(threshold, 2 * scaledDistance(rows[i]!, rows[i - 1]!, this.scale));
    }
    this.threshold = threshold;
    this.points = new Float64Array(rows.length * dim);
    rows.forEach((y, i) => {
      for (let j = 0; j < dim; j++) this.points[i * dim + j] = y[j]! / this.scale[j]!;
    });
  }

  /**
   * The largest, over the first `upto` grid points, of the distance from the design's point to
   * its nearest training point. `states[j][k]`, `controls[c][k]` (network controls).
   */
  maxDistance(
    states: readonly ArrayLike<number>[],
    controls: readonly ArrayLike<number>[],
    upto: number,
  ): number {
    const { dim, count, points, scale } = this;
    const scratch = this.scratch;
    const n = states.length;
    let worst = 0;
    for (let k = 0; k < upto; k++) {
      for (let j = 0; j < n; j++) scratch[j] = states[j]![k]! / scale[j]!;
      for (let c = 0; c < controls.length; c++) scratch[n + c] = controls[c]![k]! / scale[n + c]!;
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < count; i++) {
        const o = i * dim;
        let s = 0;
        for (let j = 0; j < dim && s < best; j++) {
          const d = scratch[j]! - points[o + j]!;
          s += d * d;
        }
        if (s < best) best = s;
      }
      const dist = Math.sqrt(best);
      if (!(dist <= worst)) worst = dist;
    }
    return worst;
  }
}
