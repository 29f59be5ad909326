/**
 * WebAssembly SIMD (f64x2) kernels of the MLP's pair passes, assembled here from their
 * instructions so that no toolchain or build step is involved. On this project's 2-core machine
 * the matrix–two-vector product runs about 3× faster than the best plain-JS loop
 * (bench/wasm-simd-matvec.ts): two multiply–adds per instruction and no bounds checks.
 *
 * Both kernels take byte addresses into the one imported memory:
 * - mv2(M, rows, cols, xa, xb, ya, yb): y_a = M·x_a, y_b = M·x_b with M row-major rows × cols,
 *   rows % 4 = 0, cols % 2 = 0 (callers pad with zeros); vectorised along the columns with four
 *   rows × two samples of accumulators.
 * - ger2(G, rows, cols, da, db, xa, xb): G += d_a·x_aᵀ + d_b·x_bᵀ, cols % 2 = 0.
 * - tanh2(srcA, dstA, srcB, dstB, bias, bytes): dstA = tanh(srcA + bias) and dstB = tanh(srcB +
 *   bias) elementwise, bytes % 32 = 0 (a hidden tanh layer of inference for two samples; within
 *   a few ulp of Math.tanh, see tanh2Body).
 * - softplus2(srcA, dstA, srcB, dstB, bias, bytes): likewise with log(1 + exp(·)) (softplus2Body).
 */

const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};

const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

const get = (i: number) => [0x20, i];
const set = (i: number) => [0x21, i];
const i32 = (n: number) => [0x41, ...sleb(n)];
const ADD = 0x6a;
const MUL = 0x6c;
const LT_S = 0x48;
const LOOP = [0x03, 0x40];
const END = 0x0b;
const brIf = (l: number) => [0x0d, l];
const v128load = [0xfd, 0x00, 4, 0];
const v128store = [0xfd, 0x0b, 4, 0];
const splat64 = [0xfd, 0x0a, 3, 0];
const v128zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
const f64x2mul = [0xfd, 0xf2, 0x01];
const f64x2add = [0xfd, 0xf0, 0x01];
const lane = (l: number) => [0xfd, 0x21, l];
const F64ADD = 0xa0;
const f64store = (off: number) => [0x39, 3, ...uleb(off)];
const I32 = 0x7f;
const V128 = 0x7b;

/** base + 8·i: the byte address of element i of a float64 array at `base`. */
const elementAddress = (base: number, i: number) => [...get(base), ...get(i), ...i32(8), MUL, ADD];
/** Close a loop: counter += step, and branch back while counter < limit. */
const loopUntil = (counter: number, step: number, limit: number) => [
  ...get(counter),
  ...i32(step),
  ADD,
  ...set(counter),
  ...get(counter),
  ...get(limit),
  LT_S,
  ...brIf(0),
  END,
];
/** acc += a ⊙ b on f64x2 locals. */
const fma2 = (acc: number, a: number, b: number) => [
  ...get(acc),
  ...get(a),
  ...get(b),
  ...f64x2mul,
  ...f64x2add,
  ...set(acc),
];
/** The sum of the two lanes of an f64x2 local. */
const laneSum = (v: number) => [...get(v), ...lane(0), ...get(v), ...lane(1), F64ADD];

