// Independent cross-check: ngspice solves each linear stage, written as a DC circuit whose
// trigonometry ngspice evaluates itself, from the EMITTED files. Fast cases run the WebAssembly
// build (eecircuit-engine) on the deck's netlist; a compiled unit runs Debian's ngspice on the
// `.ngspice.cir` exactly as written (`ngspice -b`), parsing the matrices it prints.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import { emitCircuit } from "../../netlist/formats/emit-all.ts";
import { commitFiles } from "../../cli/files/commit.ts";
import type { Circuit, PhaseTable } from "../../netlist/ir.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { linearStageNames, ngspiceDeck } from "../../netlist/formats/ngspice.ts";
import { compileCircuit, type StageMatrix } from "../../netlist/sim/simulate.ts";
import { readSpice } from "../../netlist/formats/spice-read.ts";
import { compiledSmallUnit, type CompiledUnit } from "./compiled-unit.ts";
import { clementsStage, svdStage, table } from "./fixtures.ts";
import { runNgspiceBinary, wasmStageMatrices, type Matrix } from "./ngspice-helper.ts";
import { itWith, NGSPICE } from "./tools.ts";

/** Largest |ngspice − simulator| over every entry of every stage (NaN, a missing entry, is ∞). */
function worstDiff(stages: StageMatrix[], ng: Map<string, Matrix>): number {
  let worst = 0;
  expect([...ng.keys()].sort()).toEqual(stages.map((s) => s.component).sort());
  for (const { component, matrix } of stages) {
    const m = ng.get(component)!;
    expect(m.re.length).toBe(matrix.rows);
    for (let i = 0; i < matrix.rows; i++) {
      expect(m.re[i]!.length).toBe(matrix.cols);
      for (let j = 0; j < matrix.cols; j++) {
        const e = Math.hypot(m.re[i]![j]! - matrix.re[i * matrix.cols + j]!, m.im[i]![j]! - matrix.im[i * matrix.cols + j]!);
        worst = Math.max(worst, Number.isNaN(e) ? Infinity : e);
      }
    }
  }
  return worst;
}

async function crossCheck(circuit: Circuit, name: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "optinc-ngspice-"));
  commitFiles(dir, emitCircuit(circuit, name));
  const fromJson = readNetlistJson(readFileSync(join(dir, `${name}.netlist.json`), "utf8"), `${name}.netlist.json`);
  const fromSpi = readSpice(readFileSync(join(dir, `${name}.spi`), "utf8"), `${name}.spi`);
  const deck = readFileSync(join(dir, `${name}.ngspice.cir`), "utf8");
  expect(deck).toBe(ngspiceDeck(fromJson).text);
  return worstDiff(compileCircuit(fromSpi).stageMatrices, await wasmStageMatrices(deck));
}

describe("ngspice cross-check (eecircuit-engine)", () => {
  it.each([[4], [8], [16], [32]])("Clements mesh N = %i: ngspice matches the netlist simulator to ≤ 1e-12", async (n) => {
    const t: PhaseTable = table([clementsStage(n, 1000 + n)]);
    const err = await crossCheck(circuitFromPhaseTable(t, `mesh${n}`), `mesh${n}`);
    console.log(`ngspice N=${n}: max |Δ| = ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(1e-12);
  });

  it("an SVD stage with attenuators, gain, MZI loss and coupler imbalance settings, beside a second stage, also matches", async () => {
    const c = circuitFromPhaseTable(
      table([
        svdStage(6, 77, 4, 5, 2.5),
        { name: "act", role: "activation", function: "relu", params: {}, modes: 4 },
        clementsStage(4, 9, "second"),
      ]),
      "svd6",
    );
    const stage = c.netlists[linearStageNames(c)[0]!]!;
    stage.instances.e3_theta.settings.loss_db = 0.37;
    stage.instances.e3_ref.settings.loss_db = 0.37;
    stage.instances.e4_bsA.settings.imbalance = -0.04;
    expect(linearStageNames(c)).toHaveLength(2);
    const err = await crossCheck(c, "svd6");
    console.log(`ngspice SVD N=6 + mesh 4: max |Δ| = ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(1e-12);
  });

  it("the comparison can fail: a perturbed phase in the deck is detected", async () => {
    const c = circuitFromPhaseTable(table([clementsStage(4, 5)]), "m4");
    const deck = ngspiceDeck(c).text.replace(/\{cos\(([0-9.]+)\)\}/, "{cos($1+1e-9)}");
    expect(worstDiff(compileCircuit(c).stageMatrices, await wasmStageMatrices(deck))).toBeGreaterThan(1e-12);
  });
});

describe("Debian ngspice on the emitted deck of a compiled unit, as written", () => {
  let unit: CompiledUnit;
  beforeAll(async () => {
    unit = await compiledSmallUnit();
  });

  itWith(NGSPICE, "ngspice")(
    "`ngspice -b small.ngspice.cir` exits 0 and prints every stage's full matrix, equal to the simulator's to ≤ 1e-12",
    () => {
      const run = runNgspiceBinary("small.ngspice.cir", unit.dir);
      expect(run.status, run.stderr.slice(-2000)).toBe(0);
      const circuit = readNetlistJson(readFileSync(join(unit.dir, "small.netlist.json"), "utf8"));
      const stages = compileCircuit(circuit).stageMatrices;
      expect(stages.map((s) => String(circuit.netlists[circuit.top].instances[s.instance].settings.role))).toEqual([
        "preprocess",
        "svd",
        "svd",
        "svd",
        "svd",
      ]);
      const err = worstDiff(stages, run.matrices);
      console.log(`Debian ngspice on ${stages.length} stages of the compiled unit: max |Δ| = ${err.toExponential(2)}`);
      expect(err).toBeLessThanOrEqual(1e-12);
    },
  );
});
