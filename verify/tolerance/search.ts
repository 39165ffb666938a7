// The critical error level of one die: the largest level along its scaling ray (the same unit
// variates times a level, netlist/die/die.ts) at which it is still exact. Exactness is assumed to be
// monotone along the ray (exact at s ⇒ exact at every s' < s; tests/verify/tolerance check it on
// small circuits), so the answer is a bracket [lo, hi): lo verified exact, hi verified failing.
//
// The search is a safeguarded bisection in log space. An evaluation may also return a predicted
// root (the per-decision margins extrapolated linearly in the level, see trial.ts); the next probe
// then lands just below or just above it, which usually closes the bracket in 3–4 evaluations
// instead of ~10. Predictions only choose probes: lo and hi are always evaluated levels.

export interface Probe {
  exact: boolean;
  /** Estimated critical level from margins (optional). */
  predicted?: number;
}

export interface SearchOptions {
  /** First level tried. */
  start: number;
  /** Levels below `min` are not tried (a die failing there reports lo = 0); above `max` neither (lo = max). */
  min: number;
  max: number;
  /** Stop when hi / lo ≤ 1 + rtol. */
  rtol: number;
  maxEvaluations: number;
}

export interface Bracket {
  /** Largest level evaluated exact (0 when none ≥ min was). */
  lo: number;
  /** Smallest level evaluated failing (Infinity when none ≤ max was). */
  hi: number;
  evaluations: number;
}

export function criticalLevel(evaluate: (level: number) => Probe, o: SearchOptions): Bracket {
  if (!(o.min > 0 && o.max >= o.min && o.rtol > 0)) throw new RangeError(`search: need 0 < min ≤ max and rtol > 0`);
  const step = 1 + o.rtol;
  let lo = 0;
  let hi = Infinity;
  let s = Math.min(o.max, Math.max(o.min, o.start));
  let evaluations = 0;
  while (evaluations < o.maxEvaluations) {
    const r = evaluate(s);
    evaluations++;
    if (r.exact) lo = Math.max(lo, s);
    else hi = Math.min(hi, s);
    if (lo >= o.max || hi <= o.min || (lo > 0 && hi / lo <= step)) break;
    const p = r.predicted !== undefined && Number.isFinite(r.predicted) && r.predicted > 0 ? r.predicted : undefined;
    s = nextProbe(lo, hi, p, step, o);
  }
  return { lo, hi, evaluations };
}

function nextProbe(lo: number, hi: number, p: number | undefined, step: number, o: SearchOptions): number {
  const below = (x: number) => x / Math.sqrt(step);
  // Outside a bracket: ×16 per probe blind, up to ×10⁶ towards a prediction.
  if (hi === Infinity) {
    const want = p !== undefined && p > lo ? (p <= lo * step ? lo * step : below(p)) : lo * 16;
    return Math.min(o.max, Math.max(lo * step, Math.min(lo * 1e6, want)));
  }
  if (lo === 0) {
    const want = p !== undefined && p < hi ? below(p) : hi / 16;
    return Math.max(o.min, Math.min(hi / step, Math.max(hi / 1e6, want)));
  }
  // Inside [lo, hi): finish when the prediction sits within one rtol step of an end.
  if (p !== undefined && p > lo && p < hi) {
    if (p <= lo * step) return lo * step;
    if (p >= hi / step) return hi / step;
  }
  const ratio = Math.log(hi / lo);
  const at = p !== undefined && p > lo && p < hi ? Math.log(below(p) / lo) / ratio : 0.5;
  // Keep probes off the ends so a wrong prediction still shrinks the bracket geometrically.
  return lo * Math.exp(ratio * Math.min(0.9, Math.max(0.1, at)));
}

/**
 * A discrete level (DAC bits): the smallest b in [min, max] at which `exact(b)` holds, assuming
 * exactness is monotone in b (a finer grid never hurts). null when even `max` fails. The search
 * starts at `guess` and steps outwards one bit at a time, then doubles, before bisecting.
 */
export function smallestPassing(
  exact: (b: number) => boolean,
  min: number,
  max: number,
  guess = max,
): { bits: number | null; evaluations: number } {
  let evaluations = 0;
  const test = (b: number) => {
    evaluations++;
    return exact(b);
  };
  let ok: number;
  let bad: number;
  const g = Math.min(max, Math.max(min, Math.round(guess)));
  if (test(g)) {
    // Down from the guess by 1, 2, 4, … bits to the first failure (or below min).
    ok = g;
    bad = min - 1;
    for (let stride = 1; ok - stride >= min; stride *= 2) {
      if (test(ok - stride)) ok -= stride;
      else {
        bad = ok - stride;
        break;
      }
    }
  } else {
    bad = g;
    for (let stride = 1; ; stride *= 2) {
      if (bad === max) return { bits: null, evaluations };
      const b = Math.min(max, bad + stride);
      if (test(b)) {
        ok = b;
        break;
      }
      bad = b;
    }
  }
  while (ok - bad > 1) {
    const mid = Math.floor((ok + bad) / 2);
    if (test(mid)) ok = mid;
    else bad = mid;
  }
  return { bits: ok, evaluations };
}
