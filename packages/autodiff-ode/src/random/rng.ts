/**
 * A small deterministic random number generator (xoshiro128**, Blackman & Vigna 2018) so that
 * weight initialisation, mini-batch order and Hutchinson probes are reproducible from a seed.
 */
export interface Rng {
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Standard normal (Box–Muller; the second variate is discarded so that `state()` is the whole state). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Fisher–Yates shuffle in place. */
  shuffle<T>(a: T[]): T[];
  /** The generator state, for checkpoints. */
  state(): number[];
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Create a generator from an integer seed, or resume one from `state()`. */
export function createRng(seed: number | readonly number[] = 0): Rng {
  const st = new Uint32Array(4);
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new TypeError(`createRng: seed must be a finite number, got ${seed}`);
    const sm = splitmix32(Math.floor(seed));
    for (let i = 0; i < 4; i++) st[i] = sm();
  } else {
    if (seed.length !== 4) throw new TypeError('createRng: state must have 4 entries');
    for (let i = 0; i < 4; i++) st[i] = seed[i] >>> 0;
  }
  const next = (): number => {
    const result = Math.imul(((Math.imul(st[1], 5) << 7) | (Math.imul(st[1], 5) >>> 25)) >>> 0, 9) >>> 0;
    const t = st[1] << 9;
    st[2] ^= st[0];
    st[3] ^= st[1];
    st[1] ^= st[2];
    st[0] ^= st[3];
    st[2] ^= t;
    st[3] = (st[3] << 11) | (st[3] >>> 21);
    return result;
  };
  const uniform = () => next() / 4294967296;
  return {
    uniform,
    normal() {
      let u = uniform();
      while (u === 0) u = uniform();
      const v = uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      return r * Math.cos(2 * Math.PI * v);
    },
    int(n) {
      return Math.floor(uniform() * n);
    },
    shuffle(a) {
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(uniform() * (i + 1));
        const tmp = a[i];
        a[i] = a[j];
        a[j] = tmp;
      }
      return a;
    },
    state() {
      return Array.from(st);
    },
  };
}
