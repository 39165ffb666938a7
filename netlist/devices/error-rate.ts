// Error-rate math of a noisy decision: the PAM-L symbol error rate SER = 2(1 − 1/L)·Q(d/2σ)
// (Proakis §5.2) and a decision's rate from its margins, on the Gaussian tail Q of math/normal.ts,
// accurate enough that a rate of 1e-12 or 1e-15 is stated with all its digits
// (docs/design/power-budget.md §3).

import { normalTail } from "../../math/normal.ts";

/** PAM-L symbol error rate with equally spaced levels d apart and Gaussian noise σ: 2(1 − 1/L)·Q(d/2σ). */
export function pamSymbolErrorRate(levels: number, spacing: number, sigma: number): number {
  if (!(Number.isInteger(levels) && levels >= 2)) throw new RangeError(`pamSymbolErrorRate: levels must be an integer ≥ 2, got ${levels}`);
  return 2 * (1 - 1 / levels) * normalTail(spacing / (2 * sigma));
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
  return (below === null ? 0 : normalTail(below / sigma)) + (above === null ? 0 : normalTail(above / sigma));
}
