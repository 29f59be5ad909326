import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findGroup } from '@kinetica/omics-io';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/io/errors';
import { loadSelection, type TableSelection } from '../src/pipeline/data';
import { groupOnGrid, runHeldOut } from '../src/pipeline/heldout';
import { loadModelFile, modelJson } from '../src/pipeline/model-file';
import { readReactions } from '../src/pipeline/reaction-file';
import { smallTable, tempDir } from './cli-helpers';

/**
 * Acceptance 2 of issue 22: thousands of mutated model.json files (numbers set to null, "NaN",
 * ±1e999 or negated; keys dropped; arrays lengthened or shortened; values of another type) give
 * either a prediction — identical to the original's unless the mutation is a legitimate change
 * of the model (a finite number negated, a boolean flipped, an optional setting dropped) — or
 * one InputError line naming the file (exit 3). Never a crash, never a silent change. In-process:
 * the loader and the prediction `predict` runs, without the CLI's start-up.
 */

type Key = string | number;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const STATES = ['A', 'B'];
const CONTROLS = ['P', 'Q'];

interface Fixture {
  text: string;
  json: Json;
  /** Concrete paths grouped by pattern (indices as '*'): mutations pick a pattern first, so params do not crowd out the rest. */
  patterns: Key[][][];
  original: string;
}

const dir = tempDir('model-prop');
const file = join(dir, 'model.json');
let predictFile: () => { ok: true; values: string } | { ok: false; error: InputError };

function collect(json: Json, path: Key[], into: Map<string, Key[][]>): void {
  if (path.length > 0) {
    const pattern = path.map((k) => (typeof k === 'number' ? '*' : k)).join('.');
    const list = into.get(pattern) ?? [];
    list.push(path);
    into.set(pattern, list);
  }
  if (Array.isArray(json)) {
    for (const [i, v] of json.entries()) collect(v, [...path, i], into);
  } else if (json !== null && typeof json === 'object')
    for (const [k, v] of Object.entries(json)) collect(v, [...path, k], into);
}

function fixture(text: string): Fixture {
  const json = JSON.parse(text) as Json;
  const map = new Map<string, Key[][]>();
  collect(json, [], map);
  writeFileSync(file, text);
  const r = predictFile();
  if (!r.ok) throw r.error;
  return { text, json, patterns: [...map.values()], original: r.values };
}

const KINDS = [
  'null',
  'nan',
  'inf',
  '-inf',
  'negate',
  'string',
  'drop',
  'push',
  'pop',
  'object',
  'array',
  'flip',
];

/** Apply a mutation to a copy; undefined when it does not apply to this node. */
function mutate(json: Json, path: Key[], kind: string): string | undefined {
  const copy = structuredClone(json);
  let parent = copy as Record<Key, Json>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<Key, Json>;
  const key = path[path.length - 1]!;
  const value = parent[key]!;
  const set = (v: Json) => {
    parent[key] = v;
  };
  switch (kind) {
    case 'null':
      set(null);
      break;
    case 'nan':
      set('NaN');
      break;
    case 'inf':
      set('__PLUS_INF__');
      break;
    case '-inf':
      set('__MINUS_INF__');
      break;
    case 'negate':
      if (typeof value !== 'number') return undefined;
      set(-value);
      break;
    case 'string':
      set(typeof value === 'string' ? `${value}x` : '1');
      break;
    case 'drop':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 'push':
      if (!Array.isArray(value)) return undefined;
      value.push(value.length > 0 ? structuredClone(value[value.length - 1]!) : 0);
      break;
    case 'pop':
      if (!Array.isArray(value) || value.length === 0) return undefined;
      value.pop();
      break;
    case 'object':
      set({});
      break;
    case 'array':
      set([]);
      break;
    case 'flip':
      if (typeof value !== 'boolean') return undefined;
      set(!value);
      break;
  }
  return JSON.stringify(copy).replace('"__PLUS_INF__"', '1e999').replace('"__MINUS_INF__"', '-1e999');
}

/** Mutations that change the model legitimately: a prediction may then differ from the original. */
function legitimate(path: Key[], kind: string): boolean {
  const p = path.map((k) => (typeof k === 'number' ? '*' : k)).join('.');
  if (kind === 'negate' || kind === 'flip') return true;
  // Fewer members are still an ensemble (its median and band are those of the members left).
  if ((kind === 'pop' && /members$/.test(p)) || (kind === 'drop' && /members\.\*$/.test(p))) return true;
  // Options of how members predict are optional (absent: each member's own method).
  if (kind === 'drop' && /\.predict\.(method|rtol|atol|substeps)$/.test(p)) return true;
  if (kind === 'object' && /\.predict$/.test(p)) return true;
  // null is a valid enzyme (a reaction without one) and a valid clamp range (none).
  if (kind === 'null' && (/stoichiometry\.enzymes\.\*$/.test(p) || p === 'neural.controls.range'))
    return true;
  return false;
}

