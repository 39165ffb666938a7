// The standard normal tail Q(z) = P(N(0,1) > z), its inverse and the complementary error function,
// to double precision: a decision's error rate of 1e-12 or 1e-15 (netlist/devices/error-rate.ts)
// and detector-noise yields that multiply 10^5 decisions (verify/tolerance/decisions.ts) need the
// far tail right in relative terms (tests/netlist/devices.test.ts checks erfc against CPython's).

const SQRT_PI = Math.sqrt(Math.PI);

/** erfc(x) for x ≥ 0: power series of erf below 2.5, Lentz's continued fraction above. */
function erfcPositive(x: number): number {
  if (x < 2.5) {
    // erf(x) = 2/√π · e^{−x²} · Σ_n (2x²)^n x / (1·3·…·(2n+1)): all terms positive.
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - (2 / SQRT_PI) * Math.exp(-x * x) * sum;
  }
  // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))).
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (SQRT_PI * f);
}

/** erfc(x) for every real x (NaN for NaN). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  return x >= 0 ? erfcPositive(x) : 2 - erfcPositive(-x);
}

/** Q(z) = P(N(0,1) > z). */
export function normalTail(z: number): number {
  if (z === Infinity) return 0;
  if (z === -Infinity) return 1;
  return 0.5 * erfc(z / Math.SQRT2);
}

/** The z with Q(z) = p, 0 < p < 1 (bisection on the tail; monotone). */
export function normalTailInverse(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalTailInverse: p must lie in (0, 1), got ${p}`);
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-13; i++) {
    const mid = (lo + hi) / 2;
    if (normalTail(mid) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
