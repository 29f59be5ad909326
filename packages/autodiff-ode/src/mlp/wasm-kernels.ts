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

function moduleBytes(): Uint8Array {
  const bodies = [mv2Body(), ger2Body()];
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([[0x60, ...vec(new Array(7).fill([I32])), 0x00]])),
    ...section(2, vec([[...name('e'), ...name('m'), 0x02, 0x00, 0x00]])),
    ...section(3, vec([[0x00], [0x00]])),
    ...section(
      7,
      vec([
        [...name('mv2'), 0x00, 0x00],
        [...name('ger2'), 0x00, 0x01],
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
  return { f64: new Float64Array(memory.buffer), mv2: ex.mv2, ger2: ex.ger2 };
}
