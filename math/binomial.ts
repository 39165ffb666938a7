// Exact binomial statistics for yields: the regularized incomplete beta function, its inverse (the
// beta quantile) and the Clopper–Pearson interval built from it. Used wherever a yield k/n or a
// quantile's confidence is printed (docs/design/robustness.md §1.4).

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error below 1e-14 over the range we use). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of I_x(a, b) (modified Lentz), valid and fast for x < (a + 1)/(a + b + 2). */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    // Even step.
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    f *= d * c;
    // Odd step.
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-15) return f;
  }
  return f;
}

/** The regularized incomplete beta function I_x(a, b) = P(Beta(a, b) ≤ x), a, b > 0. */
export function betaCdf(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`betaCdf: a = ${a} and b = ${b} must be > 0`);
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - (logGamma(a) + logGamma(b) - logGamma(a + b)));
  // The fraction converges fast on the side of the mean; use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) otherwise.
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** The p-quantile of Beta(a, b): the x with I_x(a, b) = p, by bisection to double precision (the CDF is monotone). */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`betaQuantile: p = ${p} is not in [0, 1]`);
  if (p === 0) return 0;
  if (p === 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-16; i++) {
    const mid = (lo + hi) / 2;
    if (betaCdf(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface BinomialInterval {
  k: number;
  n: number;
  /** k / n. */
  estimate: number;
  lower: number;
  upper: number;
  /** Two-sided coverage, e.g. 0.95. */
  confidence: number;
}

/**
 * The exact (Clopper–Pearson) two-sided interval for a proportion from k successes in n trials:
 * lower = Beta⁻¹(α/2; k, n − k + 1), upper = Beta⁻¹(1 − α/2; k + 1, n − k), with the ends at 0 and 1
 * when k = 0 or k = n. Its coverage is at least `confidence` for every true proportion.
 */
export function clopperPearson(k: number, n: number, confidence = 0.95): BinomialInterval {
  if (!(Number.isInteger(k) && Number.isInteger(n) && n > 0 && k >= 0 && k <= n))
    throw new RangeError(`clopperPearson: need integers 0 ≤ k ≤ n, n > 0 (k = ${k}, n = ${n})`);
  const alpha = 1 - confidence;
  return {
    k,
    n,
    estimate: k / n,
    lower: k === 0 ? 0 : betaQuantile(alpha / 2, k, n - k + 1),
    upper: k === n ? 1 : betaQuantile(1 - alpha / 2, k + 1, n - k),
    confidence,
  };
}

/**
 * Confidence that the r-th smallest of n independent draws lies at or below the p-quantile of their
 * (continuous) distribution: P(Binomial(n, p) ≥ r) = I_p(r, n − r + 1). With r = 1 it is 1 − (1 − p)^n.
 */
export function orderStatisticConfidence(n: number, p: number, r = 1): number {
  if (r <= 0) return 1;
  if (r > n) return 0;
  return betaCdf(p, r, n - r + 1);
}

/** The fewest draws whose smallest bounds the p-quantile from below at `confidence`: ⌈ln(1 − c) / ln(1 − p)⌉. */
export function drawsForConfidence(p: number, confidence: number): number {
  return Math.ceil(Math.log(1 - confidence) / Math.log1p(-p) - 1e-12);
}

/** One-sided bounds on a proportion from k of n: P(true ≥ lower) ≥ confidence, P(true ≤ upper) ≥ confidence. */
export function oneSidedBounds(k: number, n: number, confidence = 0.95): { lower: number; upper: number } {
  const i = clopperPearson(k, n, 2 * confidence - 1);
  return { lower: i.lower, upper: i.upper };
}
