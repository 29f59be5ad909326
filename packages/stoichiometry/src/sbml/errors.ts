/**
 * A construct that this importer deliberately does not simulate (delays whose time changes where the
 * solver reads them, rateOf uses it does not compute, over-determined algebraic rules, packages, …). `element` names the SBML or MathML element, so a
 * refusal is explicit and checkable.
 */
export class SbmlUnsupportedError extends Error {
  override readonly name = 'SbmlUnsupportedError';
  constructor(
    readonly element: string,
    detail: string,
  ) {
    super(`unsupported SBML construct <${element}>: ${detail}`);
  }
}
