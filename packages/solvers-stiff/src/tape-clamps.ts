import type { StepTape } from '@kinetica/ode-core/reverse';
import type { PositivityGuard } from './positivity';

/**
 * Clamps in a radau5 or rodas5 tape record. After the method's fixed block (rodas5: y and eight
 * stages; radau5: y and three stage increments) a record may list clamped components: −(i + 1)
 * for component i of the step's start state, clamped when a positivity rescue restarted there,
 * and i for component i of the step's end state, clamped after the step. A clamp is transposed as
 * what it is: the clamped component's cotangent is zero.
 */
export function pushClamps(tape: StepTape, guard: PositivityGuard, atStart: number, atEnd: number): void {
  for (let k = 0; k < atStart; k++) tape.pushScalar(-(guard.clampedAtRestart[k]! + 1));
  for (let k = 0; k < atEnd; k++) tape.pushScalar(guard.clamped[k]!);
}

/**
 * Zero the cotangents of the clamped components listed in data[from … to): those of the end state
 * (`atEnd`, before the step is transposed) or of the start state (after). Returns '' or why the
 * entries are not clamp indices.
 */
export function zeroClamped(
  data: Float64Array,
  from: number,
  to: number,
  lambda: Float64Array,
  atEnd: boolean,
): string {
  const n = lambda.length;
  for (let pos = from; pos < to; pos++) {
    const code = data[pos]!;
    const i = code >= 0 ? code : -code - 1;
    if (!Number.isInteger(code) || i >= n) return `corrupt clamp entry ${code} in a tape record`;
    if (code >= 0 === atEnd) lambda[i] = 0;
  }
  return '';
}
