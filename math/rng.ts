// Seeded, deterministic PRNG (xoshiro128**, 32-bit state words): the ONE source of randomness in
// optinc (compiler, simulator, Monte-Carlo, ring and training emulation), so every artifact and
// figure is reproducible from (input, seed). Library code never uses Math.random.

export interface Rng {
  /** Uniform in [0, 1) with 53 random bits. */
  next(): number;
  /** Standard normal (Box–Muller, no cached second value so streams stay simple). */
  normal(): number;
  /**
   * Advances the stream exactly as normal() does, without computing the value: for a caller that
   * knows no value within ±NORMAL_BOUND can change its outcome.
   */
  skipNormal(): void;
  /** Uniform integer in [0, n). */
  int(n: number): number;
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

/**
 * |normal()| never exceeds this: Box–Muller's radius sqrt(−2 ln u) is largest at the smallest
 * nonzero u next() returns, 2^−53, where it is sqrt(106 ln 2) = 8.5718; |cos| ≤ 1. The margin above
 * that covers the last-bit error of Math.log and Math.sqrt (tests/netlist/noisy-decisions.test.ts).
 */
export const NORMAL_BOUND = 8.6;

export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`rng seed must be finite, got ${seed}`);
  // Fold the seed (possibly > 2^32 or fractional) into 32 bits, then expand with splitmix.
  const folded = (Math.floor(Math.abs(seed)) ^ Math.floor(Math.abs(seed) / 2 ** 32) ^ (seed < 0 ? 0x5bd1e995 : 0)) >>> 0;
  const sm = splitmix32(folded);
  let a = sm(),
    b = sm(),
    c = sm(),
    d = sm();
  if ((a | b | c | d) === 0) a = 1;
  const u32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const next = (): number => ((u32() >>> 5) * 67108864 + (u32() >>> 6)) / 9007199254740992;
  return {
    next,
    normal(): number {
      let u = next();
      while (u === 0) u = next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    skipNormal(): void {
      while (next() === 0);
      next();
    },
    int(n: number): number {
      if (!Number.isInteger(n) || n <= 0) throw new RangeError(`rng.int needs a positive integer, got ${n}`);
      return Math.floor(next() * n);
    },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Fisher–Yates shuffle in place with a seeded generator. */
export function shuffleInPlace<T>(xs: T[] | Int32Array, rng: Rng): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = xs[i];
    xs[i] = xs[j];
    xs[j] = t as never;
  }
}
