/**
 * Coefficients of Rodas5P (Steinebach 2023, "Construction of Rosenbrock–Wanner method Rodas5P and numerical
 * benchmarks within the Julia Differential Equations package", BIT 63:27): 8 stages, order 5,
 * stiffly accurate, with an order-4 embedded solution (the last stage is the error estimate)
 * and a stiff-aware order-4 continuous extension. Coefficients as in OrdinaryDiffEq.jl.
 */
const GAMMA = 0.21193756319429014;
// Stage inputs u_i = y + Σ a_ij k_j (rows 2…6; stages 7 and 8 add k6 and k7 to the running solution).
const A = [
  [3.0],
  [2.849394379747939, 0.45842242204463923],
  [-6.954028509809101, 2.489845061869568, -10.358996098473584],
  [2.8029986275628964, 0.5072464736228206, -0.3988312541770524, -0.04721187230404641],
  [-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946],
];
// Stage right-hand sides add Σ (C_ij / h) k_j (rows 2…8).
const C = [
  [-14.155112264123755],
  [-17.97296035885952, -2.859693295451294],
  [147.12150275711716, -1.41221402718213, 71.68940251302358],
  [165.43517024871676, -0.4592823456491126, 42.90938336958603, -5.961986721573306],
  [24.854864614690072, -3.0009227002832186, 47.4931110020768, 5.5814197821558125, -0.6610691825249471],
  [
    30.91273214028599, -3.1208243349937974, 77.79954646070892, 34.28646028294783, -19.097331116725623,
    -28.087943162872662,
  ],
  [
    37.80277123390563, -3.2571969029072276, 112.26918849496327, 66.9347231244047, -40.06618937091002,
    -54.66780262877968, -9.48861652309627,
  ],
];
const CT = [0, 0.6358126895828704, 0.4095798393397535, 0.9769306725060716, 0.4288403609558664, 1, 1, 1];
// h·d_i·∂f/∂t terms of stages 1…5 (zero afterwards).
const D = [
  0.21193756319429014, -0.42387512638858027, -0.3384627126235924, 1.8046452872882734, 2.325825639765069,
];
// Dense output: three combinations of the stages.
const H = [
  [
    25.948786856663858, -2.5579724845846235, 10.433815404888879, -2.3679251022685204, 0.524948541321073,
    1.1241088310450404, 0.4272876194431874, -0.17202221070155493,
  ],
  [
    -9.91568850695171, -0.9689944594115154, 3.0438037242978453, -24.495224566215796, 20.176138334709044,
    15.98066361424651, -6.789040303419874, -6.710236069923372,
  ],
  [
    11.419903575922262, 2.8879645146136994, 72.92137995996029, 80.12511834622643, -52.072871366152654,
    -59.78993625266729, -0.15582684282751913, 4.883087185713722,
  ],
];

/** The Rodas5P coefficients as data, shared by the stepper and by discrete adjoints of it. */
export const RODAS5P_TABLEAU = {
  gamma: GAMMA,
  /** Stage inputs u_i = y + Σ a_ij k_j, rows for stages 2…6. */
  a: A as readonly (readonly number[])[],
  /** Stage right-hand sides add Σ (c_ij / h) k_j, rows for stages 2…8. */
  c: C as readonly (readonly number[])[],
  /** Stage times t + ct_i·h. */
  ct: CT as readonly number[],
  /** h·d_i·∂f/∂t terms of stages 1…5. */
  d: D as readonly number[],
  /** Dense output: three combinations of the stages. */
  h: H as readonly (readonly number[])[],
  stages: 8,
} as const;