function property(get: () => Fixture, runs: number) {
  const f = get();
  let legitChanges = 0;
  let errors = 0;
  fc.assert(
    fc.property(fc.nat(), fc.nat(), fc.constantFrom(...KINDS), (pi, ei, kind) => {
      const group = f.patterns[pi % f.patterns.length]!;
      const path = group[ei % group.length]!;
      const text = mutate(f.json, path, kind);
      if (text === undefined) return;
      writeFileSync(file, text);
      const r = predictFile();
      if (!r.ok) {
        errors++;
        const message = r.error.message;
        expect(r.error.exitCode).toBe(3);
        expect(message.startsWith(`${file}: `)).toBe(true);
        expect(message).not.toContain('\n');
        return;
      }
      if (r.values === f.original) return;
      // A prediction that differs is only allowed for a legitimate change of the model.
      expect(legitimate(path, kind), `silent change: ${kind} at ${path.join('.')}`).toBe(true);
      legitChanges++;
    }),
    { numRuns: runs, seed: 22 },
  );
  // The mutations reach both outcomes.
  expect(errors).toBeGreaterThan(runs / 4);
  return legitChanges;
}

describe('mutated model.json files: a correct prediction or one line naming the file', () => {
  let mlp: Fixture;
  let reactions: Fixture;
  beforeAll(() => {
    const data = join(dir, 'data.csv');
    writeFileSync(data, smallTable());
    const sel: TableSelection = {
      data,
      time: 'Hour',
      group: 'Strain',
      states: STATES,
      controls: CONTROLS,
      train: ['G1', 'G2'],
      test: ['G3'],
    };
    const dataset = loadSelection(sel);
    const strain = findGroup(dataset, 'G3');
    predictFile = () => {
      try {
        const { fit, grid } = loadModelFile(file);
        const g = groupOnGrid(dataset, strain, STATES, CONTROLS, grid);
        const band = fit.predictBand!(
          g.states.map((s) => s[0]!),
          g.controls,
          grid,
        );
        const values = [...band.median, ...band.lower, ...band.upper].map((c) => Array.from(c));
        return { ok: true, values: JSON.stringify(values) };
      } catch (err) {
        if (err instanceof InputError) return { ok: false, error: err };
        throw err;
      }
    };
    const train = (neural: Parameters<typeof runHeldOut>[0]['neural']) =>
      modelJson(
        runHeldOut({ ...sel, dataset, seed: 1, gridPoints: 40, neural, baselines: [] }),
        sel,
        1,
        dataset,
      );
    mlp = fixture(train({ epochs: 2, ensemble: 2, hidden: [8, 8] }));
    const net = join(dir, 'toy.reactions');
    writeFileSync(net, '$X -> A @ P\nA -> B @ Q\nB ->\n');
    reactions = fixture(
      train({
        epochs: 2,
        ensemble: 2,
        hidden: [8],
        stoichiometry: {
          ...readReactions(net, STATES, CONTROLS),
          elasticity: 'learned',
          enzymeSaturation: 'learned',
          michaelisMenten: true,
        },
      }),
    );
  });

  it('the MLP ensemble', () => {
    property(() => mlp, 2000);
  });

  it('the S·r_θ ensemble (stoichiometry, learned elasticities and saturations, Michaelis constants)', () => {
    property(() => reactions, 2000);
  });

  it('an unchanged file predicts the original exactly, and a number rewritten in another notation too', () => {
    writeFileSync(file, mlp.text);
    const r = predictFile();
    expect(r.ok && r.values).toBe(mlp.original);
    // 0.5 and 5e-1 are the same double: the loader reads numbers, not their spelling.
    writeFileSync(file, mlp.text.replace(/"level":0\.8/, '"level":8e-1'));
    const again = predictFile();
    expect(again.ok && again.values).toBe(mlp.original);
  });

  it('names the line and column where a file stops being JSON', () => {
    // The whole model on one line, cut 40 characters in: the text ends too early.
    writeFileSync(file, mlp.text.slice(0, 40));
    const cut = predictFile();
    expect(!cut.ok && cut.error.exitCode).toBe(3);
    expect(!cut.ok && cut.error.message).toBe(`${file}:1:41: invalid JSON: the text ends too early`);
    writeFileSync(file, `{\n  "format": "kinetica-model",\n  "x": [1,]\n}`);
    const comma = predictFile();
    expect(!comma.ok && comma.error.message).toBe(`${file}:3:11: invalid JSON: unexpected "]"`);
  });
});
