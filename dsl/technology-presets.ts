// Technology presets, the one table of named technologies (dsl/technology.ts names the numbers):
// `technology { preset = … }`, `optinc verify --technology` and `optinc die --technology`. Every
// number states where it comes from; docs/design/robustness.md §3 gives the argument
// with links. Settings written in the block override the preset's values.
import type { TechnologySpec } from "./spec.ts";
import type { Technology } from "./technology.ts";

export interface TechnologyPreset {
  levels: Technology;
  /** One line for the docs table. */
  summary: string;
}

export const TECHNOLOGY_PRESETS: Record<string, TechnologyPreset> = {
  ideal: {
    levels: { mziLossDb: 0, splitterImbalance: 0, phaseNoise: 0, dacBits: null, detectorNoise: 0 },
    summary: "Lossless, exact components: the compiler's own model.",
  },
  // The technology block every example carried before presets existed. ±0.002 is a 0.035 dB
  // splitter; a 12-bit DAC rounds phases by up to π/4096 ≈ 0.8 mrad.
  optimistic: {
    levels: { mziLossDb: 0.02, splitterImbalance: 0.002, phaseNoise: 0.002, dacBits: 12, detectorNoise: 0.01 },
    summary: "The examples' original technology block: a very good splitter (±0.002 ≈ 0.035 dB), 2 mrad, 12-bit DAC.",
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
  },
};

export const TECHNOLOGY_PRESET_NAMES = Object.keys(TECHNOLOGY_PRESETS);

export const DEFAULT_TECHNOLOGY_PRESET = "ideal";

/** The preset's technology block (a fresh copy). */
export function technologyPreset(name: string): TechnologySpec | undefined {
  const p = TECHNOLOGY_PRESETS[name];
  return p ? { preset: name, ...p.levels } : undefined;
}
