// Deterministic pseudo-random numbers for gradients and injected errors (never Math.random).
// splitmix32-style mixer: small, fast, and identical on every platform for the same seed.

export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box–Muller, one value per call). */
  normal(): number;
}

export function prng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  };
  return {
    next,
    normal() {
      const u = 1 - next(); // (0, 1]: log is finite
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}

/** N workers' gradients of `elements` fp32 values, normal with standard deviation `sigma`. */
export function syntheticGradients(workers: number, elements: number, seed: number, sigma = 1e-3): Float32Array[] {
  const rng = prng(seed);
  const out: Float32Array[] = [];
  for (let w = 0; w < workers; w++) {
    const g = new Float32Array(elements);
    for (let i = 0; i < elements; i++) g[i] = rng.normal() * sigma;
    out.push(g);
  }
  return out;
}
