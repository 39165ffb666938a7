// The static error levels `optinc die --technology <name>` draws from: the spec language's presets
// (dsl/technology-presets.ts, with their sources), read as a die's fixed errors. A die has a
// phase DAC whose gains are rad per code; the ideal preset has none, so its die gets a 16-bit one
// (rounding ≤ 0.05 mrad, far below every other preset's errors).
import type { ErrorLevels } from "../netlist/nonideal.ts";
import { TECHNOLOGY_PRESETS as SPEC_PRESETS, TECHNOLOGY_PRESET_NAMES } from "../dsl/technology-presets.ts";

export interface StaticTechnology extends ErrorLevels {
  dacBits: number;
}

const IDEAL_DIE_DAC_BITS = 16;

export const TECHNOLOGY_PRESETS: Record<string, StaticTechnology> = Object.fromEntries(
  TECHNOLOGY_PRESET_NAMES.map((name) => {
    const l = SPEC_PRESETS[name]!.levels;
    return [name, { couplerImbalance: l.splitterImbalance, phaseError: l.phaseNoise, mziLossDb: l.mziLossDb, dacBits: l.dacBits ?? IDEAL_DIE_DAC_BITS }];
  }),
);

export const TECHNOLOGY_NAMES = TECHNOLOGY_PRESET_NAMES;
