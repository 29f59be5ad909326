import { expect } from 'vitest';
import { readSbml } from '../../src/sbml/document';
import { SbmlUnsupportedError } from '../../src/sbml/errors';
import { compileSbml } from '../../src/sbml/ode-model';

/** Wrap model children in a minimal SBML L3v2 document (test support). */
export function sbmlDocument(body: string, sbmlAttributes = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2" ${sbmlAttributes}>
  <model id="m">
${body}
  </model>
</sbml>`;
}

/** A <math> element around MathML content. */
export function math(content: string): string {
  return `<math xmlns="http://www.w3.org/1998/Math/MathML">${content}</math>`;
}

/** The parts of a model, each a list of SBML elements (initial assignments as symbol → MathML). */
export interface SbmlModelParts {
  compartments?: string[];
  species?: string[];
  parameters?: string[];
  initialAssignments?: Record<string, string>;
  rules?: string[];
  reactions?: string[];
  events?: string[];
}

/** A minimal SBML L3v2 document from its parts, in the order SBML lists them (test support). */
export function sbmlModel(parts: SbmlModelParts): string {
  const list = (name: string, items?: string[]): string =>
    items?.length ? `<${name}>${items.join('')}</${name}>` : '';
  const ias = Object.entries(parts.initialAssignments ?? {}).map(
    ([id, m]) => `<initialAssignment symbol="${id}">${math(m)}</initialAssignment>`,
  );
  return sbmlDocument(
    list('listOfCompartments', parts.compartments) +
      list('listOfSpecies', parts.species) +
      list('listOfParameters', parts.parameters) +
      list('listOfInitialAssignments', ias) +
      list('listOfRules', parts.rules) +
      list('listOfReactions', parts.reactions) +
      list('listOfEvents', parts.events),
  );
}

/** MathML and model-element shorthands shared by the SBML tests. */
export const ci = (x: string): string => `<ci>${x}</ci>`;
export const cn = (x: number): string => `<cn>${x}</cn>`;
export const apply = (op: string, ...args: string[]): string => `<apply><${op}/>${args.join('')}</apply>`;
export const TIME =
  '<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time">t</csymbol>';
export const compartment = (id: string, size: number, constant = true): string =>
  `<compartment id="${id}" size="${size}" constant="${constant}"/>`;
export const parameter = (id: string, value?: number, constant = false): string =>
  `<parameter id="${id}" ${value === undefined ? '' : `value="${value}"`} constant="${constant}"/>`;

/** The SbmlUnsupportedError that compiling `sbml` throws (the test fails if it compiles). */
export function sbmlRefusal(sbml: string): SbmlUnsupportedError {
  try {
    compileSbml(readSbml(sbml));
  } catch (e) {
    expect(e).toBeInstanceOf(SbmlUnsupportedError);
    return e as SbmlUnsupportedError;
  }
  throw new Error('expected a refusal');
}
