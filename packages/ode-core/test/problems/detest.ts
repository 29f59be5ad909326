import type { RhsFunction } from '../../src/types';

/**
 * The non-stiff DETEST problems (Hull, Enright, Fellen & Sedgwick, SIAM J. Numer. Anal. 9, 1972),
 * classes A–E on [0, 20], without C4 (51 equations) and C5 (five-body problem). Reference end
 * states: test/fixtures/detest-reference.json (scripts/detest-reference.py, scipy DOP853 at
 * rtol 1e-13); `exact` gives the closed form where one exists.
 */
export interface DetestProblem {
  name: string;
  f: RhsFunction;
  y0: number[];
  exact?: (t: number) => number[];
}

const T = 20;
export const DETEST_TSPAN: [number, number] = [0, T];

function chain(kind: 'C1' | 'C2' | 'C3'): RhsFunction {
  return (_t, y, d) => {
    if (kind === 'C3') {
      d[0] = -2 * y[0]! + y[1]!;
      for (let i = 1; i < 9; i++) d[i] = y[i - 1]! - 2 * y[i]! + y[i + 1]!;
      d[9] = y[8]! - 2 * y[9]!;
      return;
    }
    d[0] = -y[0]!;
    for (let i = 1; i < 9; i++) d[i] = kind === 'C1' ? y[i - 1]! - y[i]! : i * y[i - 1]! - (i + 1) * y[i]!;
    d[9] = kind === 'C1' ? y[8]! : 9 * y[8]!;
  };
}

/** Kepler orbit of eccentricity e: exact through Kepler's equation E − e·sin E = t. */
function kepler(name: string, e: number): DetestProblem {
  return {
    name,
    f: (_t, y, d) => {
      const r3 = (y[0]! * y[0]! + y[1]! * y[1]!) ** 1.5;
      d[0] = y[2]!;
      d[1] = y[3]!;
      d[2] = -y[0]! / r3;
      d[3] = -y[1]! / r3;
    },
    y0: [1 - e, 0, 0, Math.sqrt((1 + e) / (1 - e))],
    exact: (t) => {
      let E = t;
      for (let i = 0; i < 100; i++) {
        const dE = (E - e * Math.sin(E) - t) / (1 - e * Math.cos(E));
        E -= dE;
        if (Math.abs(dE) < 1e-16) break;
      }
      const s = Math.sqrt(1 - e * e);
      const den = 1 - e * Math.cos(E);
      return [Math.cos(E) - e, s * Math.sin(E), -Math.sin(E) / den, (s * Math.cos(E)) / den];
    },
  };
}

export const detestProblems: DetestProblem[] = [
  { name: 'A1', f: (_t, y, d) => void (d[0] = -y[0]!), y0: [1], exact: (t) => [Math.exp(-t)] },
  {
    name: 'A2',
    f: (_t, y, d) => void (d[0] = -(y[0]! ** 3) / 2),
    y0: [1],
    exact: (t) => [1 / Math.sqrt(t + 1)],
  },
  {
    name: 'A3',
    f: (t, y, d) => void (d[0] = y[0]! * Math.cos(t)),
    y0: [1],
    exact: (t) => [Math.exp(Math.sin(t))],
  },
  {
    name: 'A4',
    f: (_t, y, d) => void (d[0] = (y[0]! / 4) * (1 - y[0]! / 20)),
    y0: [1],
    exact: (t) => [20 / (1 + 19 * Math.exp(-t / 4))],
  },
  { name: 'A5', f: (t, y, d) => void (d[0] = (y[0]! - t) / (y[0]! + t)), y0: [4] },
  {
    name: 'B1',
    f: (_t, y, d) => {
      d[0] = 2 * (y[0]! - y[0]! * y[1]!);
      d[1] = -(y[1]! - y[0]! * y[1]!);
    },
    y0: [1, 3],
  },
  {
    name: 'B2',
    f: (_t, y, d) => {
      d[0] = -y[0]! + y[1]!;
      d[1] = y[0]! - 2 * y[1]! + y[2]!;
      d[2] = y[1]! - y[2]!;
    },
    y0: [2, 0, 1],
  },
  {
    name: 'B3',
    f: (_t, y, d) => {
      d[0] = -y[0]!;
      d[1] = y[0]! - y[1]! * y[1]!;
      d[2] = y[1]! * y[1]!;
    },
    y0: [1, 0, 0],
  },
  {
    name: 'B4',
    f: (_t, y, d) => {
      const r = Math.hypot(y[0]!, y[1]!);
      d[0] = -y[1]! - (y[0]! * y[2]!) / r;
      d[1] = y[0]! - (y[1]! * y[2]!) / r;
      d[2] = y[0]! / r;
    },
    y0: [3, 0, 0],
  },
  {
    name: 'B5',
    f: (_t, y, d) => {
      d[0] = y[1]! * y[2]!;
      d[1] = -y[0]! * y[2]!;
      d[2] = -0.51 * y[0]! * y[1]!;
    },
    y0: [0, 1, 1],
  },
  { name: 'C1', f: chain('C1'), y0: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
  { name: 'C2', f: chain('C2'), y0: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
  { name: 'C3', f: chain('C3'), y0: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
  kepler('D1', 0.1),
  kepler('D2', 0.3),
  kepler('D3', 0.5),
  kepler('D4', 0.7),
  kepler('D5', 0.9),
  {
    name: 'E1',
    f: (t, y, d) => {
      d[0] = y[1]!;
      d[1] = -(y[1]! / (t + 1) + (1 - 0.25 / (t + 1) ** 2) * y[0]!);
    },
    y0: [0.671396707141803, 0.09540051444747447],
  },
  {
    name: 'E2',
    f: (_t, y, d) => {
      d[0] = y[1]!;
      d[1] = (1 - y[0]! * y[0]!) * y[1]! - y[0]!;
    },
    y0: [2, 0],
  },
  {
    name: 'E3',
    f: (t, y, d) => {
      d[0] = y[1]!;
      d[1] = y[0]! ** 3 / 6 - y[0]! + 2 * Math.sin(2.78535 * t);
    },
    y0: [0, 0],
  },
  {
    name: 'E4',
    f: (_t, y, d) => {
      d[0] = y[1]!;
      d[1] = 0.032 - 0.4 * y[1]! * y[1]!;
    },
    y0: [30, 0],
  },
  {
    name: 'E5',
    f: (t, y, d) => {
      d[0] = y[1]!;
      d[1] = Math.sqrt(1 + y[1]! * y[1]!) / (25 - t);
    },
    y0: [0, 0],
  },
];