function mv2Body(): number[] {
  // Params 0–6; locals 7 r, 8 c, 9 m0, 10 row bytes; 11–18 accumulators; 19 x_a, 20 x_b, 21 w.
  const [M, ROWS, COLS, XA, XB, YA, YB, R, C, M0, RB] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const acc = (k: number) => 11 + k;
  const [VA, VB, W] = [19, 20, 21];
  const body = [
    ...get(COLS),
    ...i32(8),
    MUL,
    ...set(RB),
    ...i32(0),
    ...set(R),
    ...LOOP,
    ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((k) => [...v128zero, ...set(acc(k))]),
    ...get(M),
    ...get(R),
    ...get(RB),
    MUL,
    ADD,
    ...set(M0),
    ...i32(0),
    ...set(C),
    ...LOOP,
    ...get(XA),
    ...get(C),
    ADD,
    ...v128load,
    ...set(VA),
    ...get(XB),
    ...get(C),
    ADD,
    ...v128load,
    ...set(VB),
    ...[0, 1, 2, 3].flatMap((q) => [
      ...get(M0),
      ...get(C),
      ADD,
      ...get(RB),
      ...i32(q),
      MUL,
      ADD,
      ...v128load,
      ...set(W),
      ...fma2(acc(2 * q), W, VA),
      ...fma2(acc(2 * q + 1), W, VB),
    ]),
    ...loopUntil(C, 16, RB),
    ...[0, 1, 2, 3].flatMap((q) => [
      ...elementAddress(YA, R),
      ...laneSum(acc(2 * q)),
      ...f64store(8 * q),
      ...elementAddress(YB, R),
      ...laneSum(acc(2 * q + 1)),
      ...f64store(8 * q),
    ]),
    ...loopUntil(R, 4, ROWS),
    END,
  ];
  return [
    ...vec([
      [...uleb(4), I32],
      [...uleb(11), V128],
    ]),
    ...body,
  ];
}

function ger2Body(): number[] {
  // Params 0–6; locals 7 i, 8 c, 9 row address, 10 row bytes; 11 d_a, 12 d_b (splats).
  const [G, ROWS, COLS, DA, DB, XA, XB, I, C, GR, RB] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [SA, SB] = [11, 12];
  const body = [
    ...get(COLS),
    ...i32(8),
    MUL,
    ...set(RB),
    ...get(G),
    ...set(GR),
    ...i32(0),
    ...set(I),
    ...LOOP,
    ...elementAddress(DA, I),
    ...splat64,
    ...set(SA),
    ...elementAddress(DB, I),
    ...splat64,
    ...set(SB),
    ...i32(0),
    ...set(C),
    ...LOOP,
    // G[i, c:c+2] += d_a[i]·x_a[c:c+2] + d_b[i]·x_b[c:c+2]
    ...get(GR),
    ...get(C),
    ADD,
    ...get(GR),
    ...get(C),
    ADD,
    ...v128load,
    ...get(SA),
    ...get(XA),
    ...get(C),
    ADD,
    ...v128load,
    ...f64x2mul,
    ...f64x2add,
    ...get(SB),
    ...get(XB),
    ...get(C),
    ADD,
    ...v128load,
    ...f64x2mul,
    ...f64x2add,
    ...v128store,
    ...loopUntil(C, 16, RB),
    ...get(GR),
    ...get(RB),
    ADD,
    ...set(GR),
    ...loopUntil(I, 1, ROWS),
    END,
  ];
  return [
    ...vec([
      [...uleb(4), I32],
      [...uleb(2), V128],
    ]),
    ...body,
  ];
}

/** A v128 constant (inline `v128.const`: hoisting the constants into locals measured no faster). */
const v128const = (bytes: Uint8Array): number[] => [0xfd, 0x0c, ...bytes];
/** A v128 constant of two equal float64 lanes. */
const f64x2const = (x: number): number[] => v128const(new Uint8Array(new Float64Array([x, x]).buffer));
/** A v128 constant of two equal int64 lanes. */
const i64x2const = (x: number): number[] =>
  v128const(new Uint8Array(new BigInt64Array([BigInt(x), BigInt(x)]).buffer));
