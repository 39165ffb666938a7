// optinc verify --tolerance and --technology, in success and error cases.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../../cli/main.ts";
import { technologyPreset } from "../../../dsl/technology-presets.ts";
import { writeNetlistJson } from "../../../netlist/formats/json-io.ts";
import type { Circuit } from "../../../netlist/ir.ts";
import { memoryIo } from "../../helpers/io.ts";
import { expectHonest } from "./honest.ts";
import { tinyCircuit } from "../circuit/tiny-pipeline.ts";
import { asCompiled, reportJson, TINY_SPEC } from "../circuit/compiled-fixture.ts";

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function outputDir(circuit: Circuit = tinyCircuit(), spec?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "optinc-tolerance-"));
  made.push(dir);
  // Dressed as compile output (identity entries and a report.json that agrees with them).
  writeFileSync(join(dir, "tiny.netlist.json"), writeNetlistJson(asCompiled(circuit)));
  if (spec) {
    const report = JSON.parse(reportJson(TINY_SPEC, ["tiny"])) as { spec: object };
    report.spec = { ...TINY_SPEC, ...(spec as object) };
    writeFileSync(join(dir, "tiny.report.json"), JSON.stringify(report));
  }
  return dir;
}

const SPEC = {
  rounding: "nearest-even",
  preprocess: "none",
  technology: { preset: "ideal", mziLossDb: 0.02, splitterImbalance: 0.002, phaseNoise: 0.002, dacBits: 12, detectorNoise: 0.01 },
  training: { seed: 4 },
};

describe("optinc verify --tolerance", () => {
  it("prints the table: every axis, the technology in effect, trials, seed and the receiver; exit 0", async () => {
    const io = memoryIo();
    expect(await main(["verify", outputDir(tinyCircuit(), SPEC), "--tolerance", "--trials", "5"], io)).toBe(0);
    const out = io.out();
    expect(out).toContain("PASS: exact 100.00%");
    expect(out).toMatch(/5 Monte-Carlo trials \(seed 4\), receiver calibrated/);
    for (const row of [
      "coupler imbalance ±Δk",
      "phase error σ",
      "insertion loss per MZI",
      "phase DAC resolution",
      "detector noise σ",
      "spec scaled",
    ])
      expect(out).toContain(row);
    expect(out).toMatch(/the design tolerates [\d.e-]+× spec at 99% yield, only 4\.9% confidence \(5 dies; 299 give 95%\)/);
    expectHonest(out); // no 99 %-yield level without the confidence 5 dies give
    expect(out).toContain("first-order bounds");
  });

  it("--json carries the whole analysis next to verify's document", async () => {
    const dir = outputDir(tinyCircuit(), SPEC);
    const io = memoryIo();
    expect(await main(["verify", dir, "--tolerance", "--trials", "4", "--no-calibrate", "--json"], io)).toBe(0);
    const doc = JSON.parse(io.out()).result;
    expect(doc.pass).toBe(true);
    const t = doc.tolerance;
    expect(t).toMatchObject({
      seed: 4,
      trials: 4,
      calibrated: false,
      yieldTarget: 0.99,
      exact: true,
      technology: { name: "spec", couplerImbalance: 0.002, dacBits: 12 },
    });
    expect(t.axes.map((a: { axis: string }) => a.axis)).toEqual([
      "couplerImbalance",
      "phaseError",
      "mziLoss",
      "dacBits",
      "detectorNoise",
      "technology",
    ]);
    const coupler = t.axes[0];
    expect(coupler.monteCarlo.critical).toHaveLength(4);
    expect(coupler.monteCarlo.tolerance).toBe(Math.min(...coupler.monteCarlo.critical));
    expect(coupler.certified.level).toBeGreaterThan(0);
    expect(coupler.certified.level).toBeLessThanOrEqual(coupler.monteCarlo.tolerance);
    expect(t.axes[1].certified.sigma99).toBeLessThan(t.axes[1].certified.level);
    // The same run again gives the same document (seeded); --receiver thresholds is what the older
    // --no-calibrate spells, and --receiver fitted is a different run.
    const again = memoryIo();
    await main(["verify", dir, "--tolerance", "--trials", "4", "--receiver", "thresholds", "--json"], again);
    expect(JSON.parse(again.out()).result.tolerance).toEqual(t);
    const fitted = memoryIo();
    await main(["verify", dir, "--tolerance", "--trials", "4", "--receiver", "fitted", "--json"], fitted);
    expect(JSON.parse(fitted.out()).result.tolerance.calibrated).toBe(true);
  });

  it("scales foundry when the technology in effect is ideal, and names a preset it equals", async () => {
    let io = memoryIo();
    expect(await main(["verify", outputDir(), "--tolerance", "--trials", "2", "--json"], io)).toBe(0);
    expect(JSON.parse(io.out()).result.tolerance.technology).toMatchObject({ name: "foundry", couplerImbalance: 0.02, phaseError: 0.01 });
    io = memoryIo();
    expect(await main(["verify", outputDir(), "--tolerance", "--trials", "2", "--technology", "optimistic", "--json"], io)).toBe(0);
    expect(JSON.parse(io.out()).result.tolerance.technology.name).toBe("optimistic");
    // An explicit flag on top of a preset is no longer that preset.
    io = memoryIo();
    expect(
      await main(["verify", outputDir(), "--tolerance", "--trials", "2", "--technology", "optimistic", "--dac-bits", "14", "--json"], io),
    ).toBe(0);
    expect(JSON.parse(io.out()).result.tolerance.technology).toMatchObject({ name: "spec", dacBits: 14, phaseError: 0.002 });
  });

  it("exits 1 when the circuit is not exact with ideal components: every tolerance is 0", async () => {
    const wrong = tinyCircuit([
      [0, 1, -1, 0, 0],
      [1, -2, 1, 1, -2],
    ]); // the two output digits swapped
    const io = memoryIo();
    expect(await main(["verify", outputDir(wrong), "--tolerance", "--trials", "2"], io)).toBe(1);
    expect(io.out()).toContain("not exact with ideal components: every tolerance is 0");
    expect(io.out()).toContain("certified: skipped (not exact with ideal components)");
  });
});

