import { describe, expect, it } from 'vitest';
import { parsePlainXml, parseXml, parseXmlGeneral } from './xml';

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

describe('the fast reader of plain XML', () => {
  const plain = [
    '<?xml version="1.0" encoding="UTF-8"?>\n<a x="1" y = \'two\' >\n  <b>  text  </b><c/>\n</a>\n',
    '<a><ci> k1 </ci><cn type="integer"> 3 </cn><d>x <!-- a comment --> y<e/>z</d></a>',
    '<m:a xmlns:m="urn:m"><m:b m:attr=" padded "/>tail</m:a><!-- after -->',
    '<a>\r\n\t<b>1</b>\r\n</a>',
  ];
  it.each(plain)('reads %j as the general parser does', (text) => {
    expect(parsePlainXml(text)).toBeDefined();
    expect(parsePlainXml(text)).toEqual(parseXmlGeneral(text, 'x'));
  });

  const other = [
    '<a>&lt;</a>',
    '<a x="&amp;"/>',
    '<a><![CDATA[x]]></a>',
    '<!DOCTYPE a><a/>',
    '<a><?pi x?></a>',
    '<a>1 > 0</a>',
    '<a><b></a>',
    '<a></b>',
    '<a/><b/>',
    'text<a/>',
    '<a x="1" x="2"/>',
    '<a x/>',
    '<a toString="1"/>',
    ' <?xml version="1.0"?><a/>',
  ];
  it.each(other)('leaves %j to the general parser', (text) => {
    expect(parsePlainXml(text)).toBeUndefined();
  });

  it('keeps the general parser’s messages for broken documents', () => {
    expect(() => parseXml('<a><b></a>', 'SBML')).toThrow(/^SBML: not well-formed XML at line 1/);
  });
});
