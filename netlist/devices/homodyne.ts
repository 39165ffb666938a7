// The regenerating activation: balanced homodyne detection against a local oscillator (LO) tapped
// from the chip's laser, a TIA, and a null-biased Mach-Zehnder modulator (MZM) that writes the
// result onto fresh CW light from the same laser (../shared/reference/power-budget.md §5). It is the
// only device here that sees a field's sign: the balanced photocurrent is linear in Re(E·LO*),
//
//   I = 2R·√(P_LO)·Re E           (E in √mW, P_LO in mW, I in mA·R units below)
//
// and the modulator restarts the light at full power, so the budget starts again at every layer.
// Noise of one read at the symbol rate, referred to the field at the detector's input:
//
//   σ_I² = i_n²·B + 2q·(R·(P_LO + P_s) + I_d)·B + RIN·10^(−CMRR/10)·(R·P_LO)²·B
//   σ_E  = σ_I / (2R·√P_LO)
//
// thermal (the TIA), shot (the LO's and the signal's), and the LO's intensity noise left after the
// balanced pair rejects it. The signal's own RIN is common to every field of the chip (one laser,
// or sources locked to it, feed every modulator and LO) and cancels in the ratiometric output
// decision to first order (docs/design/power-budget.md §2).
import type { LightBudget, Receiver, Regenerator } from "../../dsl/technology.ts";
import { ELECTRON_CHARGE, noiseBandwidthHz } from "./receiver.ts";

/** Photocurrent noise variance of one balanced homodyne read, A², as σ² = a + b·P_s (P_s in mW). */
export interface HomodyneNoise {
  /** The part that does not depend on the signal: thermal, LO shot, dark shot and residual LO RIN, A². */
  a: number;
  /** The signal's shot noise per mW, A²/mW. */
  b: number;
  /** Signal photocurrent per unit of Re E (√mW): 2R·√P_LO·1e-3, A/√mW. */
  gain: number;
}

/** The noise of a balanced homodyne read with `loMw` of LO, at the light budget's receiver and rate. */
export function homodyneNoise(light: LightBudget, loMw: number): HomodyneNoise {
  const rx: Receiver = light.receiver;
  const rg: Regenerator = light.regenerator;
  const B = noiseBandwidthHz(rx, light.symbolRateGBd);
  const R = rx.responsivityAW;
  const iN = rx.noiseDensityPaRtHz * 1e-12;
  const iLo = R * loMw * 1e-3;
  // Two photodiodes: the dark current of both.
  const dark = 2 * rx.darkCurrentNa * 1e-9;
  const a =
    iN * iN * B + 2 * ELECTRON_CHARGE * (iLo + dark) * B + 10 ** (light.laser.rinDbHz / 10) * 10 ** (-rg.cmrrDb / 10) * iLo * iLo * B;
  return { a, b: 2 * ELECTRON_CHARGE * R * 1e-3 * B, gain: 2 * R * Math.sqrt(loMw) * 1e-3 };
}

/**
 * The LO power that maximizes a read's Q, mW: the signal grows as √P_LO, the LO's shot noise as
 * √P_LO and its residual intensity noise as P_LO, so Q² ∝ P_LO / (thermal + shot·P_LO + rin·P_LO²)
 * peaks at P_LO = √(thermal / rin), where the residual RIN equals the thermal noise.
 */
export function optimumLoMw(light: LightBudget): number {
  const rx = light.receiver;
  const iN = rx.noiseDensityPaRtHz * 1e-12;
  const rin = 10 ** (light.laser.rinDbHz / 10) * 10 ** (-light.regenerator.cmrrDb / 10) * (rx.responsivityAW * 1e-3) ** 2;
  return Math.sqrt((iN * iN) / rin);
}

/** σ of the field a homodyne read adds at its input, √mW, for a signal of `signalMw`. */
export function homodyneFieldSigma(n: HomodyneNoise, signalMw: number): number {
  return Math.sqrt(n.a + n.b * signalMw) / n.gain;
}

/** The full-scale power a regenerator's modulator writes from `tapMw` of CW light, mW. */
export function modulatorFullScaleMw(rg: Regenerator, tapMw: number): number {
  return tapMw * 10 ** (-rg.modulatorLossDb / 10);
}

/**
 * How many taps of `tapMw` one laser of `laserMw` feeds through a split tree after the facet: a tree
 * of depth d has up to 2^d leaves and costs `splitExcessDb` per level on every path (its couplers may
 * split unevenly, so any leaf count up to 2^d is one tree). 0 when not even one tap.
 */
export function tapsPerSource(light: LightBudget, laserMw: number, tapMw: number): number {
  const inChip = laserMw * 10 ** (-light.facetLossDb / 10);
  let best = 0;
  for (let depth = 0; depth <= 40; depth++) {
    const fits = Math.floor((inChip * 10 ** ((-light.regenerator.splitExcessDb * depth) / 10)) / tapMw);
    best = Math.max(best, Math.min(2 ** depth, fits));
    if (fits < 2 ** depth) break;
  }
  return best;
}
