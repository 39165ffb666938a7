// Technology presets, the one table of named technologies (dsl/technology.ts names the numbers):
// `technology { preset = … }`, `optinc verify --technology` and `optinc die --technology`. Every
// number states where it comes from; docs/design/robustness.md §3 gives the argument
// with links. Settings written in the block override the preset's values.
import type { TechnologySpec } from "./spec.ts";
import type { LightBudget, Technology } from "./technology.ts";

export interface TechnologyPreset {
  levels: Technology;
  /** One line for the docs table. */
  summary: string;
  /**
   * The preset's physical budget of light (`optinc verify --power`). Kept apart from `levels`: a
   * spec that names the preset and the reports written from it do not carry it.
   */
  light?: LightBudget;
}

// Sourced figures of ../shared/reference/power-budget.md ([S] sourced, [I] inferred there), one
// line each; docs/design/power-budget.md states them with their sources.
// - 53.125 GBd: the 400GBASE-DR4 lane (802.3bs cl. 124) [S, §1.1].
// - Receiver, product grade: Ge PD 0.8 A/W (Li 2020: 0.82 A/W typical) [S, §1.3]; dark current
//   1.6 nA (5 mA/cm² on 32 µm²) [I, §1.3]; TIA 15 pA/√Hz, inside the measured 12.5–17.25 [S, §1.4];
//   noise bandwidth ½ baud [I, §1.6].
// - Receiver, best device: 0.95 A/W and 1.3 nA (Shi 2024) [S, §1.3]; 12.5 pA/√Hz (Cao 2024) [S, §1.4].
// - Laser RIN: −136 dB/Hz, the DR4/FR4/DR8 transmitter limit [S, §1.5]; −150 dB/Hz, the low end of a
//   DFB's −150…−160 [S, §1.5].
// - Laser power 25 mW per source: a DFB array channel for optical I/O (> 25 mW, Nie 2025) [S, §2].
// - Wall-plug efficiency 20 %: an ASSUMPTION, the usual modelling constant (20–25 %); no measured
//   DFB figure was found [I, §2].
// - Facet: edge coupler < 1.52 dB (Wan 2025) [S, §2], 1.5 dB; best: grating −0.69 dB [S, §2], 0.7 dB.
// - 20 mW per Si waveguide: the low end of the ≈ 20–30 mW ceiling from two-photon and free-carrier
//   absorption [I, §2].
// - Regenerator (every activation, output detector and ingress lane): MZM insertion loss 6 dB, an
//   ASSUMPTION (a Si depletion MZM's 3–5 dB plus a drive short of full swing; swept in
//   docs/studies/power-budget.md); balanced-pair CMRR 25 dB, an ASSUMPTION (20–30 dB is the usual
//   range of a Ge balanced pair); 0.2 dB excess per 1:2 level of the laser's split tree, inside the
//   0.1–0.3 dB of a 1×N tree [I, §3]; a 3 dB design margin between the power the target needs and
//   the tap a laser delivers, an ASSUMPTION.
// - Link optics at the chip's edges, 400GBASE-DR4 (802.3bs cl. 124): transmitter OMAouter at least
//   −0.8 dBm and receiver sensitivity −4.4 dBm OMAouter at the KP4 FEC threshold (2.4e-4) [S, §1.1];
//   500 m reach [S, 802.3bs]; two mated connector pairs of at most 0.75 dB (ANSI/TIA-568.3-D) [S];
//   single-mode fibre at 0.4 dB/km at 1310 nm (ITU-T G.652.D) [S].
const DR4_OPTICS = { txOmaDbm: -0.8, rxSensitivityOmaDbm: -4.4, connectors: 2, connectorLossDb: 0.75, fibreKm: 0.5, fibreDbPerKm: 0.4 };

const PRODUCT_LIGHT: LightBudget = {
  symbolRateGBd: 53.125,
  laser: { powerMw: 25, rinDbHz: -136, wallPlugEfficiency: 0.2 },
  receiver: { responsivityAW: 0.8, darkCurrentNa: 1.6, noiseDensityPaRtHz: 15, bandwidthFraction: 0.5 },
  facetLossDb: 1.5,
  maxWaveguideMw: 20,
  regenerator: { modulatorLossDb: 6, cmrrDb: 25, splitExcessDb: 0.2, designMarginDb: 3 },
  link: DR4_OPTICS,
};

