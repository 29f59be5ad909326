import { describe, expect, it } from 'vitest';
import { centralGradient, closeTo } from '../../test/support/finite-difference';
import { michaelisMenten } from '../kinetics/michaelis-menten';
import { parseNetwork } from '../network/parse';
import { massActionModel } from './mass-action-model';
import { stoichiometricModel } from './reaction-model';

describe('stoichiometricModel', () => {
  const net = parseNetwork('b: E + S <-> C\nc: C -> E + P\nfeed: $X -> S\nout: 2 P ->');
  const model = massActionModel(net, [2, 1.5, 0.3, 0.8], { kr: [0.4, 9, 9, 9], boundary: { X: 2 } });
  const x = Float64Array.from([0.7, 1.3, 0.2, 0.9]);
  const u = new Float64Array(0);

  it('evaluates f = S·r with mass-action rates (reverse terms only for reversible reactions)', () => {
    const [E, S, C, P] = x as unknown as number[];
    const r = [2 * E! * S! - 0.4 * C!, 1.5 * C!, 0.3 * 2, 0.8 * P! * P!];
    const f = new Float64Array(4);
    model.f(0, x, u, f);
    closeTo(f, [-r[0]! + r[1]!, -r[0]! + r[2]!, r[0]! - r[1]!, r[1]! - 2 * r[3]!], 1e-15, 'f');
  });

  it('has an analytic Jacobian equal to finite differences of f', () => {
    const J = new Float64Array(16);
    model.jac(0, x, u, J);
    for (let i = 0; i < 4; i++) {
      const fd = centralGradient((y) => {
        const f = new Float64Array(4);
        model.f(0, y, u, f);
        return f[i]!;
      }, x);
      closeTo(J.subarray(i * 4, i * 4 + 4), fd, 1e-7, `J row ${i}`);
    }
  });

  it('builds a problem with controls u(t) and a sparsity pattern', () => {
    const m = stoichiometricModel(
      [[-1], [1]],
      [michaelisMenten({ substrate: 0, vmax: 1, km: 1, enzyme: 0 })],
      {
        species: ['S', 'P'],
        controls: ['E'],
      },
    );
    const p = m.problem([1, 0], [0, 1], (t, out) => {
      out[0] = 1 + t;
    });
    const dy = new Float64Array(2);
    p.f(1, Float64Array.from([1, 0]), dy);
    expect(Array.from(dy)).toEqual([-1, 1]);
    expect(p.jacSparsity).toEqual([[0], [0]]);
    expect(() => m.problem([1, 0], [0, 1])).toThrow(/controls/);
  });

  it('refuses a rate-law count that does not match S', () => {
    expect(() => stoichiometricModel([[1, -1]], [])).toThrow(/2 reactions/);
  });
});
