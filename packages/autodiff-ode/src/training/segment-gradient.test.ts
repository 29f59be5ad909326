import { describe, expect, it } from 'vitest';
import { NeuralODE } from '../field/neural-ode';
import { createRng } from '../random/rng';
import { type GradientSettings, SegmentGradient } from './segment-gradient';
import { TrajectoryLoss } from './trajectory-loss';
import { relErr, centralGradient } from '../../test/finite-difference';

/** A 3-state field with 2 interpolated controls, observations with gaps, and every penalty on. */
function problem(settings: GradientSettings) {
  const node = new NeuralODE({
    nStates: 3,
    nControls: 2,
    hidden: [8],
    activation: 'softplus',
    outputScale: [0.5, 0.5, 0.5],
  });
  const rng = createRng(9);
  const p = node.initParams(rng, 0.6);
  const ctimes = [0, 0.7, 1.3, 2];
  const controls = { times: ctimes, values: ctimes.map((t) => [Math.sin(3 * t), 1 + t]) };
  const times = Float64Array.from({ length: 9 }, (_, i) => i * 0.25);
  const obs = Float64Array.from({ length: 27 }, () => 0.5 + 0.3 * rng.normal());
  obs[4] = Number.NaN;
  obs[14] = Number.NaN;
  const loss = new TrajectoryLoss(obs, 3, {
    stateWeights: Float64Array.of(1, 4, 0.25),
    negativePenalty: 3,
    conservation: { laws: [[1, 1, 0]], weight: 0.5 },
  });
  loss.setEndTarget(Float64Array.of(0.2, 0.1, -0.3), 2);
  const seg = new SegmentGradient(node.field(controls), times, loss, settings);
  const y0 = Float64Array.of(0.3, -0.05, 0.6);
  return { seg, p, y0 };
}

function fdCheck(settings: GradientSettings, fdSettings: GradientSettings = settings) {
  const { seg, p, y0 } = problem(settings);
  const { seg: fdSeg } = problem(fdSettings);
  const dp = new Float64Array(p.length);
  const dy0 = new Float64Array(3);
  const r = seg.lossAndGradient(p, y0, dp, dy0);
  expect(r.status).toBe('success');
  const h = 1e-6;
  const L = (pp: Float64Array, yy: Float64Array) => fdSeg.value(pp, yy).loss;
  const gp = centralGradient((pp) => L(pp, y0), p, h);
  const gy = centralGradient((yy) => L(p, yy), y0, h);
  expect(r.loss).toBeCloseTo(L(p, y0), 8);
  if (process.env.DBG) console.log(relErr(dp, gp), relErr(dy0, gy), Array.from(dy0), gy);
  return { dp: relErr(dp, gp), dy0: relErr(dy0, gy) };
}

describe('training gradients against central finite differences', () => {
  it('fused rk4 backprop is the exact gradient of the discrete loss (masks, penalties, shooting target)', () => {
    const e = fdCheck({ method: 'rk4', substeps: 2 });
    expect(e.dp).toBeLessThan(1e-7);
    expect(e.dy0).toBeLessThan(1e-7);
  });

  it('fused dopri5 backprop matches finite differences of tightly solved losses', () => {
    const e = fdCheck({ method: 'dopri5', rtol: 1e-11, atol: 1e-12 });
    expect(e.dp).toBeLessThan(1e-6);
    expect(e.dy0).toBeLessThan(1e-6);
  });

  it('fused euler (ResNet) and map baselines backpropagate exactly', () => {
    for (const method of ['euler', 'map'] as const) {
      const e = fdCheck({ method });
      expect(e.dp).toBeLessThan(1e-7);
      expect(e.dy0).toBeLessThan(1e-7);
    }
  });

  it("@kinetica/adjoint 'discrete' mode agrees with the fused rk4 backprop to round-off", () => {
    const a = problem({ method: 'rk4' });
    const b = problem({ method: 'rk4', engine: 'odeGradient' });
    const dpa = new Float64Array(a.p.length);
    const dpb = new Float64Array(a.p.length);
    const dya = new Float64Array(3);
    const dyb = new Float64Array(3);
    const ra = a.seg.lossAndGradient(a.p, a.y0, dpa, dya);
    const rb = b.seg.lossAndGradient(b.p, b.y0, dpb, dyb);
    expect(rb.status).toBe('success');
    expect(Math.abs(ra.loss - rb.loss)).toBeLessThan(1e-12 * ra.loss);
    expect(relErr(dpb, dpa)).toBeLessThan(1e-10);
    expect(relErr(dyb, dya)).toBeLessThan(1e-10);
  });

  it('the continuous adjoint (@kinetica/adjoint backsolve) matches finite differences to solver tolerance', () => {
    const e = fdCheck(
      { method: 'dopri5', grad: 'adjoint', rtol: 1e-10, atol: 1e-12 },
      { method: 'dopri5', rtol: 1e-11, atol: 1e-12 },
    );
    expect(e.dp).toBeLessThan(1e-5);
    expect(e.dy0).toBeLessThan(1e-5);
  });

  it('stiff methods run through @kinetica/adjoint: radau5 discrete and adjoint gradients match finite differences', () => {
    for (const grad of ['backprop', 'adjoint'] as const) {
      const e = fdCheck({ method: 'radau5', grad, rtol: 1e-10, atol: 1e-12 });
      expect(e.dp).toBeLessThan(1e-5);
      expect(e.dy0).toBeLessThan(1e-5);
    }
  });
});
