/**
 * How measured control levels (protein abundances) become a model's inputs. Levels span orders of
 * magnitude between strains, so `log` feeds log(1 + max(u, 0)) for every control that is never
 * negative in the training data (a negative level is noise around zero; a control that goes
 * negative stays linear); `clamp` then limits each input to the range the training data span, as
 * a tree model does implicitly, so a new strain's field never sees inputs beyond it.
 */
export interface ControlTransformJSON {
  /** Per control: read as log(1 + max(u, 0)). */
  log: boolean[];
  /** Per control: the clamp range of the transformed input, or null for none. */
  range: { lo: number[]; hi: number[] } | null;
}

export class ControlTransform {
  readonly log: readonly boolean[];
  readonly range: { readonly lo: readonly number[]; readonly hi: readonly number[] } | null;

  constructor(json: ControlTransformJSON) {
    if (!Array.isArray(json?.log)) throw new TypeError('ControlTransform: log must be an array of booleans');
    const m = json.log.length;
    if (json.range !== null && json.range !== undefined) {
      const { lo, hi } = json.range;
      if (!Array.isArray(lo) || !Array.isArray(hi) || lo.length !== m || hi.length !== m)
        throw new RangeError(`ControlTransform: range.lo and range.hi must have ${m} entries`);
      for (let i = 0; i < m; i++) {
        if (!(Number.isFinite(lo[i]) && Number.isFinite(hi[i]) && lo[i]! <= hi[i]!))
          throw new RangeError(`ControlTransform: range of control ${i} is not a finite interval`);
      }
    }
    this.log = json.log.map((b) => b === true);
    this.range = json.range ? { lo: [...json.range.lo], hi: [...json.range.hi] } : null;
  }

  /** No transform of `m` controls. */
  static identity(m = 0): ControlTransform {
    return new ControlTransform({ log: new Array<boolean>(m).fill(false), range: null });
  }

  /**
   * The transform for training data `controls[trajectory][c][k]`: log where asked and every value
   * of that control is ≥ 0, then (with `clamp`) the range the transformed training values span.
   */
  static fit(
    controls: ReadonlyArray<ReadonlyArray<ArrayLike<number>>>,
    options: { kind: 'none' | 'log'; clamp?: boolean },
  ): ControlTransform {
    const m = controls[0]?.length ?? 0;
    const nonNegative = (c: number) =>
      controls.every((tr) => Array.prototype.every.call(tr[c]!, (v: number) => !(v < 0)));
    const log = Array.from({ length: m }, (_, c) => options.kind === 'log' && nonNegative(c));
    const t = new ControlTransform({ log, range: null });
    if (!options.clamp) return t;
    const lo = new Array<number>(m).fill(Number.POSITIVE_INFINITY);
    const hi = new Array<number>(m).fill(Number.NEGATIVE_INFINITY);
    for (const tr of controls) {
      for (let c = 0; c < m; c++) {
        const u = tr[c]!;
        for (let k = 0; k < u.length; k++) {
          const v = t.unclamped(c, u[k]!);
          if (!Number.isFinite(v)) continue;
          lo[c] = Math.min(lo[c]!, v);
          hi[c] = Math.max(hi[c]!, v);
        }
      }
    }
    return new ControlTransform({ log, range: { lo, hi } });
  }

  get nControls(): number {
    return this.log.length;
  }

  /** Control c at level u as the model reads it, before clamping. */
  unclamped(c: number, u: number): number {
    return this.log[c] ? Math.log1p(Math.max(u, 0)) : u;
  }

  /** Control c at level u as the model reads it. */
  apply(c: number, u: number): number {
    const v = this.unclamped(c, u);
    const r = this.range;
    return r ? Math.min(r.hi[c]!, Math.max(r.lo[c]!, v)) : v;
  }

  /** Rows [k][c] of model inputs from columns controls[c][k] (n points). */
  rows(controls: ReadonlyArray<ArrayLike<number>>, n: number): number[][] {
    return Array.from({ length: n }, (_, k) => controls.map((u, c) => this.apply(c, u[k]!)));
  }

  toJSON(): ControlTransformJSON {
    return {
      log: [...this.log],
      range: this.range ? { lo: [...this.range.lo], hi: [...this.range.hi] } : null,
    };
  }
}
