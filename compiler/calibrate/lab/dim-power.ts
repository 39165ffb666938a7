// More laser power where a meta-MZI fringe is dim. A row fed through upstream rows is lit with every
// entry on the way at its operating θ, so the light it gets is the product of their operating |σ|:
// cluster-16's level-2 add cells put their output stage's meta-MZI fringes at 0.04–0.5 nA, beside
// the readout's 30 pA, and the fitted relative phases were 0.2–1.4 rad off (docs/design/calibration.md §8.2).
// Lighting through brighter entries instead (bright.ts) moves which entries' phase errors the light
// carries; more power on the same entries keeps the setting and raises only the fringe.
import { realizedPhases } from "../../../netlist/die/heaters.ts";
import type { LabEngine } from "../../../netlist/lab/engine.ts";
import type { SessionState } from "./session-state.ts";
import { sweepCodes } from "./stage-physics.ts";

/** A fringe whose predicted amplitude at its monitor is below this (mW of light; ≈ 1 nA at the nominal 0.95 A/W) is dim. */
export const DIM_FRINGE_MW = 1e-6;
/** The most a lit port is given, as a multiple of the setup's laser power (16 mW from a 1 mW setting). */
export const MAX_POWER_RATIO = 16;

/** The predicted fringe amplitude at `site` while `heater` is swept (estimated die), mW. */
export function fringeAmplitude(
  state: SessionState,
  eng: LabEngine,
  powers: Float64Array,
  codes: Int32Array,
  heater: number,
  site: number,
): number {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const c of sweepCodes(state, state.setup.points)) {
    const k = Int32Array.from(codes);
    k[heater] = c;
    const p = eng.fields(realizedPhases(state.estimatedDie, k), powers, { readouts: [site] }).power[site]!;
    lo = Math.min(lo, p);
    hi = Math.max(hi, p);
  }
  return (hi - lo) / 2;
}

/** The setting's powers raised (up to MAX_POWER_RATIO) so its fringe at `site` reaches DIM_FRINGE_MW; the same powers when it does already. */
export function brightenDim(
  state: SessionState,
  eng: LabEngine,
  powers: Float64Array,
  codes: Int32Array,
  heater: number,
  site: number,
): Float64Array {
  if (state.setup.dimPower === false) return powers;
  const amp = fringeAmplitude(state, eng, powers, codes, heater, site);
  if (!(amp < DIM_FRINGE_MW)) return powers;
  const k = Math.min(MAX_POWER_RATIO, amp > 0 ? DIM_FRINGE_MW / amp : MAX_POWER_RATIO);
  return Float64Array.from(powers, (p) => p * k);
}
