import { describe, expect, it } from 'vitest';
import { parseHeader } from './units';

describe('parseHeader', () => {
  it('takes units from a trailing bracket or an unmistakable trailing unit', () => {
    expect(parseHeader(' Acetyl-CoA (uM) ')).toEqual({
      name: 'Acetyl-CoA (uM)',
      label: 'Acetyl-CoA',
      unit: 'uM',
    });
    expect(parseHeader('Fru-1,6-BiP (uM)')).toEqual({
      name: 'Fru-1,6-BiP (uM)',
      label: 'Fru-1,6-BiP',
      unit: 'uM',
    });
    expect(parseHeader('OD [AU]')).toEqual({ name: 'OD [AU]', label: 'OD', unit: 'AU' });
    expect(parseHeader('Glucose g/L')).toEqual({ name: 'Glucose g/L', label: 'Glucose', unit: 'g/L' });
    expect(parseHeader('Citrate mM')).toEqual({ name: 'Citrate mM', label: 'Citrate', unit: 'mM' });
    expect(parseHeader('Flux mmol/gDW/h').unit).toBe('mmol/gDW/h');
  });

  it('leaves names without a clear unit alone', () => {
    for (const name of [
      'OD600',
      'Protein L',
      'Intracellular volume / sample',
      'Limonene Synthase',
      '(uM)',
      'IPP/DMAPP',
    ]) {
      expect(parseHeader(name)).toEqual({ name, label: name });
    }
  });
});
