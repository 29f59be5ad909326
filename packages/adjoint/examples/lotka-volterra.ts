import { odeGradient } from '@kinetica/adjoint';

// Lotka–Volterra x' = αx − βxy, y' = δxy − γy; fit p = [α, β, δ, γ] to three observations.
const data = [
  [1.7, 0.4],
  [3.9, 1.1],
  [0.6, 2.8],
];
const g = odeGradient(
  {
    f(_t, y, p, dydt) {
      dydt[0] = p[0] * y[0] - p[1] * y[0] * y[1];
      dydt[1] = p[2] * y[0] * y[1] - p[3] * y[1];
    },
    // vJy = vᵀ ∂f/∂y, vJp = vᵀ ∂f/∂p
    vjp(_t, y, p, v, vJy, vJp) {
      vJy[0] = v[0] * (p[0] - p[1] * y[1]) + v[1] * p[2] * y[1];
      vJy[1] = -v[0] * p[1] * y[0] + v[1] * (p[2] * y[0] - p[3]);
      vJp[0] = v[0] * y[0];
      vJp[1] = -v[0] * y[0] * y[1];
      vJp[2] = v[1] * y[0] * y[1];
      vJp[3] = -v[1] * y[1];
    },
    y0: [1, 1],
    p: [1.5, 1, 1, 3],
    t0: 0,
  },
  {
    times: [1, 2, 3],
    loss: (i, y) => 0.5 * ((y[0] - data[i][0]) ** 2 + (y[1] - data[i][1]) ** 2),
    lossGrad: (i, y, out) => {
      out[0] = y[0] - data[i][0];
      out[1] = y[1] - data[i][1];
    },
  },
  { method: 'dopri5', mode: 'checkpointed', rtol: 1e-8, atol: 1e-10 },
);
console.log(g.status, g.loss); // 'success' and L
console.log(g.dp, g.dy0); // dL/dp (4 values), dL/dy0 (2 values)
console.log(g.stats); // { nfev: { forward, backward }, nvjp, njev, steps, peakStoredStates }
