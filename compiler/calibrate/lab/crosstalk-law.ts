// The thermal crosstalk law a lab fits from victim/aggressor pairs (docs/design/calibration.md §8.3): each
// pair gives κ = Δψ_victim / (η_aggressor · P_max) at the heaters' distance d, and the law is
// κ(d) = K·e^{−(d − 15 µm)/λ}, a least-squares line through ln |κ| against d. Pairs at one distance
// only fix κ there, not its fall: no law until a second distance is measured. The law is the heat's
// reach, so a pair read with the other sign (the victim is a phase difference of two arms, and the
// heat can reach the unheated arm more) counts by its size: dropped, a first stage's one pair at
// 40 µm flipped left no law, no modelled crosstalk and no near pairs read for the whole stage
// (crosstalk divide0 die 18: a dim entry's scan 0.30 rad off, docs/design/calibration.md §8.3).
import type { CrosstalkLaw } from "../../../netlist/die/heaters.ts";

export interface CrosstalkPair {
  /** Distance between victim and aggressor, µm. */
  d: number;
  kappa: number;
}

/** `signed`: only pairs read positive count, the rule before (a planted fault, LabSetup.lawMagnitude false). */
export function fitCrosstalkLaw(pairs: CrosstalkPair[], signed = false): CrosstalkLaw | null {
  const pts = pairs.map((p) => ({ d: p.d, kappa: signed ? p.kappa : Math.abs(p.kappa) })).filter((p) => p.kappa > 1e-5);
  if (pts.length < 2) return null;
  const n = pts.length;
  const mx = pts.reduce((a, p) => a + p.d, 0) / n;
  const my = pts.reduce((a, p) => a + Math.log(p.kappa), 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of pts) {
    sxy += (p.d - mx) * (Math.log(p.kappa) - my);
    sxx += (p.d - mx) ** 2;
  }
  if (!(sxx > 0) || !(sxy < 0)) return null;
  const slope = sxy / sxx;
  const kappa = Math.exp(my + (15 - mx) * slope);
  return { kappa, atUm: 15, decayUm: -1 / slope, cutoff: Math.min(1e-5, kappa / 10) };
}
