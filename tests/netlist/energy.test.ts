// The energy model (netlist/devices/energy.ts, verify/power/energy.ts): totals recomputed from their
// terms, a dropped term caught, holding power by shifter technology, the electrical alternatives.
import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import {
  breakdownConsistent,
  CPO_PJ,
  electricalIncPj,
  laneBitRate,
  PLUGGABLE_PJ,
  ringAllReducePj,
  SHIFTERS,
  shifterHoldMw,
  shifterMeanLossDb,
  SWITCH_ASIC_PJ,
  totalWatts,
  type EnergyTerm,
} from "../../netlist/devices/energy.ts";
import { loadCircuits } from "../../verify/circuit/load.ts";
import { chipDigits } from "../../pipeline/verify/power.ts";
import { readCellLight } from "../../verify/power/budget.ts";
import { chipEnergy } from "../../verify/power/energy.ts";
import { lightBudgetOf } from "../../dsl/technology-presets.ts";

describe("shifter holding power", () => {
  it("thermo-optic draws P_π × φ/π per shifter; the others a fixed hold", () => {
    const t = SHIFTERS["thermo-optic"];
    expect(shifterHoldMw(t, [Math.PI])).toBeCloseTo(24.77, 12);
    expect(shifterHoldMw(t, [Math.PI / 2, 3 * Math.PI])).toBeCloseTo(24.77 * 1.5, 12);
    expect(shifterHoldMw(t, [-Math.PI / 2])).toBeCloseTo(24.77 * 1.5, 12);
    expect(shifterHoldMw(SHIFTERS.piezo, [0, 1, 2])).toBeCloseTo(3 * 20e-6, 15);
    expect(shifterHoldMw(SHIFTERS.mems, [1, 2])).toBe(0);
    expect(shifterHoldMw(SHIFTERS.pcm, [1, 2])).toBe(0);
  });
  it("PCM's loss scales with the phase held (0.3 dB/π)", () => {
    expect(shifterMeanLossDb(SHIFTERS.pcm, [Math.PI, 0])).toBeCloseTo(0.15, 12);
    expect(shifterMeanLossDb(SHIFTERS.mems, [1])).toBe(0.33);
  });
});

describe("the electrical alternatives", () => {
  it("in-network reduction: two traversals plus an ASIC pass; ring: 2(N−1)/N traversals", () => {
    expect(electricalIncPj(PLUGGABLE_PJ.value)).toBeCloseTo(2 * 21.25 + 8.8, 12);
    expect(electricalIncPj(CPO_PJ.value)).toBeCloseTo(19.8, 12);
    expect(SWITCH_ASIC_PJ.value).toBeCloseTo(450 / 51.2, 1);
    expect(PLUGGABLE_PJ.value).toBeCloseTo(17 / 0.8, 12);
    expect(ringAllReducePj(4, 21.25)).toBeCloseTo(1.5 * 21.25, 12);
    expect(ringAllReducePj(64, 5.5)).toBeCloseTo((126 / 64) * 5.5, 12);
  });
  it("a lane carries symbol rate × log2 levels", () => {
    expect(laneBitRate(53.125, 4)).toBe(106.25e9);
  });
});

describe("a chip's breakdown", () => {
  const dir = mkdtempSync(join(tmpdir(), "optinc-energy-"));
  // The quick start's spec with its flat PAM-4 cells (route = auto builds binary cells inside).
  const spec = join(dir, "flat.optinc");
  writeFileSync(spec, readFileSync("examples/paper-4x8.optinc", "utf8").replace(/^( *route *)= auto/m, "$1= closed-form"));
  execFileSync(process.execPath, [resolve("bin/optinc.mjs"), "compile", spec, "-o", join(dir, "out"), "--no-evaluate"], {
    stdio: "ignore",
  });
  const loaded = loadCircuits(join(dir, "out"));
  const light = lightBudgetOf("foundry")!;
  const cells = loaded.map((l) => ({ circuit: l.circuit, light: readCellLight(l.circuit, l.netlistPath, 0.1) }));
  const e = chipEnergy(cells, chipDigits(loaded)!, light, { sources: 245, laserMw: 25 }, { sources: 245, laserMw: 25 });

  it("counts the quick start's parts and prices its bits: N × digits in × baud × log2 L", () => {
    expect(e.parts).toMatchObject({ workers: 4, ingressLanes: 16, egressLanes: 4, shifters: 830 });
    expect(e.inputBitsPerSecond).toBe(4 * 4 * 53.125e9 * 2);
  });

  it("every total is its terms' sum, and a dropped term fails the check", () => {
    for (const t of e.technologies)
      for (const b of [t.atLaser, t.atNeeded!]) {
        expect(b.terms.map((x) => x.term)).toEqual(["lasers", "shifters", "drive", "activations", "regenerations", "ingress", "egress"]);
        expect(totalWatts(b.terms)).toBeCloseTo(b.watts, 9);
        expect(breakdownConsistent(b.terms, b, e.inputBitsPerSecond)).toBe(true);
        const dropped: EnergyTerm[] = b.terms.filter((x) => x.term !== "activations");
        expect(breakdownConsistent(dropped, b, e.inputBitsPerSecond)).toBe(false);
        for (const x of b.terms) expect(x.source.length).toBeGreaterThan(10);
      }
  });

  it("thermo-optic holds the emitted phases at 24.77 mW/π (compile's 25 mW/π figure, rescaled)", () => {
    const heaters = e.technologies.find((t) => t.shifter === "thermo-optic")!.atLaser.terms.find((x) => x.term === "shifters")!;
    expect(heaters.watts).toBeCloseTo((13.46 * 24.77) / 25, 1);
  });
});
