// The error axes of a tolerance analysis and what one level on each means. Every axis maps a
// scalar level s to an operating point: static die levels (drawn as shape × level, so one trial
// at two levels is the same die scaled), a DAC resolution, and a detector-noise sigma.
import type { DieLevels, Technology } from "../../dsl/technology.ts";

/** Axis names are written in verify --json and report.json (tolerance.axes[].axis), so they keep their names. */
export type AxisName = "couplerImbalance" | "phaseError" | "mziLoss" | "dacBits" | "detectorNoise" | "technology";

export interface OperatingPoint {
  levels: DieLevels;
  dacBits: number | null;
  /** Detector noise sigma in detector steps. */
  detectorNoise: number;
}

export interface AxisDef {
  name: AxisName;
  /** Unit of the level, for tables. */
  unit: string;
  /** What varies, in words. */
  label: string;
  /** Random per trial (a die's shape), or the same for every trial. */
  random: boolean;
  /** Search range and first probe. */
  min: number;
  max: number;
  start: number;
  point(level: number): OperatingPoint;
}

const none: OperatingPoint = { levels: {}, dacBits: null, detectorNoise: 0 };

// Ranges: from far below any fab (1e-7) to the largest level the models accept (imbalance 0.5,
// phase σ of π/2, 10 dB per MZI).
export const AXES: Record<Exclude<AxisName, "dacBits" | "detectorNoise" | "technology">, AxisDef> = {
  couplerImbalance: {
    name: "couplerImbalance",
    unit: "",
    label: "coupler imbalance ±Δk",
    random: true,
    min: 1e-7,
    max: 0.5,
    start: 1e-4,
    point: (s) => ({ ...none, levels: { splitterImbalance: s } }),
  },
  phaseError: {
    name: "phaseError",
    unit: "rad",
    label: "phase error σ",
    random: true,
    min: 1e-7,
    max: Math.PI / 2,
    start: 1e-4,
    point: (s) => ({ ...none, levels: { phaseNoise: s } }),
  },
  mziLoss: {
    name: "mziLoss",
    unit: "dB",
    label: "insertion loss per MZI",
    random: false,
    min: 1e-6,
    max: 10,
    start: 1e-2,
    point: (s) => ({ ...none, levels: { mziLossDb: s } }),
  },
};

/**
 * The technology scaled jointly: static levels and detector noise × s, the DAC as given. With
 * `fixedLoss` the nominal MZI loss is not scaled: a closed-form cell's biases are set for it or
 * track it (compiler/cells/cell-circuit.ts), so it is the operating point, not an error, and scaling
 * it toward zero would move every cell away from it (the loss axis alone sweeps it). Its random part,
 * the per-arm loss spread, is scaled. A trained network compensates nothing: its loss scales too.
 */
export function technologyAxis(t: Technology, fixedLoss = false): AxisDef {
  return {
    name: "technology",
    unit: "×",
    label: "technology scaled",
    random: Boolean(t.splitterImbalance || t.phaseNoise || t.detectorNoise || t.lossSpreadDb),
    min: 1e-5,
    // Not beyond the models' ranges on any axis (imbalance 0.5, phase σ π/2, 10 dB per MZI).
    max: Math.min(
      1e4,
      t.splitterImbalance ? 0.5 / t.splitterImbalance : Infinity,
      t.phaseNoise ? Math.PI / 2 / t.phaseNoise : Infinity,
      t.mziLossDb && !fixedLoss ? 10 / t.mziLossDb : Infinity,
      t.lossSpreadDb ? 10 / t.lossSpreadDb : Infinity,
    ),
    start: 0.1,
    point: (s) => ({
      levels: {
        splitterImbalance: s * t.splitterImbalance,
        phaseNoise: s * t.phaseNoise,
        mziLossDb: fixedLoss ? t.mziLossDb : s * t.mziLossDb,
        ...(t.lossSpreadDb ? { lossSpreadDb: s * t.lossSpreadDb } : {}),
      },
      dacBits: t.dacBits,
      detectorNoise: s * t.detectorNoise,
    }),
  };
}

/** DAC resolutions searched (the spec language accepts 1..24 bits). */
export const DAC_RANGE = { min: 1, max: 24 } as const;
