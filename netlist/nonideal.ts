// Non-idealities as the CLI and the spec's technology block name them. The static ones (coupler
// imbalance, phase error, loss) are realized per Monte-Carlo trial as a die (netlist/die.ts); the
// DAC snaps programmed phases; detector noise is drawn per sample at decode time.
import { TWO_PI, wrapPhase } from "./mzi.ts";

export interface NonIdealities {
  /** Insertion loss per MZI in dB: amplitude 10^(−dB/20), put on both arms of every MZI. */
  mziLossDb?: number;
  /** Coupler power coupling deviates from its nominal value by ±this (sign drawn per coupler, per die). */
  splitterImbalance?: number;
  /** Gaussian static phase error σ per phase shifter, rad (one draw per shifter per die). */
  phaseNoise?: number;
  /** Phase DAC resolution in bits: phases snap to multiples of 2π/2^bits (null/0 = ideal). */
  dacBits?: number | null;
  /** Gaussian detector noise sigma in units of the detector step, added before thresholding. */
  detectorNoise?: number;
}

/** Static error levels of a technology (the levels a die is drawn at). */
export interface ErrorLevels {
  /** Coupler power-coupling deviation: ±this, sign drawn per coupler. */
  couplerImbalance?: number;
  /** Gaussian static phase offset σ per phase shifter, rad. */
  phaseError?: number;
  /** Insertion loss per MZI (dB), on both arms; also on each attenuator. */
  mziLossDb?: number;
}

export function isIdeal(o: NonIdealities): boolean {
  return !o.mziLossDb && !o.splitterImbalance && !o.phaseNoise && !o.dacBits;
}

export function validateNonIdealities(o: NonIdealities): void {
  const nonneg = (k: keyof NonIdealities): void => {
    const v = o[k];
    if (v !== undefined && v !== null && !(typeof v === "number" && Number.isFinite(v) && v >= 0)) {
      throw new RangeError(`non-ideality ${k} must be a finite number ≥ 0, got ${String(v)}`);
    }
  };
  (["mziLossDb", "splitterImbalance", "phaseNoise", "detectorNoise"] as const).forEach(nonneg);
  if (o.dacBits != null && !(Number.isInteger(o.dacBits) && o.dacBits >= 1 && o.dacBits <= 52)) {
    throw new RangeError(`dacBits must be an integer in 1..52 or null, got ${o.dacBits}`);
  }
  if ((o.splitterImbalance ?? 0) > 0.5) throw new RangeError(`splitterImbalance ${o.splitterImbalance} exceeds 0.5`);
}

/** The b-bit phase DAC's code for a phase: the nearest point of the grid 2π·code/2^b, wrapped to [0, 2^b). */
export function dacCode(phi: number, bits: number): number {
  const levels = 2 ** bits;
  return Math.round((wrapPhase(phi) / TWO_PI) * levels) % levels;
}

/** Snap a phase to the b-bit DAC grid on [0, 2π): the phase of its code. The compiler's DAC tables use this too. */
export function quantizePhase(phi: number, bits: number): number {
  return (dacCode(phi, bits) * TWO_PI) / 2 ** bits;
}

/** The static error levels of a set of non-idealities (what a die is drawn at). */
export function errorLevels(o: NonIdealities): ErrorLevels {
  return { couplerImbalance: o.splitterImbalance ?? 0, phaseError: o.phaseNoise ?? 0, mziLossDb: o.mziLossDb ?? 0 };
}
