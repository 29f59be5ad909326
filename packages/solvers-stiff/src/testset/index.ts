import { e5 } from './e5';
import { hires } from './hires';
import { orego } from './orego';
import { pollu } from './pollu';
import { rober } from './rober';
import type { TestProblem } from './types';
import { vdpol } from './vdpol';

export { blockRober } from './block-rober';
export { type MassActionReaction, massAction } from './mass-action';
export { intermediateTimes, mescd, scd } from './score';
export type { TestProblem } from './types';
export { vdpolUnscaled } from './vdpol-unscaled';
export { e5, hires, orego, pollu, rober, vdpol };

/** The stiff test set (Bari / Hairer–Wanner) in the order of Hairer–Wanner II, IV.10. */
export const testProblems: Readonly<
  Record<'rober' | 'hires' | 'pollu' | 'orego' | 'e5' | 'vdpol', TestProblem>
> = {
  rober,
  hires,
  pollu,
  orego,
  e5,
  vdpol,
};
