import { SbmlUnsupportedError } from './errors';
import { type MathNode, readMath } from './math-tree';
import { child, listOf, parseXml, type XmlElement } from './xml';

export interface SbmlCompartment {
  id: string;
  size?: number;
  constant: boolean;
}

export interface SbmlSpecies {
  id: string;
  /** The SBML `name` attribute, when present (free text: how data columns may call the species). */
  name?: string;
  compartment: string;
  initialAmount?: number;
  initialConcentration?: number;
  hasOnlySubstanceUnits: boolean;
  boundaryCondition: boolean;
  constant: boolean;
  conversionFactor?: string;
}

export interface SbmlParameter {
  id: string;
  /** The SBML `name` attribute, when present. */
  name?: string;
  value?: number;
  constant: boolean;
}

export interface SbmlSpeciesReference {
  species: string;
  stoichiometry: number;
  /** L3 id, usable as a symbol in math (its value is the stoichiometry). */
  id?: string;
  constant: boolean;
}

export interface SbmlReaction {
  id: string;
  reversible: boolean;
  reactants: SbmlSpeciesReference[];
  products: SbmlSpeciesReference[];
  modifiers: string[];
  kineticLaw?: { math: MathNode; localParameters: Array<{ id: string; value: number }> };
}

/** An SBML event (trigger, optional delay and priority, event assignments). */
export interface SbmlEvent {
  id: string;
  /** Assignment values computed when the event triggers (true) or when it executes (false). */
  useValuesFromTriggerTime: boolean;
  trigger: { math: MathNode; initialValue: boolean; persistent: boolean };
  delay?: MathNode;
  priority?: MathNode;
  assignments: Array<{ variable: string; math: MathNode }>;
}

export interface SbmlRule {
  type: 'assignment' | 'rate';
  variable: string;
  math: MathNode;
}

/** An SBML Level 2/3 core model as plain data (validated, not yet compiled). */
export interface SbmlModel {
  level: number;
  version: number;
  id: string;
  compartments: SbmlCompartment[];
  species: SbmlSpecies[];
  parameters: SbmlParameter[];
  functions: Map<string, { params: string[]; body: MathNode }>;
  initialAssignments: Array<{ symbol: string; math: MathNode }>;
  rules: SbmlRule[];
  /**
   * Algebraic rules 0 = math, in document order (`where` names the rule for messages). Which
   * variable each determines is found when the model is compiled (see `compileSbml`).
   */
  algebraicRules: Array<{ math: MathNode; where: string }>;
  reactions: SbmlReaction[];
  /** Events in document order (those without trigger math, which never fire, are dropped). */
  events: SbmlEvent[];
  conversionFactor?: string;
}

/** Model children that change the simulation and that this importer refuses. */
const REFUSED_LISTS: Record<string, string> = {
  listOfConstraints: 'constraint',
};

/**
 * Read an SBML Level 2 or 3 core document. Fast reactions, constraints,
 * stoichiometryMath and SBML packages raise `SbmlUnsupportedError` naming the element (the `rateOf`
 * and `delay` csymbols are read; `compileSbml` refuses the uses it does not compute); malformed
 * documents raise TypeError.
 */
