/**
 * Growable record of accepted steps: start time, step size and a fixed-width block of floats
 * per step (stage states, or whatever the reverse pass needs). Capacity doubles when full, so
 * appending costs no allocation except on the rare growth.
 */
export class StepTape {
  t: Float64Array;
  h: Float64Array;
  data: Float64Array;
  length = 0;

  constructor(
    readonly stride: number,
    capacity = 256,
  ) {
    this.t = new Float64Array(capacity);
    this.h = new Float64Array(capacity);
    this.data = new Float64Array(capacity * stride);
  }

  /** Make room for step `length` (the one being attempted); returns the offset of its block. */
  reserve(): number {
    if (this.length === this.t.length) {
      const cap = 2 * this.t.length;
      const t = new Float64Array(cap);
      t.set(this.t);
      this.t = t;
      const h = new Float64Array(cap);
      h.set(this.h);
      this.h = h;
      const d = new Float64Array(cap * this.stride);
      d.set(this.data);
      this.data = d;
    }
    return this.length * this.stride;
  }

  /** Commit the reserved step. */
  commit(t: number, h: number): void {
    this.t[this.length] = t;
    this.h[this.length] = h;
    this.length++;
  }
}
