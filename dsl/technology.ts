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
  /**
   * The physical budget of light (sources, receivers, symbol rate). Absent: none is computed, and
   * detector noise is `detectorNoise`, a fixed fraction of a step.
   */
  light?: LightBudget;
}

/**
 * A laser source: what one source (a worker's modulator, a bias source, a regenerated input's
 * modulator) emits, and its noise. Values and their sources: the presets (technology-presets.ts)
 * and docs/design/power-budget.md.
 */
export interface LaserSource {
  /** Optical power the source emits at its full-scale level, mW (before the fibre facet). */
  powerMw: number;
  /** Relative intensity noise, dB/Hz (−136 is the IEEE 400GBASE-DR4 transmitter limit). */
  rinDbHz: number;
  /** Wall-plug efficiency, optical out / electrical in (0 < η ≤ 1). */
  wallPlugEfficiency: number;
}

/** A photodetector and its transimpedance amplifier, the receiver of every decision. */
export interface Receiver {
  /** Photodiode responsivity, A/W. */
  responsivityAW: number;
  /** Photodiode dark current, nA. */
  darkCurrentNa: number;
  /** TIA input-referred current noise density, pA/√Hz. */
  noiseDensityPaRtHz: number;
  /** Noise bandwidth as a fraction of the symbol rate (B = fraction × baud). */
  bandwidthFraction: number;
}

/**
 * The regenerating activation (netlist/devices/homodyne.ts): balanced homodyne detection against an
 * LO from the chip's laser, a TIA, and a null-biased MZM on fresh CW light. Every activation mode,
 * every output detector and every ingress lane is one; each modulator takes one CW tap and each
 * balanced detector one LO tap of the same power from the laser's split tree.
 */
export interface Regenerator {
  /** Insertion loss of the MZM at full transmission, dB. */
  modulatorLossDb: number;
  /** Common-mode rejection of the balanced photodiode pair against the LO's intensity noise, dB. */
  cmrrDb: number;
  /** Excess loss of one 1:2 level of the laser's split tree, dB. */
  splitExcessDb: number;
  /** Design margin between the power the target needs and the power a tap gets, dB. */
  designMarginDb: number;
}

/**
 * The link's standard optics at the chip's edges (netlist/devices/link.ts): the workers'
 * transmitters into the ingress receivers, and the result's transmitters broadcast back to the
 * workers' receivers. Powers are OMA (optical modulation amplitude), as IEEE 802.3 states PAM-4.
 */
export interface LinkOptics {
  /** Least OMA a transmitter launches, dBm. */
  txOmaDbm: number;
  /** Receiver sensitivity: the least OMA it decodes at its FEC threshold, dBm. */
  rxSensitivityOmaDbm: number;
  /** Mated connector pairs between a transmitter and a receiver. */
  connectors: number;
  /** Loss of one mated connector pair, dB. */
  connectorLossDb: number;
  /** Fibre length the budget is designed for (the standard's reach), km. */
  fibreKm: number;
  /** Fibre attenuation, dB/km. */
  fibreDbPerKm: number;
}

/**
 * The physical budget of light: symbol rate, sources, receivers and the losses outside the
 * netlist. Optional in a technology: without it nothing about power is computed, and every emitted
 * file and report is what it is without it.
 */
export interface LightBudget {
  /** Symbol rate of every decision, GBd. */
  symbolRateGBd: number;
  laser: LaserSource;
  receiver: Receiver;
  /** Fibre-to-chip coupling loss per facet, dB (every source enters the chip through one). */
  facetLossDb: number;
  /** Largest optical power one waveguide carries without nonlinear loss, mW (Si: ≈ 20–30 mW). */
  maxWaveguideMw: number;
  regenerator: Regenerator;
  link: LinkOptics;
}

/** Throws a RangeError naming the first value of a light budget outside its range. */
export function validateLightBudget(b: LightBudget): void {
  const positive: [string, number][] = [
    ["symbolRateGBd", b.symbolRateGBd],
    ["laser.powerMw", b.laser.powerMw],
    ["receiver.responsivityAW", b.receiver.responsivityAW],
    ["receiver.bandwidthFraction", b.receiver.bandwidthFraction],
    ["maxWaveguideMw", b.maxWaveguideMw],
  ];
  const nonNegative: [string, number][] = [
    ["receiver.darkCurrentNa", b.receiver.darkCurrentNa],
    ["receiver.noiseDensityPaRtHz", b.receiver.noiseDensityPaRtHz],
    ["facetLossDb", b.facetLossDb],
    ["regenerator.modulatorLossDb", b.regenerator.modulatorLossDb],
    ["regenerator.cmrrDb", b.regenerator.cmrrDb],
    ["regenerator.splitExcessDb", b.regenerator.splitExcessDb],
    ["regenerator.designMarginDb", b.regenerator.designMarginDb],
    ["link.connectors", b.link.connectors],
    ["link.connectorLossDb", b.link.connectorLossDb],
    ["link.fibreKm", b.link.fibreKm],
    ["link.fibreDbPerKm", b.link.fibreDbPerKm],
  ];
  for (const [k, v] of positive)
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`light budget ${k} must be a finite number > 0, got ${String(v)}`);
  for (const [k, v] of nonNegative)
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`light budget ${k} must be a finite number ≥ 0, got ${String(v)}`);
  if (!(Number.isFinite(b.laser.rinDbHz) && b.laser.rinDbHz < 0))
    throw new RangeError(`light budget laser.rinDbHz must be a finite number < 0 dB/Hz, got ${String(b.laser.rinDbHz)}`);
  for (const [k, v] of [
    ["link.txOmaDbm", b.link.txOmaDbm],
    ["link.rxSensitivityOmaDbm", b.link.rxSensitivityOmaDbm],
  ] as const)
    if (!Number.isFinite(v)) throw new RangeError(`light budget ${k} must be a finite number of dBm, got ${String(v)}`);
  const w = b.laser.wallPlugEfficiency;
  if (!(Number.isFinite(w) && w > 0 && w <= 1))
    throw new RangeError(`light budget laser.wallPlugEfficiency must be in (0, 1], got ${String(w)}`);
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

/** Energies per bit or per event, pJ, each with its source (../shared/reference/power-budget.md). */
export interface Sourced {
  value: number;
  source: string;
}

// The interconnect an OptINC chip is priced against, pJ per bit: the chip's energy block
// (netlist/devices/energy.ts) and the cluster's all-reduce models (system/models/energy.ts).
export const SWITCH_ASIC_PJ: Sourced = { value: 8.8, source: "Tomahawk 5, 450 W / 51.2 Tb/s [S, §6]" };
export const PLUGGABLE_PJ: Sourced = { value: 21.25, source: "800G OSFP 2×DR4, 17 W / 800 Gb/s [S, §6]" };
export const CPO_PJ: Sourced = { value: 5.5, source: "TH5 co-packaged optics [S, §6]" };