describe("optinc verify --technology", () => {
  it("runs the Monte-Carlo at a preset's levels, replacing the report's block; flags still override", async () => {
    const dir = outputDir(tinyCircuit(), SPEC);
    let io = memoryIo();
    await main(["verify", dir, "--technology", "foundry", "--trials", "3", "--json"], io);
    const f = technologyPreset("foundry")!;
    expect(JSON.parse(io.out()).result.circuits[0].trials.nonIdealities).toEqual({
      phaseNoise: f.phaseNoise,
      mziLossDb: f.mziLossDb,
      splitterImbalance: f.splitterImbalance,
      dacBits: f.dacBits,
      detectorNoise: f.detectorNoise,
      lossSpreadDb: f.lossSpreadDb,
    });
    io = memoryIo();
    await main(["verify", dir, "--technology", "calibrated", "--phase-noise", "0", "--trials", "3", "--json"], io);
    expect(JSON.parse(io.out()).result.circuits[0].trials.nonIdealities).toMatchObject({ phaseNoise: 0, splitterImbalance: 0.001 });
    io = memoryIo();
    expect(await main(["verify", dir, "--technology", "ideal"], io)).toBe(0);
    expect(io.out()).toContain("Monte-Carlo: skipped");
  });

  it("an unknown preset is a usage error (exit 2) naming the presets", async () => {
    const io = memoryIo();
    expect(await main(["verify", outputDir(), "--technology", "fondry"], io)).toBe(2);
    expect(io.err()).toContain("--technology must be one of ideal, optimistic, foundry, calibrated");
    expect(io.err()).not.toMatch(/\n\s+at /);
  });
});
