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
   * its nearest training point; `point(k, out)` writes grid point k's [states; network controls].
   *
   * Exact, with two shortcuts that cannot change the result: a point's search stops at the first
   * training point no farther than the largest distance so far (the maximum then stays), and
   * starts from the previous point's nearest (trajectories move little between grid points).
   */
  maxDistance(point: (k: number, out: Float64Array) => void, upto: number): number {
    const { dim, count, points, scale } = this;
    const x = this.scratch;
    let worst2 = 0;
    let start = 0;
    for (let k = 0; k < upto; k++) {
      point(k, x);
      for (let j = 0; j < dim; j++) x[j] = x[j]! / scale[j]!;
      let best = Number.POSITIVE_INFINITY;
      let nearest = start;
      for (let c = 0; c < count; c++) {
        const i = c + start < count ? c + start : c + start - count;
        const o = i * dim;
        let s = 0;
        for (let j = 0; j < dim && s < best; j++) {
          const d = x[j]! - points[o + j]!;
          s += d * d;
        }
        if (s < best) {
          best = s;
          nearest = i;
          if (best <= worst2) break;
        }
      }
      start = nearest;
      // NaN (a non-finite prediction) is the largest distance.
      if (!(best <= worst2)) worst2 = best;
    }
    return Math.sqrt(worst2);
  }
}
