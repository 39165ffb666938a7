// The technology axis scales a technology as a whole. A closed-form cell's biases track the
// technology's MZI loss, so for cell chips (fixedLoss) the nominal loss is an operating point, not an
// error: the Monte-Carlo axis keeps it at its nominal value at every scale, and the certified box
// holds only the per-arm spread around it; a trained network compensates nothing, and its loss
// scales with the rest (the default).
import { describe, expect, it } from "vitest";
import { technologyAxis } from "../../../verify/tolerance/axes.ts";
import { certifyContext, technologyFamily } from "../../../verify/tolerance/certify/certify.ts";
import { technologyPreset } from "../../../dsl/technology-presets.ts";
import { technologyOf } from "../../../dsl/technology.ts";
import { tinyDesign } from "./helpers.ts";

const t = technologyOf(technologyPreset("calibrated")!);

describe("the technology axis and the loss a closed-form cell is set for", () => {
  it("fixedLoss keeps the nominal loss at every scale; the default scales it", () => {
    for (const s of [1e-3, 0.5, 3]) {
      const fixed = technologyAxis(t, true).point(s);
      const scaled = technologyAxis(t).point(s);
      expect(fixed.levels.mziLossDb).toBe(t.mziLossDb);
      expect(scaled.levels.mziLossDb).toBeCloseTo(s * t.mziLossDb, 12);
      // Everything else scales the same way in both.
      expect(fixed.levels.splitterImbalance).toBe(scaled.levels.splitterImbalance);
      expect(fixed.levels.phaseNoise).toBe(scaled.levels.phaseNoise);
      expect(fixed.detectorNoise).toBe(scaled.detectorNoise);
    }
    // The loss no longer bounds how far the fixed-loss axis may scale (10 dB per MZI / 0.1 dB).
    expect(technologyAxis(t).max).toBeLessThanOrEqual(10 / t.mziLossDb);
    expect(technologyAxis(t, true).max).toBeGreaterThan(technologyAxis(t).max);
  });

  it("the certified box follows the same rule", () => {
    const cx = certifyContext(tinyDesign(), "thresholds");
    const fixed = technologyFamily(cx, t, 0.01, true).family;
    const scaled = technologyFamily(cx, t, 0.01).family;
    // With fixedLoss the box's extra loss is the per-arm spread at the arms' coverage, scaled; the
    // nominal loss is not in it (a higher nominal loss leaves it unchanged).
    expect(t.lossSpreadDb).toBeGreaterThan(0);
    const lossier = technologyFamily(cx, { ...t, mziLossDb: 10 * t.mziLossDb }, 0.01, true).family;
    expect(fixed(1).box.loss).toBeGreaterThan(t.lossSpreadDb!);
    for (const s of [0.01, 0.3, 2]) {
      expect(fixed(s).box.loss).toBeCloseTo(s * fixed(1).box.loss, 12);
      expect(lossier(s).box.loss).toBe(fixed(s).box.loss);
      expect(scaled(s).box.loss).toBeCloseTo(s * t.mziLossDb, 12);
      expect(fixed(s).box.coupler).toBe(scaled(s).box.coupler);
    }
  });
});
