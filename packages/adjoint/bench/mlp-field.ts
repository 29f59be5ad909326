/**
 * The benchmark B1 vector field (../../../shared/API.md) in plain float64: an MLP on [x; u(t)],
 * 15 → 64 → 64 → 6 with tanh, u = 9 controls linearly interpolated on a 200-point grid over
 * [0, 72] h, and its hand-written vector–Jacobian product. No allocation per call.
 */
import type { GradientModel, Observations } from '../src/types';

export const NX = 6;
export const NU = 9;
const NIN = NX + NU;
const H = 64;
/** Parameter layout: W1 (H×NIN), b1, W2 (H×H), b2, W3 (NX×H), b3. */
const OW1 = 0;
const OB1 = OW1 + H * NIN;
const OW2 = OB1 + H;
const OB2 = OW2 + H * H;
const OW3 = OB2 + H;
const OB3 = OW3 + NX * H;
export const NP = OB3 + NX;

export const GRID = Float64Array.from({ length: 200 }, (_, i) => (72 * i) / 199);

/** Deterministic N(0, 0.1²) weights, zero biases (B1's initialisation). */
export function initialWeights(seed = 1): Float64Array {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const p = new Float64Array(NP);
  const gauss = () => 0.1 * Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  for (let i = OW1; i < OB1; i++) p[i] = gauss();
  for (let i = OW2; i < OB2; i++) p[i] = gauss();
  for (let i = OW3; i < OB3; i++) p[i] = gauss();
  return p;
}

/** B1's synthetic trajectory b: controls on the grid, targets and initial state. */
export function b1Trajectory(b: number): { u: Float64Array; target: Float64Array; y0: Float64Array } {
  const u = new Float64Array(GRID.length * NU);
  const target = new Float64Array(GRID.length * NX);
  GRID.forEach((t, i) => {
    for (let k = 0; k < NU; k++) u[i * NU + k] = 1 + 0.5 * Math.sin(t / 10 + k + b);
    for (let j = 0; j < NX; j++)
      target[i * NX + j] = 0.5 + 0.3 * Math.tanh(t / 20 - 1 + 0.1 * j) * (1 + 0.1 * b);
  });
  return { u, target, y0: target.slice(0, NX) };
}

/**
 * The MLP field with controls `u` (GRID.length × NU) as a `GradientModel`; with `accumulate` its
 * vjp adds into vJp (`accumulateVjp`), as a production kernel would.
 */
export function mlpModel(
  p: Float64Array,
  u: Float64Array,
  y0: Float64Array,
  accumulate = false,
): GradientModel {
  const keep = accumulate ? 1 : 0;
  const z = new Float64Array(NIN);
  const h1 = new Float64Array(H);
  const h2 = new Float64Array(H);
  const g1 = new Float64Array(H);
  const g2 = new Float64Array(H);
  const dt = GRID[1]!;
  const inputs = (t: number, y: Float64Array) => {
    for (let j = 0; j < NX; j++) z[j] = y[j]!;
    const x = Math.min(Math.max(t / dt, 0), GRID.length - 1);
    const i = Math.min(Math.floor(x), GRID.length - 2);
    const w = x - i;
    for (let k = 0; k < NU; k++) z[NX + k] = (1 - w) * u[i * NU + k]! + w * u[(i + 1) * NU + k]!;
  };
  const hidden = (q: Float64Array) => {
    for (let r = 0; r < H; r++) {
      let s = q[OB1 + r]!;
      const row = OW1 + r * NIN;
      for (let c = 0; c < NIN; c++) s += q[row + c]! * z[c]!;
      h1[r] = Math.tanh(s);
    }
    for (let r = 0; r < H; r++) {
      let s = q[OB2 + r]!;
      const row = OW2 + r * H;
      for (let c = 0; c < H; c++) s += q[row + c]! * h1[c]!;
      h2[r] = Math.tanh(s);
    }
  };
  return {
    t0: 0,
    y0,
    p,
    accumulateVjp: accumulate,
    f(t, y, q, d) {
      inputs(t, y);
      hidden(q);
      for (let r = 0; r < NX; r++) {
        let s = q[OB3 + r]!;
        const row = OW3 + r * H;
        for (let c = 0; c < H; c++) s += q[row + c]! * h2[c]!;
        d[r] = s;
      }
    },
    vjp(t, y, q, v, vy, vp) {
      inputs(t, y);
      hidden(q);
      g2.fill(0);
      for (let r = 0; r < NX; r++) {
        const vr = v[r]!;
        const row = OW3 + r * H;
        vp[OB3 + r] = (keep ? vp[OB3 + r]! : 0) + vr;
        for (let c = 0; c < H; c++) {
          vp[row + c] = (keep ? vp[row + c]! : 0) + vr * h2[c]!;
          g2[c]! += vr * q[row + c]!;
        }
      }
      for (let c = 0; c < H; c++) g2[c]! *= 1 - h2[c]! * h2[c]!;
      g1.fill(0);
      for (let r = 0; r < H; r++) {
        const gr = g2[r]!;
        const row = OW2 + r * H;
        vp[OB2 + r] = (keep ? vp[OB2 + r]! : 0) + gr;
        for (let c = 0; c < H; c++) {
          vp[row + c] = (keep ? vp[row + c]! : 0) + gr * h1[c]!;
          g1[c]! += gr * q[row + c]!;
        }
      }
      for (let c = 0; c < H; c++) g1[c]! *= 1 - h1[c]! * h1[c]!;
      vy.fill(0);
      for (let r = 0; r < H; r++) {
        const gr = g1[r]!;
        const row = OW1 + r * NIN;
        vp[OB1 + r] = (keep ? vp[OB1 + r]! : 0) + gr;
        for (let c = 0; c < NIN; c++) {
          vp[row + c] = (keep ? vp[row + c]! : 0) + gr * z[c]!;
          if (c < NX) vy[c]! += gr * q[row + c]!;
        }
      }
    },
  };
}

/** B1's loss for one trajectory: mean squared error over the 200 grid points and 6 states. */
export function mseObservations(target: Float64Array): Observations {
  const scale = 1 / (GRID.length * NX);
  return {
    times: GRID,
    loss(i, y) {
      let s = 0;
      for (let j = 0; j < NX; j++) s += (y[j]! - target[i * NX + j]!) ** 2;
      return s * scale;
    },
    lossGrad(i, y, out) {
      for (let j = 0; j < NX; j++) out[j] = 2 * scale * (y[j]! - target[i * NX + j]!);
    },
  };
}
