// technology { preset = … }: the preset supplies every value, written settings override it, an
// unknown name is OPT2020 with a suggestion, and YAML and fmt agree.
import { describe, expect, it } from "vitest";
import { formatOptinc } from "../../dsl/format.ts";
import { loadSpec } from "../../dsl/load.ts";
import { TECHNOLOGY_PRESET_NAMES, TECHNOLOGY_PRESETS, technologyPreset } from "../../dsl/technology-presets.ts";
import { diag, spec } from "./helpers.ts";

function tech(body: string, file = "t.optinc", text = spec(body)) {
  const r = loadSpec(file, text);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.checked!.spec.technology;
}

describe("technology presets", () => {
  it("the four presets, with the issue's floor for foundry", () => {
    expect(TECHNOLOGY_PRESET_NAMES).toEqual(["ideal", "optimistic", "foundry", "calibrated"]);
    expect(TECHNOLOGY_PRESETS.ideal!.levels).toEqual({
      mziLossDb: 0,
      splitterImbalance: 0,
      phaseNoise: 0,
      dacBits: null,
      detectorNoise: 0,
    });
    // The examples' original block.
    expect(TECHNOLOGY_PRESETS.optimistic!.levels).toEqual({
      mziLossDb: 0.02,
      splitterImbalance: 0.002,
      phaseNoise: 0.002,
      dacBits: 12,
      detectorNoise: 0.01,
    });
    const f = TECHNOLOGY_PRESETS.foundry!.levels;
    expect(f.splitterImbalance).toBeGreaterThanOrEqual(0.02);
    expect(f.phaseNoise).toBeGreaterThanOrEqual(0.01);
    expect(f.mziLossDb).toBeGreaterThanOrEqual(0.1);
    expect(f.dacBits).toBeLessThanOrEqual(10);
    expect(f.detectorNoise).toBeGreaterThanOrEqual(0.02);
    // Calibration corrects static errors; it does not improve the DAC, the loss or the detector.
    const c = TECHNOLOGY_PRESETS.calibrated!.levels;
    expect(c.splitterImbalance).toBeLessThan(f.splitterImbalance);
    expect(c.phaseNoise).toBeLessThan(f.phaseNoise);
    expect([c.dacBits, c.mziLossDb, c.detectorNoise]).toEqual([f.dacBits, f.mziLossDb, f.detectorNoise]);
  });

  it("no block and an empty block are ideal; a preset supplies every value", () => {
    expect(tech("")).toEqual(technologyPreset("ideal"));
    expect(tech("technology { }")).toEqual(technologyPreset("ideal"));
    for (const name of TECHNOLOGY_PRESET_NAMES)
      expect(tech(`technology { preset = ${name} }`)).toEqual({ preset: name, ...TECHNOLOGY_PRESETS[name]!.levels });
  });

  it("written settings override the preset, in any order", () => {
    const a = tech("technology { preset = foundry  dac_bits = 12 bits  phase_noise = 3 mrad }");
    const b = tech("technology { phase_noise = 3 mrad  dac_bits = 12 bits  preset = foundry }");
    expect(a).toEqual(b);
    expect(a).toEqual({ ...technologyPreset("foundry")!, dacBits: 12, phaseNoise: 0.003 });
    expect(tech("technology { preset = optimistic  dac_bits = none }").dacBits).toBeNull();
    // Without a preset, settings start from ideal: the block means exactly what it writes.
    expect(tech("technology { mzi_loss = 0.1 dB }")).toEqual({ ...technologyPreset("ideal")!, mziLossDb: 0.1 });
  });

  it("an unknown preset is OPT2020 at the value, with a suggestion", () => {
    const d = diag(spec("technology { preset = fondry }"), "OPT2020");
    expect(d.message).toBe("unknown technology preset 'fondry'");
    expect(d.hint).toContain("foundry");
    expect([d.line, d.column]).toEqual([2, 23]);
    expect(diag(spec("technology { preset = zzz }"), "OPT2020").hint).toBe("presets: ideal, optimistic, foundry, calibrated");
    // A workload preset name is not a technology preset.
    expect(diag(spec("technology { preset = resnet50-cifar100 }"), "OPT2020")).toBeTruthy();
  });

  it("the YAML twin means the same, and fmt keeps the preset", () => {
    const optinc = spec("technology { preset = calibrated  detector_noise = 0.05 }", "p");
    const yaml = "aggregator: p\ntechnology: { preset: calibrated, detector_noise: 0.05 }\n";
    expect(tech("", "p.yaml", yaml)).toEqual(tech("", "p.optinc", optinc));
    const f = formatOptinc("p.optinc", optinc);
    expect(f.text).toContain("preset = calibrated");
    expect(loadSpec("p.optinc", f.text!).checked!.spec.technology).toEqual(tech("", "p.optinc", optinc));
  });
});