const f64x2sub = [0xfd, 0xf1, 0x01];
const f64x2div = [0xfd, 0xf3, 0x01];
const f64x2abs = [0xfd, 0xec, 0x01];
const f64x2min = [0xfd, 0xf4, 0x01];
const f64x2max = [0xfd, 0xf5, 0x01];
const f64x2gt = [0xfd, 0x4a];
const f64x2lt = [0xfd, 0x49];
const v128not = [0xfd, 0x4d];
const f64x2nearest = [0xfd, 0x94, 0x01];
const i32x4truncSatF64x2Zero = [0xfd, 0xfc, 0x01];
const i64x2extendLowI32x4 = [0xfd, 0xc7, 0x01];
const i64x2sub = [0xfd, 0xd1, 0x01];
const i64x2shl = [0xfd, 0xcb, 0x01];
const bitselect = [0xfd, 0x52];
/** ln 2 split for Cody–Waite reduction: LN2_HI ends in 21 zero bits, so k·LN2_HI is exact for k < 2^21. */
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;

/** 1/(i+1)! for i = 0 … 12: exp(r) − 1 = r·Σ r^i/(i+1)! to below 1e−17 relative for |r| ≤ ln 2/2. */
const EXPM1_COEFFS = Array.from({ length: 13 }, (_, i) => {
  let f = 1;
  for (let j = 2; j <= i + 1; j++) f *= j;
  return 1 / f;
});

/**
 * Statements (each leaves the stack as it found it) for exp(−y) of the f64x2 local Y ≥ 0 (at
 * most 700): k = round(y/ln 2) into K, r = k·ln 2 − y into R (|r| ≤ ln 2/2, Cody–Waite, exact
 * products), exp(r) − 1 into ACC by its Taylor polynomial, and 2^−k into P (built from its bits),
 * so that exp(−y) = P·ACC + P and exp(−y) − 1 = P·ACC + (P − 1), the latter exact near y = 0.
 */
function expNegStatements(Y: number, K: number, R: number, ACC: number, P: number): number[][] {
  const out: number[][] = [
    [...get(Y), ...f64x2const(Math.LOG2E), ...f64x2mul, ...f64x2nearest, ...set(K)],
    [
      ...get(K),
      ...f64x2const(LN2_HI),
      ...f64x2mul,
      ...get(Y),
      ...f64x2sub,
      ...get(K),
      ...f64x2const(LN2_LO),
      ...f64x2mul,
      ...f64x2add,
      ...set(R),
    ],
    [...f64x2const(EXPM1_COEFFS[12]!), ...set(ACC)],
  ];
  for (let i = 11; i >= 0; i--)
    out.push([
      ...get(ACC),
      ...get(R),
      ...f64x2mul,
      ...f64x2const(EXPM1_COEFFS[i]!),
      ...f64x2add,
      ...set(ACC),
    ]);
  out.push(
    [...get(ACC), ...get(R), ...f64x2mul, ...set(ACC)],
    [
      ...i64x2const(1023),
      ...get(K),
      ...i32x4truncSatF64x2Zero,
      ...i64x2extendLowI32x4,
      ...i64x2sub,
      ...i32(52),
      ...i64x2shl,
      ...set(P),
    ],
  );
  return out;
}

/**
 * An elementwise kernel of two samples (srcA, dstA, srcB, dstB, bias, bytes): dstA = g(srcA +
 * bias) and dstB = g(srcB + bias) over [0, bytes), bytes % 32 = 0. Each iteration takes two
 * vectors of each sample, their statements interleaved: the polynomials are chains of dependent
 * multiply–adds, and four independent chains keep the pipeline full (about 1.2× the speed of
 * two, 1.5× that of one, on this machine). `chain(load, storeAddress, base)` gives one vector's
 * statements: `load('src' | 'bias')` pushes that vector, `storeAddress` the address to store to,
 * and its v128 locals start at base.
 */
