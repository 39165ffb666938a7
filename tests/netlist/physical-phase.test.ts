// `--length-phases` is physically right: with the documented waveguide model (n_eff = 2.44,
// λ = 1550 nm, full propagation phase 2π·n_eff·L/λ) the exported circuit of a compiled unit is
// exact on every case, its stage matrices equal the design's, and a wrong model (n_eff off by
// 0.5 %, or the rule that counts only the length beyond 10 µm) is caught. The compiled
// paper-4x8 is checked the same way in tests/e2e/paper-4x8.test.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { emitCircuit } from "../../netlist/formats/emit-all.ts";
import type { Circuit } from "../../netlist/ir.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { DEFAULT_LENGTH_ENCODING } from "../../netlist/formats/spice-dialect.ts";
import { verifyCircuit } from "../../verify/circuit/run.ts";
import { compiledSmallUnit } from "./compiled-unit.ts";
import { physicalCircuit } from "./physical-phase.ts";

const MODEL = { neff: 2.44, wavelength: 1.55e-6 };

function exact(c: Circuit): { exact: number; cases: number } {
  const v = verifyCircuit(c, {
    nonIdealities: {},
    trials: 0,
    seed: 1,
    minExact: 1,
    minYield: 1,
    maxCases: 1e6,
    rounding: "nearest-even",
    preprocess: false,
  });
  return { exact: v.nominal.exact, cases: v.nominal.cases };
}

describe("--length-phases under the physical waveguide model", () => {
  let design: Circuit;
  let spi: string;
  beforeAll(async () => {
    const unit = await compiledSmallUnit();
    design = readNetlistJson(readFileSync(join(unit.dir, "small.netlist.json"), "utf8"));
    spi = emitCircuit(design, "small", { spice: { phases: "length" } }, ["spi"]).get("small.spi")!;
  });

  it("the documented defaults are the model's", () => {
    expect(DEFAULT_LENGTH_ENCODING).toMatchObject(MODEL);
  });

  it("every waveguide's full propagation phase realizes its designed phase: same matrices, exact on all 256 worker inputs", () => {
    const { circuit, waveguides } = physicalCircuit(design, spi, MODEL);
    expect(waveguides).toBeGreaterThan(1000);
    const a = compileCircuit(design).stageMatrices;
    const b = compileCircuit(circuit).stageMatrices;
    let worst = 0;
    a.forEach((s, i) => {
      for (let j = 0; j < s.matrix.re.length; j++)
        worst = Math.max(worst, Math.hypot(s.matrix.re[j]! - b[i]!.matrix.re[j]!, s.matrix.im[j]! - b[i]!.matrix.im[j]!));
    });
    console.log(`physical length phases: ${waveguides} waveguides, max |Δ| of stage matrices = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-9);
    expect(exact(circuit)).toEqual({ exact: 256, cases: 256 });
  });

  it("a wrong model is caught: n_eff off by 0.5 %, or a phase counted only beyond 10 µm", () => {
    const off = physicalCircuit(design, spi, { ...MODEL, neff: MODEL.neff * 1.005 }).circuit;
    expect(exact(off).exact).toBeLessThan(256);
    // The rule the export used to follow: phase = 2π·n_eff·(L − 10 µm)/λ.
    const l0 = physicalCircuit(design, spi, MODEL).circuit;
    const shift = (2 * Math.PI * MODEL.neff * 10e-6) / MODEL.wavelength;
    for (const nl of Object.values(l0.netlists))
      for (const inst of Object.values(nl.instances))
        if (inst.component === "phase" && typeof inst.settings.phi === "number" && inst.settings.phi > 50) inst.settings.phi -= shift;
    expect(exact(l0).exact).toBeLessThan(256);
  });
});
