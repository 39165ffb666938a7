// The technology vocabulary (dsl/technology.ts): one conversion from a technology block, one ideal
// test whose detector question is explicit, one validation.
import { describe, expect, it } from "vitest";
import { dieLevels, isIdeal, technologyOf, validateTechnology } from "../../dsl/technology.ts";
import { TECHNOLOGY_PRESET_NAMES, technologyPreset } from "../../dsl/technology-presets.ts";

describe("technology vocabulary", () => {
  it("technologyOf fills what a block leaves out (0, no DAC) and drops the preset name", () => {
    expect(technologyOf({})).toEqual({ phaseNoise: 0, mziLossDb: 0, splitterImbalance: 0, dacBits: null, detectorNoise: 0 });
    const foundry = technologyPreset("foundry")!;
    expect(technologyOf(foundry)).toEqual({
      phaseNoise: 0.01,
      mziLossDb: 0.1,
      splitterImbalance: 0.02,
      dacBits: 10,
      detectorNoise: 0.02,
      lossSpreadDb: 0.02,
    });
    expect("preset" in technologyOf(foundry)).toBe(false);
    expect(dieLevels(foundry)).toEqual({ splitterImbalance: 0.02, phaseNoise: 0.01, mziLossDb: 0.1, lossSpreadDb: 0.02 });
  });

  it("isIdeal: every number counts, detector noise only when the question includes it", () => {
    expect(isIdeal({}, { detector: "include" })).toBe(true);
    expect(isIdeal(technologyPreset("ideal")!, { detector: "include" })).toBe(true);
    for (const name of TECHNOLOGY_PRESET_NAMES.filter((n) => n !== "ideal"))
      expect(isIdeal(technologyPreset(name)!, { detector: "ignore" }), name).toBe(false);
    for (const k of ["mziLossDb", "lossSpreadDb", "splitterImbalance", "phaseNoise", "dacBits"] as const) {
      expect(isIdeal({ [k]: 1 }, { detector: "include" }), k).toBe(false);
      expect(isIdeal({ [k]: 1 }, { detector: "ignore" }), k).toBe(false);
    }
    expect(isIdeal({ detectorNoise: 0.1 }, { detector: "include" })).toBe(false);
    expect(isIdeal({ detectorNoise: 0.1 }, { detector: "ignore" })).toBe(true);
  });

  it("validateTechnology names the value out of range", () => {
    expect(() => validateTechnology(technologyPreset("foundry")!)).not.toThrow();
    expect(() => validateTechnology({ phaseNoise: -1 })).toThrow(/phaseNoise must be a finite number ≥ 0/);
    expect(() => validateTechnology({ splitterImbalance: 0.6 })).toThrow(/exceeds 0.5/);
    expect(() => validateTechnology({ dacBits: 0 })).toThrow(/dacBits must be an integer in 1..52/);
  });
});