export function readSbml(text: string): SbmlModel {
  const root = parseXml(text, 'SBML');
  if (root.name !== 'sbml') throw new TypeError(`SBML: the root element is <${root.name}>, expected <sbml>`);
  const level = Number(root.attributes.level);
  const version = Number(root.attributes.version);
  if (level !== 2 && level !== 3)
    throw new SbmlUnsupportedError('sbml', `Level ${root.attributes.level} (only Levels 2 and 3 are read)`);
  for (const [name, value] of Object.entries(root.attributes)) {
    if (
      name.endsWith(':required') ||
      (name.startsWith('xmlns:') && /sbml\.org\/sbml\/level3\/version\d+\/\w+/.test(value))
    ) {
      const pkg = name.startsWith('xmlns:') ? name.slice(6) : name.slice(0, name.indexOf(':'));
      throw new SbmlUnsupportedError('sbml', `SBML Level 3 package "${pkg}" is not supported`);
    }
  }
  const model = child(root, 'model');
  if (!model) throw new TypeError('SBML: no <model> element');
  for (const c of model.children) {
    const refused = REFUSED_LISTS[c.name];
    if (refused && c.children.length > 0)
      throw new SbmlUnsupportedError(refused, `${c.children.length} ${refused}(s) in the model`);
  }
  const l2 = level === 2;
  const functions = new Map<string, { params: string[]; body: MathNode }>();
  for (const fd of listOf(model, 'listOfFunctionDefinitions', 'functionDefinition')) {
    const id = requireId(fd, 'functionDefinition');
    const math = child(fd, 'math');
    // L3V2: a function without math defines nothing (a use of it is then an unknown function).
    if (!math) continue;
    const node = readMath(math, `functionDefinition ${id}`);
    if (node.type !== 'lambda') throw new TypeError(`SBML: functionDefinition ${id} is not a <lambda>`);
    functions.set(id, { params: node.params, body: node.body });
  }
  const compartments = listOf(model, 'listOfCompartments', 'compartment').map((c) => {
    const id = requireId(c, 'compartment');
    const size = num(c.attributes.size ?? c.attributes.volume, `compartment ${id} size`);
    const out: SbmlCompartment = { id, constant: bool(c.attributes.constant, true) };
    if (size !== undefined) out.size = size;
    else if (c.attributes.spatialDimensions === '0') out.size = 1;
    return out;
  });
  const species = listOf(model, 'listOfSpecies', 'species').map((s) => {
    const id = requireId(s, 'species');
    const out: SbmlSpecies = {
      id,
      compartment: s.attributes.compartment ?? '',
      hasOnlySubstanceUnits: bool(s.attributes.hasOnlySubstanceUnits, false),
      boundaryCondition: bool(s.attributes.boundaryCondition, false),
      constant: bool(s.attributes.constant, false),
    };
    const a = num(s.attributes.initialAmount, `species ${id} initialAmount`);
    const c = num(s.attributes.initialConcentration, `species ${id} initialConcentration`);
    if (a !== undefined) out.initialAmount = a;
    if (c !== undefined) out.initialConcentration = c;
    if (s.attributes.conversionFactor) out.conversionFactor = s.attributes.conversionFactor;
    if (s.attributes.name !== undefined) out.name = s.attributes.name;
    return out;
  });
  const parameters = listOf(model, 'listOfParameters', 'parameter').map((p) => {
    const id = requireId(p, 'parameter');
    const value = num(p.attributes.value, `parameter ${id} value`);
    const out: SbmlParameter = { id, constant: bool(p.attributes.constant, true) };
    if (value !== undefined) out.value = value;
    if (p.attributes.name !== undefined) out.name = p.attributes.name;
    return out;
  });
  // L3V2 makes <math> optional: an initial assignment, rule or kinetic law without it has no effect.
  const initialAssignments = listOf(model, 'listOfInitialAssignments', 'initialAssignment')
    .filter(hasMath)
    .map((ia) => {
      const symbol = ia.attributes.symbol ?? '';
      return { symbol, math: mathOf(ia, `initialAssignment ${symbol}`) };
    });
  const rules: SbmlRule[] = [];
  const algebraicRules: SbmlModel['algebraicRules'] = [];
  const ruleList = child(model, 'listOfRules');
  for (const r of ruleList?.children ?? []) {
    if (r.name === 'algebraicRule' && hasMath(r)) {
      const where = `algebraicRule ${r.attributes.id ?? r.attributes.metaid ?? `#${algebraicRules.length + 1}`}`;
      algebraicRules.push({ math: mathOf(r, where), where });
      continue;
    }
    if ((r.name !== 'assignmentRule' && r.name !== 'rateRule') || !hasMath(r)) continue;
    const variable = r.attributes.variable ?? '';
    rules.push({
      type: r.name === 'rateRule' ? 'rate' : 'assignment',
      variable,
      math: mathOf(r, `${r.name} ${variable}`),
    });
  }
  const reactions = listOf(model, 'listOfReactions', 'reaction').map((r) => readReaction(r, l2));
  const events = listOf(model, 'listOfEvents', 'event').flatMap((e, k) => readEvent(e, k, l2));
  const out: SbmlModel = {
    level,
    version,
    id: model.attributes.id ?? '',
    compartments,
    species,
    parameters,
    functions,
    initialAssignments,
    rules,
    algebraicRules,
    reactions,
    events,
  };
  if (model.attributes.conversionFactor) out.conversionFactor = model.attributes.conversionFactor;
  return out;
}