function elementwiseBody(
  nLocals: number,
  chain: (load: (what: 'src' | 'bias') => number[], storeAddress: number[], base: number) => number[][],
): number[] {
  const [SRC_A, DST_A, SRC_B, DST_B, BIAS, BYTES, OFF] = [0, 1, 2, 3, 4, 5, 6];
  const addr = (ptr: number, at: number) => [...get(ptr), ...get(OFF), ADD, ...(at ? [...i32(at), ADD] : [])];
  const make = (src: number, dst: number, at: number, base: number) =>
    chain((what) => [...addr(what === 'src' ? src : BIAS, at), ...v128load], addr(dst, at), base);
  const first = OFF + 1;
  const chains = [
    make(SRC_A, DST_A, 0, first),
    make(SRC_A, DST_A, 16, first + nLocals),
    make(SRC_B, DST_B, 0, first + 2 * nLocals),
    make(SRC_B, DST_B, 16, first + 3 * nLocals),
  ];
  const body = [
    ...i32(0),
    ...set(OFF),
    ...LOOP,
    ...chains[0]!.flatMap((_, i) => chains.flatMap((c) => c[i]!)),
    ...loopUntil(OFF, 32, BYTES),
    END,
  ];
  return [
    ...vec([
      [...uleb(1), I32],
      [...uleb(4 * nLocals), V128],
    ]),
    ...body,
  ];
}

function tanh2Body(): number[] {
  // With y = min(2|v|, 40) and e = exp(−y) − 1: tanh|v| = −e/(2 + e), the sign put back from v
  // (e − 1 keeps full precision near v = 0). 2|v| is capped at 40 (e then rounds to −1 and the
  // result to ±1); NaN propagates.
  return elementwiseBody(6, (load, storeAddress, base) => {
    const [V, Y, K, R, ACC, P] = [base, base + 1, base + 2, base + 3, base + 4, base + 5];
    return [
      [...load('src'), ...load('bias'), ...f64x2add, ...set(V)],
      [...get(V), ...f64x2abs, ...f64x2const(2), ...f64x2mul, ...f64x2const(40), ...f64x2min, ...set(Y)],
      ...expNegStatements(Y, K, R, ACC, P),
      [
        ...get(P),
        ...get(ACC),
        ...f64x2mul,
        ...get(P),
        ...f64x2const(1),
        ...f64x2sub,
        ...f64x2add,
        ...set(ACC),
      ],
      [
        ...storeAddress,
        ...get(V),
        ...get(ACC),
        ...get(ACC),
        ...f64x2const(2),
        ...f64x2add,
        ...f64x2div,
        ...f64x2abs,
        ...f64x2const(-0),
        ...bitselect,
        ...v128store,
      ],
    ];
  });
}

function softplus2Body(): number[] {
  // softplus(z) = max(z, 0) + log1p(e), e = exp(−|z|) ∈ (0, 1] (|z| capped at 700; below z =
  // −700 the result is 0); log1p(e) = 2·atanh(s) with s = e/(2 + e) for e ≤ √2 − 1, else ln 2 + 2·atanh(s)
  // with s = (e − 1)/(e + 3), so |s| ≤ 0.172 and 2·atanh(s) = 2s·Σ_{i≤10} s^{2i}/(2i + 1)
  // (truncation below 3e−17 relative). NaN propagates.
  return elementwiseBody(10, (load, storeAddress, base) => {
    const [Z, Y, K, R, ACC, P, M, S, S2, Q] = Array.from({ length: 10 }, (_, i) => base + i);
    const out: number[][] = [
      [...load('src'), ...load('bias'), ...f64x2add, ...set(Z)],
      [...get(Z), ...f64x2abs, ...f64x2const(700), ...f64x2min, ...set(Y)],
      ...expNegStatements(Y, K, R, ACC, P),
      // e = P·acc + P into ACC; M: e > √2 − 1
      [...get(P), ...get(ACC), ...f64x2mul, ...get(P), ...f64x2add, ...set(ACC)],
      [...get(ACC), ...f64x2const(Math.SQRT2 - 1), ...f64x2gt, ...set(M)],
      // s = (e − 1)/(e + 3) where M, else e/(e + 2)
      [
        ...get(ACC),
        ...f64x2const(1),
        ...f64x2sub,
        ...get(ACC),
        ...get(M),
        ...bitselect,
        ...get(ACC),
        ...f64x2const(3),
        ...f64x2add,
        ...get(ACC),
        ...f64x2const(2),
        ...f64x2add,
        ...get(M),
        ...bitselect,
        ...f64x2div,
        ...set(S),
      ],
      [...get(S), ...get(S), ...f64x2mul, ...set(S2)],
      [...f64x2const(1 / 21), ...set(Q)],
    ];
    for (let i = 9; i >= 0; i--)
      out.push([...get(Q), ...get(S2), ...f64x2mul, ...f64x2const(1 / (2 * i + 1)), ...f64x2add, ...set(Q)]);
    out.push([
      ...storeAddress,
      ...get(Z),
      ...f64x2const(0),
      ...f64x2max,
      ...get(S),
      ...get(S),
      ...f64x2add,
      ...get(Q),
      ...f64x2mul,
      ...f64x2const(Math.LN2),
      ...f64x2const(0),
      ...get(M),
      ...bitselect,
      ...f64x2add,
      ...f64x2add,
      // Below −700 the value (under 1e−304) is 0: keep it where not z < −700 (NaN included).
      ...f64x2const(0),
      ...get(Z),
      ...f64x2const(-700),
      ...f64x2lt,
      ...v128not,
      ...bitselect,
      ...v128store,
    ]);
    return out;
  });
}

