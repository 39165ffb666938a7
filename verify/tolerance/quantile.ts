// Yield and its 99 % point from per-trial critical levels. A trial (one die) is exact at every
// level up to its critical level x_t, so yield(level) = #{t : x_t ≥ level} / K, and the tolerance
// at yield Y is the (1 − Y) quantile of the x_t.
//
// Confidence by order statistics: the r-th smallest x_(r) lies below the true (1 − Y) quantile q
// exactly when at least r of the K trials fall below q, which has probability
// P(Binomial(K, 1 − Y) ≥ r), whatever the distribution of x (continuous). So x_(r) is a one-sided
// lower confidence bound on q at that confidence: with K = 299 and r = 1, 1 − 0.99^299 = 95.0 %.

/** P(Binomial(n, p) ≥ r). */
export function binomialTail(n: number, p: number, r: number): number {
  if (r <= 0) return 1;
  if (r > n) return 0;
  // 1 − P(X ≤ r − 1), summed in log space for stability.
  let below = 0;
  for (let k = 0; k < r; k++) below += Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
  return Math.max(0, 1 - below);
}

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) s += Math.log(n - i) - Math.log(i + 1);
  return s;
}

export interface Quantile {
  /** Target yield, e.g. 0.99. */
  yield: number;
  /** Empirical tolerance: the largest critical level still passed by ≥ yield of the trials. */
  estimate: number;
  /** One-sided lower confidence bound: x_(rank), true tolerance ≥ value with `confidence`. */
  lowerBound: { value: number; rank: number; confidence: number };
}

/** The tolerance at a yield from per-trial critical levels, with a lower bound at ≥ `confidence` when K allows. */
export function toleranceQuantile(critical: readonly number[], target = 0.99, confidence = 0.95): Quantile {
  const k = critical.length;
  if (k === 0) throw new RangeError("toleranceQuantile: no trials");
  const x = [...critical].sort((a, b) => a - b);
  const fail = 1 - target;
  // Largest x_(r) with yield(x_(r)) = (K − r + 1)/K ≥ target (ties only raise the yield).
  const r = Math.min(k, Math.floor(fail * k + 1e-9) + 1);
  let rank = 1;
  for (let q = 1; q <= k; q++) {
    if (binomialTail(k, fail, q) >= confidence) rank = q;
    else break;
  }
  return { yield: target, estimate: x[r - 1]!, lowerBound: { value: x[rank - 1]!, rank, confidence: binomialTail(k, fail, rank) } };
}

/** Fraction of trials exact at `level`. */
export function yieldAt(critical: readonly number[], level: number): number {
  return critical.length ? critical.filter((x) => x >= level).length / critical.length : 0;
}

/** The empirical yield curve: one step per distinct critical level (for charts). */
export function yieldCurve(critical: readonly number[]): { level: number; yield: number }[] {
  const x = [...new Set(critical)].sort((a, b) => a - b);
  return x.map((level) => ({ level, yield: yieldAt(critical, level) }));
}
