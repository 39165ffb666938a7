// Decisions at the detector: how far each case's (fitted) amplitude sits from the thresholds
// of its reference digit, in detector steps. The detector rounds u = (v − offset)/step to the
// nearest level (clamped), so digit d is decided exactly when d − ½ ≤ u < d + ½, with no lower
// threshold for d = 0 and no upper one for d = L − 1.
import { normalTail } from "../../math/normal.ts";

/** Room above (must stay > 0) and below (must stay ≥ 0) before the decision flips, in steps. */
export function gaps(u: number, digit: number, levels: number): { up: number; down: number } {
  return { up: digit < levels - 1 ? digit + 0.5 - u : Infinity, down: digit > 0 ? u - (digit - 0.5) : Infinity };
}

/** Signed margin: > 0 right with room to spare, < 0 wrong. */
export function margin(u: number, digit: number, levels: number): number {
  const g = gaps(u, digit, levels);
  return Math.min(g.up, g.down);
}

/** Decision values of one copy: u per decision (cases × width) and the digit each must give. */
export interface DecisionSet {
  u: Float64Array;
  digits: Int32Array;
  levels: number;
}

/**
 * Detector noise alone, one trial: with unit normals z per decision (the trial's draws), the
 * decision sees u + σ·z, and every decision is right exactly for σ below this level.
 */
export function noiseCriticalSigma(set: DecisionSet, z: Float64Array): number {
  let crit = Infinity;
  for (let i = 0; i < set.u.length; i++) {
    const g = gaps(set.u[i]!, set.digits[i]!, set.levels);
    const zi = z[i]!;
    if (g.up <= 0 || g.down < 0) return 0;
    if (zi > 0) crit = Math.min(crit, g.up / zi);
    else if (zi < 0) crit = Math.min(crit, g.down / -zi);
  }
  return crit;
}

/** P(every decision right) under independent Gaussian noise σ (steps) per decision: exact. */
export function noiseYield(sets: readonly DecisionSet[], sigma: number): number {
  let logP = 0;
  for (const s of sets) {
    for (let i = 0; i < s.u.length; i++) {
      const g = gaps(s.u[i]!, s.digits[i]!, s.levels);
      const miss = sigma > 0 ? normalTail(g.up / sigma) + normalTail(g.down / sigma) : g.up > 0 && g.down >= 0 ? 0 : 1;
      if (miss >= 1) return 0;
      logP += Math.log1p(-miss);
    }
  }
  return Math.exp(logP);
}

/** The largest σ with noiseYield ≥ target (bisection; the yield falls with σ). */
export function noiseSigmaAt(sets: readonly DecisionSet[], target: number): number {
  if (noiseYield(sets, 0) < target) return 0;
  let lo = 0;
  let hi = 1;
  while (noiseYield(sets, hi) >= target && hi < 1e6) hi *= 2;
  for (let i = 0; i < 60 && hi - lo > 1e-6 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (noiseYield(sets, mid) >= target) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Smallest margin over decisions (steps). */
export function minMargin(set: DecisionSet): number {
  let m = Infinity;
  for (let i = 0; i < set.u.length; i++) m = Math.min(m, margin(set.u[i]!, set.digits[i]!, set.levels));
  return m;
}
