// The MZ-in setting that nulls one entry, for the two kinds of update.
// T(θ,φ) = g·[[e^{iφ}s, c], [e^{iφ}c, −s]], s = sin(θ/2), c = cos(θ/2), |g| = 1.
// θ = 2·atan2(·,·) ∈ [0, π] makes exact zeros land on exact bar/cross states. When both
// entries are already zero any setting works; we pick the bar state T(π, π) ≈ I so that,
// e.g., an identity matrix maps to a mesh of idle MZIs. "Zero" includes the ~1e-17
// leakage of earlier bar states (cos(π/2) is 6e-17 in floating point): nulling such dust
// would set θ from rounding noise. Inputs are unitary, so the threshold is absolute.
const DUST = 1e-15;
import { wrap } from "./raw.ts";

/** Input side, W·T†: row entries (u, v) in columns (k, k+1); zeroes the new entry k. */
export function nullInput(ur: number, ui: number, vr: number, vi: number): [number, number] {
  const mu = Math.hypot(ur, ui);
  const mv = Math.hypot(vr, vi);
  if (mu <= DUST && mv <= DUST) return [Math.PI, Math.PI];
  // u·e^{−iφ}·s + v·c = 0  ⇔  tan(θ/2) = |v|/|u|,  φ = arg u − arg v − π
  return [2 * Math.atan2(mv, mu), wrap(Math.atan2(ui, ur) - Math.atan2(vi, vr) - Math.PI)];
}

/** Output side, T·W: column entries (u, v) in rows (r, r+1); zeroes the new entry r+1. */
export function nullOutput(ur: number, ui: number, vr: number, vi: number): [number, number] {
  const mu = Math.hypot(ur, ui);
  const mv = Math.hypot(vr, vi);
  if (mu <= DUST && mv <= DUST) return [Math.PI, Math.PI];
  // e^{iφ}·c·u − s·v = 0  ⇔  tan(θ/2) = |u|/|v|,  φ = arg v − arg u
  return [2 * Math.atan2(mu, mv), wrap(Math.atan2(vi, vr) - Math.atan2(ui, ur))];
}
