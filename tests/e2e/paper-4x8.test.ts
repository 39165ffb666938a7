// The paper's trained architecture (examples/paper-4x8-trained.optinc) end to end, on the files `optinc compile` actually writes:
//  - the netlist simulator, fed the emitted netlist, reproduces exact match on all 28,561 cases;
//  - `optinc verify` passes with ideal components and fails (exit 1) under heavy phase noise;
//  - the --length-phases export stays exact when every waveguide adds its full physical phase;
//  - Debian's ngspice runs the emitted deck as written and prints every stage's matrix, equal to the
//    simulator's.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { verifyCircuit } from "../../verify/circuit/run.ts";
import { writeNetlistJson } from "../../netlist/formats/json-io.ts";
import { readSpice } from "../../netlist/formats/spice-read.ts";
import { writeSpice } from "../../netlist/formats/spice-write.ts";
import { siepicViolations } from "../netlist/siepic-conventions.ts";
import { memoryIo } from "../helpers/io.ts";
import { runNgspiceBinary } from "../netlist/ngspice-helper.ts";
import { itWith, NGSPICE } from "../netlist/tools.ts";
import { physicalCircuit } from "../netlist/physical-phase.ts";

const dir = mkdtempSync(join(tmpdir(), "optinc-paper-4x8-"));
let closing = "";
let report: {
  onn: { exactMatch: number; casesChecked: number; units: { yield: { trials: number; exactPerTrial: number[] } | null }[] };
  hardware: { mzi: number; mziUnapproximated: number; areaRatio: number };
  trainingEmulation: { runs: { finalAccuracy: number }[] } | null;
};

beforeAll(async () => {
  const io = memoryIo();
  const code = await main(["--verbose", "compile", "examples/paper-4x8-trained.optinc", "-o", dir], io);
  if (code !== 0) throw new Error(`compile failed (${code}):\n${io.err()}`);
  closing = io.err();
  report = JSON.parse(readFileSync(join(dir, "paper_4x8_trained.report.json"), "utf8"));
}, 900_000);

describe("paper-4x8 (4 workers, 8-bit PAM4), compiled", () => {
  it("report: exact match on every one of the 28,561 reduced cases, area ratio ≤ 0.393", () => {
    expect(report.onn.casesChecked).toBe(13 ** 4);
    expect(report.onn.exactMatch).toBe(1);
    expect(report.hardware.areaRatio).toBeLessThanOrEqual(0.393);
    // The closing lines of --verbose that docs/studies/examples.md quotes.
    expect([report.hardware.mzi, report.hardware.mziUnapproximated, report.hardware.areaRatio.toFixed(3)]).toEqual([5230, 19682, "0.266"]);
    const quoted = readFileSync("docs/studies/examples.md", "utf8");
    for (const line of [
      "paper_4x8_trained: exact match 100% over 28561 cases (every case of the reduced space)",
      "  MZIs 5230 vs 19682 unapproximated: area ratio 0.266",
    ]) {
      expect(closing).toContain(line);
      expect(quoted).toContain(line);
    }
    // Its technology block is ideal (all the trained design meets), so the report has no yield trials;
    // it does carry the training run through the circuit.
    expect(report.onn.units[0]!.yield).toBeNull();
    expect(report.trainingEmulation!.runs).toHaveLength(3);
  });

  it("the simulator fed the emitted netlist reproduces exact match on all 28,561 cases", () => {
    const circuit = readNetlistJson(readFileSync(join(dir, "paper_4x8_trained.netlist.json"), "utf8"));
    const v = verifyCircuit(circuit, {
      nonIdealities: {},
      trials: 0,
      seed: 1,
      minExact: 1,
      minYield: 1,
      maxCases: 1e6,
      rounding: "nearest-even",
      preprocess: true,
    });
    expect(v.nominal.cases).toBe(28_561);
    expect(v.nominal.exact).toBe(28_561);
  });

  it("round trips: the emitted .spi and .netlist.json read back to the same circuit and re-emit the same bytes; the .spi obeys the SiEPIC dialect", () => {
    const jsonText = readFileSync(join(dir, "paper_4x8_trained.netlist.json"), "utf8");
    const spiText = readFileSync(join(dir, "paper_4x8_trained.spi"), "utf8");
    const fromJson = readNetlistJson(jsonText);
    const fromSpi = readSpice(spiText, "paper_4x8_trained.spi");
    expect(fromSpi.netlists).toEqual(fromJson.netlists);
    expect(writeNetlistJson(fromJson)).toBe(jsonText);
    expect(writeSpice(fromSpi)).toBe(spiText);
    expect(siepicViolations(spiText)).toEqual([]);
  });

  it("optinc verify: exit 0 with ideal components, exit 1 under 0.5 rad phase noise", async () => {
    const ok = memoryIo();
    expect(
      await main(
        ["verify", dir, "--phase-noise", "0", "--loss-db", "0", "--imbalance", "0", "--dac-bits", "none", "--detector-noise", "0"],
        ok,
      ),
    ).toBe(0);
    const bad = memoryIo();
    expect(await main(["verify", dir, "--phase-noise", "0.5", "--trials", "3"], bad)).toBe(1);
    expect(bad.out() + bad.err()).toMatch(/exact|yield/i);
  });

  it("`optinc export --length-phases`: with the physical phase 2π·n_eff·L/λ of every exported waveguide, still exact on all 28,561 cases", async () => {
    const out = mkdtempSync(join(tmpdir(), "optinc-paper-4x8-length-"));
    expect(await main(["export", dir, "--format", "spi", "--length-phases", "-o", out], memoryIo())).toBe(0);
    const design = readNetlistJson(readFileSync(join(dir, "paper_4x8_trained.netlist.json"), "utf8"));
    const { circuit, waveguides } = physicalCircuit(design, readFileSync(join(out, "paper_4x8_trained.spi"), "utf8"), {
      neff: 2.44,
      wavelength: 1.55e-6,
    });
    expect(waveguides).toBeGreaterThan(10_000);
    const v = verifyCircuit(circuit, {
      nonIdealities: {},
      trials: 0,
      seed: 1,
      minExact: 1,
      minYield: 1,
      maxCases: 1e6,
      rounding: "nearest-even",
      preprocess: true,
    });
    expect(v.nominal.exact).toBe(28_561);
  });

  itWith(NGSPICE, "ngspice")(
    "Debian ngspice runs the emitted deck as written and prints every stage's full matrix, equal to the simulator's (≤ 1e-12)",
    () => {
      const circuit = readNetlistJson(readFileSync(join(dir, "paper_4x8_trained.netlist.json"), "utf8"));
      const stages = compileCircuit(circuit).stageMatrices;
      const run = runNgspiceBinary("paper_4x8_trained.ngspice.cir", dir);
      expect(run.status, run.stderr.slice(-2000)).toBe(0);
      let worst = 0;
      for (const { component, matrix } of stages) {
        const m = run.matrices.get(component)!;
        for (let q = 0; q < matrix.rows; q++) {
          for (let k = 0; k < matrix.cols; k++) {
            const e = Math.hypot(m.re[q]![k]! - matrix.re[q * matrix.cols + k]!, m.im[q]![k]! - matrix.im[q * matrix.cols + k]!);
            worst = Math.max(worst, Number.isNaN(e) ? Infinity : e);
          }
        }
      }
      console.log(`Debian ngspice on the ${stages.length} stages of paper-4x8: max |Δ| = ${worst.toExponential(2)}`);
      expect(run.matrices.size).toBe(stages.length);
      expect(worst).toBeLessThanOrEqual(1e-12);
    },
    600_000,
  );
});
