// The technology vocabulary: the non-idealities of a fabricated chip under the spec's public names
// (the `technology { … }` block, docs/reference/language.md). Every room says them this way: the spec, the
// simulator and its dies (netlist/), verify's yield and tolerance analysis, the CLI's flags. The
// named values live in one table (technology-presets.ts); a die is drawn at them in netlist/die/die.ts.
// This module imports nothing, so netlist/ may import it (tests/architecture/layers.ts).

/** The five numbers of a technology. */
export interface Technology {
  /** Insertion loss per MZI, dB: amplitude 10^(−dB/20) on both arms of every MZI (and each attenuator). */
  mziLossDb: number;
  /** Coupler power coupling deviates from its nominal value by ±this (sign drawn per coupler, per die). */
  splitterImbalance: number;
  /** Gaussian static phase error σ per phase shifter, rad (one draw per shifter per die). */
  phaseNoise: number;
  /** Phase DAC resolution, bits: phases snap to multiples of 2π/2^bits (null = ideal continuous phases). */
  dacBits: number | null;
  /** Gaussian detector noise σ, in units of one quantization step of the output amplitude, added before thresholding. */
  detectorNoise: number;
  /**
   * Gaussian spread σ of the insertion loss of each MZI arm around mziLossDb, dB (one draw per arm
   * per die; the total is kept ≥ 0). Absent or 0: every MZI has exactly mziLossDb.
   */
  lossSpreadDb?: number;
}

/** The static levels a die is drawn at (netlist/die/die.ts): what stays fixed on one fabricated chip. */
export type DieLevels = Partial<Pick<Technology, "splitterImbalance" | "phaseNoise" | "mziLossDb" | "lossSpreadDb">>;

/**
 * The one conversion from a technology block (the spec's, a report's, a preset's, or one assembled
 * from CLI flags) to a full technology: a missing number is 0, a missing DAC none; `preset` and
 * anything else is dropped.
 */
export function technologyOf(block: Partial<Technology>): Technology {
  return {
    phaseNoise: block.phaseNoise ?? 0,
    mziLossDb: block.mziLossDb ?? 0,
    splitterImbalance: block.splitterImbalance ?? 0,
    dacBits: block.dacBits ?? null,
    detectorNoise: block.detectorNoise ?? 0,
    ...(block.lossSpreadDb ? { lossSpreadDb: block.lossSpreadDb } : {}),
  };
}

/** The static levels of a technology (what a die is drawn at). */
export function dieLevels(t: Partial<Technology>): DieLevels {
  return {
    splitterImbalance: t.splitterImbalance ?? 0,
    phaseNoise: t.phaseNoise ?? 0,
    mziLossDb: t.mziLossDb ?? 0,
    ...(t.lossSpreadDb ? { lossSpreadDb: t.lossSpreadDb } : {}),
  };
}

export interface IdealQuestion {
  /** Does detector noise count? "ignore" asks only about the chip itself (the die and its DAC). */
  detector: "include" | "ignore";
}

/** Is the technology ideal: no loss, imbalance, phase error or DAC (and, when included, no detector noise)? */
export function isIdeal(t: Partial<Technology>, q: IdealQuestion): boolean {
  return (
    !t.mziLossDb && !t.lossSpreadDb && !t.splitterImbalance && !t.phaseNoise && !t.dacBits && (q.detector === "ignore" || !t.detectorNoise)
  );
}

/** Throws a RangeError naming the first value outside its range (every number ≥ 0, imbalance ≤ 0.5, DAC 1..52 bits or null). */
export function validateTechnology(t: Partial<Technology>): void {
  for (const k of ["mziLossDb", "lossSpreadDb", "splitterImbalance", "phaseNoise", "detectorNoise"] as const) {
    const v = t[k];
    if (v !== undefined && v !== null && !(typeof v === "number" && Number.isFinite(v) && v >= 0)) {
      throw new RangeError(`non-ideality ${k} must be a finite number ≥ 0, got ${String(v)}`);
    }
  }
  if (t.dacBits != null && !(Number.isInteger(t.dacBits) && t.dacBits >= 1 && t.dacBits <= 52)) {
    throw new RangeError(`dacBits must be an integer in 1..52 or null, got ${t.dacBits}`);
  }
  if ((t.splitterImbalance ?? 0) > 0.5) throw new RangeError(`splitterImbalance ${t.splitterImbalance} exceeds 0.5`);
}
