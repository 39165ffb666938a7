// Error-rate math of a noisy decision: the complementary error function, the Gaussian tail
// Q(x) = ½·erfc(x/√2), its inverse, and the PAM-L symbol error rate SER = 2(1 − 1/L)·Q(d/2σ)
// (Proakis §5.2). erfc is accurate to a relative 1e-14 from x = 0 to the underflow of e^{−x²}, so a
// rate of 1e-12 or 1e-15 is stated with all its digits (docs/design/power-budget.md §3).

const SQRT_PI = Math.sqrt(Math.PI);

/**
 * erfc(x) for every real x. Below 2: 1 − erf(x), erf from the series
 * erf(x) = (2/√π)·e^{−x²}·Σ 2ⁿx^{2n+1}/(1·3·…·(2n+1)), whose terms are all positive (no cancellation;
 * erfc(2) = 4.7e-3, so the subtraction keeps 13 digits). From 2: the continued fraction
 * erfc(x) = (e^{−x²}/√π)·1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated by Lentz's method.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erfSeries(x);
  if (x > 27) return 0; // e^{−x²} underflows
  return (Math.exp(-x * x) / SQRT_PI) * continuedFraction(x);
}

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

/** 1/(x + a₁/(x + a₂/(x + …))), a_k = k/2, by the modified Lentz method. */
function continuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / f;
}

/** The Gaussian tail Q(x) = P(N(0,1) > x) = ½·erfc(x/√2). */
export function qFunction(x: number): number {
  return 0.5 * erfc(x / Math.SQRT2);
}

/** The x with Q(x) = p, 0 < p < 1 (bisection on the monotone Q, then Newton to machine precision). */
export function qInverse(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`qInverse: p must be in (0, 1), got ${p}`);
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo)); i++) {
    const mid = 0.5 * (lo + hi);
    if (qFunction(mid) > p) lo = mid;
    else hi = mid;
  }
  let x = 0.5 * (lo + hi);
  for (let i = 0; i < 3; i++) {
    const pdf = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    if (pdf === 0) break;
    // Newton on log Q: robust in the far tail.
    const q = qFunction(x);
    x -= (Math.log(p) - Math.log(q)) / (pdf / q);
  }
  return x;
}

/** PAM-L symbol error rate with equally spaced levels d apart and Gaussian noise σ: 2(1 − 1/L)·Q(d/2σ). */
export function pamSymbolErrorRate(levels: number, spacing: number, sigma: number): number {
  if (!(Number.isInteger(levels) && levels >= 2)) throw new RangeError(`pamSymbolErrorRate: levels must be an integer ≥ 2, got ${levels}`);
  return 2 * (1 - 1 / levels) * qFunction(spacing / (2 * sigma));
}

/**
 * The error rate of one decision: the probability that Gaussian noise σ carries the read across
 * either threshold beside it, Q(below/σ) + Q(above/σ), with `below` and `above` the distances to the
 * thresholds (null where there is none: the lowest and the highest level). Exact for Gaussian noise,
 * as the two events are disjoint. A negative distance (a read already on the wrong side) gives a
 * rate above ½.
 */
export function decisionErrorRate(below: number | null, above: number | null, sigma: number): number {
  if (!(sigma > 0)) return (below !== null && below < 0) || (above !== null && above < 0) ? 1 : 0;
  return (below === null ? 0 : qFunction(below / sigma)) + (above === null ? 0 : qFunction(above / sigma));
}
