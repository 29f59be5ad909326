import { describe, expect, it } from 'vitest';
import { parseNetwork } from './parse';

describe('parseNetwork', () => {
  it('builds S with species in order of first appearance (the API example)', () => {
    const net = parseNetwork('A + B <-> C\nC -> D + B');
    expect(net.species).toEqual(['A', 'B', 'C', 'D']);
    expect(net.S).toEqual([
      [-1, 0],
      [-1, 1],
      [1, -1],
      [0, 1],
    ]);
    expect(net.reactions.map((r) => [r.id, r.reversible])).toEqual([
      ['R1', true],
      ['R2', false],
    ]);
  });

  it('reads names, coefficients, boundary species, degradation and comments', () => {
    const net = parseNetwork(`
      # a toy pathway
      feed: $X -> A        # boundary source
      dimerise: 2 A <-> A2
      use: A2 + 0.5 B -> 2*C
      decay: C ->
      import: 0 -> B
    `);
    expect(net.species).toEqual(['A', 'A2', 'B', 'C']);
    expect(net.boundary).toEqual(['X']);
    expect(net.reactions.map((r) => r.id)).toEqual(['feed', 'dimerise', 'use', 'decay', 'import']);
    expect(net.S).toEqual([
      [1, -2, 0, 0, 0],
      [0, 1, -1, 0, 0],
      [0, 0, -0.5, 0, 1],
      [0, 0, 2, -1, 0],
    ]);
  });

  it('nets out a species on both sides (catalysts have zero rows)', () => {
    const net = parseNetwork('E + S -> E + P');
    expect(net.species).toEqual(['E', 'S', 'P']);
    expect(net.S).toEqual([[0], [-1], [1]]);
  });

  it('takes species names as omics tables write them (hyphens, pooled names with a slash)', () => {
    const net = parseNetwork('Mev-P -> IPP/DMAPP\n2 IPP/DMAPP -> Limonene');
    expect(net.species).toEqual(['Mev-P', 'IPP/DMAPP', 'Limonene']);
    expect(net.S).toEqual([
      [-1, 0],
      [1, -2],
      [0, 1],
    ]);
  });

  it('refuses malformed lines with the line number', () => {
    expect(() => parseNetwork('A -> B\nA + B')).toThrow(/line 2: no '->'/);
    expect(() => parseNetwork('A -> 2B')).toThrow(/line 1: cannot read the term "2B"/);
    expect(() => parseNetwork('r: A -> B\nr: B -> A')).toThrow(/duplicate reaction name "r"/);
    expect(() => parseNetwork('$A -> B\nA -> B')).toThrow(/both with and without/);
    expect(() => parseNetwork('A <- B')).toThrow(/line 1/);
  });
});
