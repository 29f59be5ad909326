import { bs3 } from './bs3';
import { dop853 } from './dop853';
import { dopri5 } from './dopri5';
import { euler } from './euler';
import { rk4 } from './rk4';
import type { ExplicitMethodName } from '../types';
import type { ExplicitTableau } from './tableau';
import { tsit5 } from './tsit5';

/** Every explicit method of ode-core by name (exactly the names of `ExplicitMethodName`). */
export const explicitMethods: Readonly<Record<string, ExplicitTableau>> = Object.freeze({
  euler,
  rk4,
  bs3,
  dopri5,
  tsit5,
  dop853,
} satisfies Record<ExplicitMethodName, ExplicitTableau>);

/** Names accepted by ode-core's `solve`. */
export const explicitMethodNames: readonly ExplicitMethodName[] = Object.freeze(
  Object.keys(explicitMethods) as ExplicitMethodName[],
);

/** True when `name` is one of ode-core's explicit methods (a type guard for user input). */
export function isExplicitMethod(name: string): name is ExplicitMethodName {
  return Object.hasOwn(explicitMethods, name);
}

/** The tableau of an explicit method; throws a RangeError naming the known methods otherwise. */
export function getExplicitTableau(name: string): ExplicitTableau {
  if (!isExplicitMethod(name)) {
    throw new RangeError(`unknown explicit method '${name}' (known: ${explicitMethodNames.join(', ')})`);
  }
  return explicitMethods[name]!;
}
