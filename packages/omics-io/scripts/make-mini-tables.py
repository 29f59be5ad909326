"""Writes a small long proteomics table and the wide table its peptide means must give, in the
layout of ../shared/data (time_series_proteomics.csv and limonene_data.csv), so the tests cover
the acceptance check without the shared data. Run from the repository root:
    python3 packages/omics-io/scripts/make-mini-tables.py
The expected means are computed here, independently of the TypeScript reader, as sum / count.
"""
import csv
import os
import random

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures')
random.seed(5)
strains = ['L1', 'L2', 'L3']
hours = ['0', '4', '12', '72', '72C']
proteins = {'AtoB': ['LGDGQVYDVILR', 'TFVFSQDEFPK'], 'MK': ['AAGSLLLK'], 'PMD': ['ALPLSEQ', 'GGVDLLK', 'TWQEPR']}

long_rows = []
wide = {}
sample = 50
for s in strains:
    for h in hours:
        sample += 1
        for p, peptides in proteins.items():
            # Like the real file, ProteinArea may differ between a protein's peptide rows.
            areas = [round(random.uniform(1e3, 1e7), random.choice([0, 1, 2])) for _ in peptides]
            if s == 'L2' and h == '12' and p == 'MK':
                continue  # not measured: the wide table must show an empty cell
            for pep, area in zip(peptides, areas):
                long_rows.append([sample, h, 'Escherichia coli', s, sample, p, '', 'Mevalonate Pathway', pep,
                                  round(area * 0.9, 1), area])
            if h != '72C':
                wide[(s, h, p)] = sum(areas) / len(areas)

with open(os.path.join(OUT, 'mini-proteomics.csv'), 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['Sample Name', 'Hour', 'Organism', 'Strain', 'Replicate', 'Protein', 'Protein name', 'Pathway',
                'Peptide', 'PeptideArea', 'ProteinArea'])
    w.writerows(long_rows)

with open(os.path.join(OUT, 'mini-limonene.csv'), 'w', newline='') as f:
    w = csv.writer(f, lineterminator='\n')
    w.writerow(['Strain', 'Hour', *proteins, 'Acetate'])
    for s in strains:
        for h in ['0', '2', '4', '12', '72']:
            cells = [repr(wide[(s, h, p)]) if (s, h, p) in wide else '' for p in proteins]
            w.writerow([s, f'{float(h)}', *cells, round(random.uniform(0, 2), 4)])
print('wrote mini-proteomics.csv and mini-limonene.csv')