function readReaction(r: XmlElement, l2: boolean): SbmlReaction {
  const id = requireId(r, 'reaction');
  if (bool(r.attributes.fast, false)) throw new SbmlUnsupportedError('reaction', `fast reaction ${id}`);
  const refs = (list: string): SbmlSpeciesReference[] =>
    listOf(r, list, 'speciesReference').map((sr) => {
      if (child(sr, 'stoichiometryMath')) {
        throw new SbmlUnsupportedError('stoichiometryMath', `in reaction ${id}`);
      }
      const out: SbmlSpeciesReference = {
        species: sr.attributes.species ?? '',
        stoichiometry:
          num(sr.attributes.stoichiometry, `reaction ${id} stoichiometry`) ?? (l2 ? 1 : Number.NaN),
        constant: bool(sr.attributes.constant, true),
      };
      if (sr.attributes.id) out.id = sr.attributes.id;
      return out;
    });
  const out: SbmlReaction = {
    id,
    reversible: bool(r.attributes.reversible, true),
    reactants: refs('listOfReactants'),
    products: refs('listOfProducts'),
    modifiers: listOf(r, 'listOfModifiers', 'modifierSpeciesReference').map(
      (m) => m.attributes.species ?? '',
    ),
  };
  const kl = child(r, 'kineticLaw');
  if (kl && hasMath(kl)) {
    const locals = [
      ...listOf(kl, 'listOfLocalParameters', 'localParameter'),
      ...listOf(kl, 'listOfParameters', 'parameter'),
    ].map((p) => {
      const pid = requireId(p, `reaction ${id} local parameter`);
      return {
        id: pid,
        value: num(p.attributes.value, `reaction ${id} local parameter ${pid}`) ?? Number.NaN,
      };
    });
    out.kineticLaw = { math: mathOf(kl, `kineticLaw of ${id}`), localParameters: locals };
  }
  return out;
}

function readEvent(e: XmlElement, k: number, l2: boolean): SbmlEvent[] {
  const id = e.attributes.id ?? `event #${k + 1}`;
  const trigger = child(e, 'trigger');
  // L3V2: an event without a trigger (or a trigger without math) never fires.
  if (!trigger || !hasMath(trigger)) return [];
  const out: SbmlEvent = {
    id,
    useValuesFromTriggerTime: bool(e.attributes.useValuesFromTriggerTime, true),
    trigger: {
      math: mathOf(trigger, `trigger of event ${id}`),
      initialValue: l2 ? true : bool(trigger.attributes.initialValue, true),
      persistent: l2 ? true : bool(trigger.attributes.persistent, true),
    },
    assignments: listOf(e, 'listOfEventAssignments', 'eventAssignment')
      .filter(hasMath)
      .map((a) => {
        const variable = a.attributes.variable ?? '';
        return { variable, math: mathOf(a, `eventAssignment ${variable} of event ${id}`) };
      }),
  };
  const delay = child(e, 'delay');
  if (delay && hasMath(delay)) out.delay = mathOf(delay, `delay of event ${id}`);
  const priority = child(e, 'priority');
  if (priority && hasMath(priority)) out.priority = mathOf(priority, `priority of event ${id}`);
  return [out];
}

const hasMath = (el: XmlElement) => child(el, 'math') !== undefined;

function mathOf(el: XmlElement, where: string): MathNode {
  const math = child(el, 'math');
  if (!math) throw new TypeError(`SBML: ${where} has no <math>`);
  return readMath(math, where);
}

function requireId(el: XmlElement, what: string): string {
  const id = el.attributes.id ?? el.attributes.name;
  if (!id) throw new TypeError(`SBML: a ${what} has no id`);
  return id;
}

function num(text: string | undefined, where: string): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  const v = /^[-+]?inf$/i.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : Number(t);
  if (Number.isNaN(v) && !/^nan$/i.test(t)) throw new TypeError(`SBML: ${where} is not a number ("${text}")`);
  return v;
}

function bool(text: string | undefined, fallback: boolean): boolean {
  if (text === undefined) return fallback;
  return text === 'true' || text === '1';
}