function moduleBytes(): Uint8Array {
  const bodies = [mv2Body(), ger2Body(), tanh2Body(), softplus2Body()];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(
      1,
      vec([
        [0x60, ...vec(new Array(7).fill([I32])), 0x00],
        [0x60, ...vec(new Array(6).fill([I32])), 0x00],
      ]),
    ),
    ...section(2, vec([[...name('e'), ...name('m'), 0x02, 0x00, 0x00]])),
    ...section(3, vec([[0x00], [0x00], [0x01], [0x01]])),
    ...section(
      7,
      vec([
        [...name('mv2'), 0x00, 0x00],
        [...name('ger2'), 0x00, 0x01],
        [...name('tanh2'), 0x00, 0x02],
        [...name('softplus2'), 0x00, 0x03],
      ]),
    ),
    ...section(10, vec(bodies.map((b) => [...uleb(b.length), ...b]))),
  ]);
}

/** The kernels bound to a memory, whose Float64Array view `f64` callers fill and read. */
export interface WasmKernels {
  readonly f64: Float64Array;
  mv2(M: number, rows: number, cols: number, xa: number, xb: number, ya: number, yb: number): void;
  ger2(G: number, rows: number, cols: number, da: number, db: number, xa: number, xb: number): void;
  tanh2(srcA: number, dstA: number, srcB: number, dstB: number, bias: number, bytes: number): void;
  softplus2(srcA: number, dstA: number, srcB: number, dstB: number, bias: number, bytes: number): void;
}

/** The part of the WebAssembly JS API used here (the ES2022 lib does not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

let compiled: object | null | undefined;

/**
 * Instantiate the kernels over a fresh memory of at least `doubles` float64 values, or return
 * null where WebAssembly SIMD is unavailable (callers then keep their plain-JS loops).
 */
export function createWasmKernels(doubles: number): WasmKernels | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return null;
  if (compiled === undefined) {
    try {
      const bytes = moduleBytes();
      compiled = api.validate(bytes) ? new api.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  if (compiled === null) return null;
  const memory = new api.Memory({ initial: Math.ceil((8 * doubles) / 65536) + 1 });
  const ex = new api.Instance(compiled, { e: { m: memory } }).exports as Omit<WasmKernels, 'f64'>;
  return {
    f64: new Float64Array(memory.buffer),
    mv2: ex.mv2,
    ger2: ex.ger2,
    tanh2: ex.tanh2,
    softplus2: ex.softplus2,
  };
}
