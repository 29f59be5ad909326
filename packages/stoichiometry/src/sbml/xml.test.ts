import { describe, expect, it } from 'vitest';
import { parseXml } from './xml';

describe('parseXml reports where a broken document breaks', () => {
  it('names an empty file as empty, with no undefined column', () => {
    expect(() => parseXml('', 'SBML')).toThrow('SBML: empty file (no XML document)');
    expect(() => parseXml(' \n ', 'SBML')).toThrow(/empty file/);
  });

  it('reports a truncated file at its end, naming the elements left open', () => {
    const text = '<?xml version="1.0"?>\n<sbml xmlns="x">\n  <model id="m">\n    <listOfSpecies>\n';
    expect(() => parseXml(text, 'SBML')).toThrow(
      'SBML: not well-formed XML at line 4, column 20: the document ends with <listOfSpecies>, <model>, <sbml> still open (truncated file?)',
    );
  });

  it('never prints an undefined column', () => {
    let message = '';
    try {
      parseXml('hello', 'SBML');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^SBML: not well-formed XML at line 1/);
    expect(message).not.toMatch(/undefined/);
  });
});