const BEST_LIGHT: LightBudget = {
  ...PRODUCT_LIGHT,
  laser: { ...PRODUCT_LIGHT.laser, rinDbHz: -150 },
  receiver: { ...PRODUCT_LIGHT.receiver, responsivityAW: 0.95, darkCurrentNa: 1.3, noiseDensityPaRtHz: 12.5 },
  facetLossDb: 0.7,
};

export const TECHNOLOGY_PRESETS: Record<string, TechnologyPreset> = {
  ideal: {
    levels: { mziLossDb: 0, splitterImbalance: 0, phaseNoise: 0, dacBits: null, detectorNoise: 0 },
    summary: "Lossless, exact components: the compiler's own model.",
  },
  // ±0.002 is a 0.035 dB splitter; a 12-bit DAC rounds phases by up to π/4096 ≈ 0.8 mrad.
  optimistic: {
    levels: { mziLossDb: 0.02, splitterImbalance: 0.002, phaseNoise: 0.002, dacBits: 12, detectorNoise: 0.01 },
    summary: "A very good process: splitters ±0.002 (≈ 0.035 dB), 2 mrad, 12-bit DAC.",
    light: BEST_LIGHT,
  },
  // A die as fabricated and programmed from a lookup table, nothing measured:
  // - couplers ±2 %: the low end of σ = 2–6 % measured on foundry arbitrary-ratio splitters
  //   (preprints.org 202310.1199); a 0.2 dB 2×2 MMI is already ±0.0115;
  // - phase σ = 10 mrad: static programming error of a shifter set from a lookup table;
  // - 0.1 dB per MZI insertion loss; a 10-bit phase DAC (rounding ≤ π/1024 ≈ 3.1 mrad);
  // - detector noise σ = 0.02 of a decision step;
  // - loss spread σ 0.02 dB per MZI arm around the 0.1 dB: an ASSUMPTION (20 % of the nominal loss,
  //   no measured per-MZI loss distribution is cited here); loss-tracking cells cancel the common
  //   part of the loss, only this spread remains.
  foundry: {
    levels: { mziLossDb: 0.1, splitterImbalance: 0.02, phaseNoise: 0.01, dacBits: 10, detectorNoise: 0.02, lossSpreadDb: 0.02 },
    summary: "As fabricated: couplers ±2 %, phase σ 10 mrad, 0.1 dB/MZI (σ 0.02 dB per arm, assumed), 10-bit DAC, detector σ 0.02 step.",
    light: PRODUCT_LIGHT,
  },
  // The same die after per-die measurement and correction:
  // - couplers ±0.001: local correction re-solves each MZI's phases for its measured splitters
  //   (Bandyopadhyay et al., Optica 2021; Hamerly et al., Nat. Commun. 2022): small errors vanish,
  //   large ones shrink quadratically, (0.02)² = 4·10⁻⁴, rounded up for the measurement itself;
  // - phase σ 1 mrad: encoder/decoder offset calibration removes > 90 % of static phase error
  //   (Carstensen, arXiv 2602.18299), 10 mrad → 1 mrad;
  // - loss (and its spread, an assumption), DAC and detector are hardware: unchanged from foundry.
  calibrated: {
    levels: { mziLossDb: 0.1, splitterImbalance: 0.001, phaseNoise: 0.001, dacBits: 10, detectorNoise: 0.02, lossSpreadDb: 0.02 },
    summary: "Foundry after per-die measurement and correction: couplers ±0.001, phase σ 1 mrad; loss, DAC, detector unchanged.",
    light: PRODUCT_LIGHT,
  },
};

export const TECHNOLOGY_PRESET_NAMES = Object.keys(TECHNOLOGY_PRESETS);

export const DEFAULT_TECHNOLOGY_PRESET = "ideal";

/** The preset's technology block (a fresh copy). */
export function technologyPreset(name: string): TechnologySpec | undefined {
  const p = TECHNOLOGY_PRESETS[name];
  return p ? { preset: name, ...p.levels } : undefined;
}

/** The light budget of a power run whose technology names none: the product-grade receiver and laser. */
export const DEFAULT_LIGHT_PRESET = "foundry";

/** A preset's light budget (a fresh copy), or undefined when it has none (`ideal`). */
export function lightBudgetOf(name: string): LightBudget | undefined {
  const l = TECHNOLOGY_PRESETS[name]?.light;
  return l
    ? { ...l, laser: { ...l.laser }, receiver: { ...l.receiver }, regenerator: { ...l.regenerator }, link: { ...l.link } }
    : undefined;
}
