// Independent cross-check: ngspice (eecircuit-engine, WebAssembly) solves each linear stage,
// written as a DC circuit whose trigonometry ngspice evaluates itself, from the EMITTED files.
// The deck is regenerated from the netlist.json on disk (and must equal the emitted .ngspice.cir);
// our simulator runs on the circuit read back from the emitted .spi.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { circuitFromPhaseTable } from "../../netlist/from-phase-table.ts";
import { emitCircuit, writeArtifactsAtomically } from "../../netlist/emit-all.ts";
import type { Circuit, PhaseTable } from "../../netlist/ir.ts";
import { readNetlistJson } from "../../netlist/json-io.ts";
import { ngspiceStageDeck, splitNgspiceDecks } from "../../netlist/ngspice.ts";
import { netlistPortSpec } from "../../netlist/propagate.ts";
import { compileCircuit } from "../../netlist/simulate.ts";
import { readSpice } from "../../netlist/spice-read.ts";
import { circuitLookup } from "../../netlist/spice-write.ts";
import { clementsStage, svdStage, table } from "./fixtures.ts";
import { ngspiceMatrix } from "./ngspice-helper.ts";

async function crossCheck(circuit: Circuit, name: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "optinc-ngspice-"));
  await writeArtifactsAtomically(dir, emitCircuit(circuit, name));
  const fromJson = readNetlistJson(readFileSync(join(dir, `${name}.netlist.json`), "utf8"), `${name}.netlist.json`);
  const fromSpi = readSpice(readFileSync(join(dir, `${name}.spi`), "utf8"), `${name}.spi`);
  const emittedDecks = splitNgspiceDecks(readFileSync(join(dir, `${name}.ngspice.cir`), "utf8"));
  const sim = compileCircuit(fromSpi);
  let worst = 0;
  expect(emittedDecks.size).toBe(sim.stageMatrices.length);
  for (const { component, matrix } of sim.stageMatrices) {
    const deck = ngspiceStageDeck(fromJson, component);
    expect(emittedDecks.get(component)).toBe(deck);
    const spec = netlistPortSpec(fromJson.netlists[component], circuitLookup(fromJson));
    const ng = await ngspiceMatrix(deck, spec.inputs.length, spec.outputs.length);
    for (let i = 0; i < matrix.rows; i++) {
      for (let j = 0; j < matrix.cols; j++) {
        const e = Math.hypot(ng.re[i][j] - matrix.re[i * matrix.cols + j], ng.im[i][j] - matrix.im[i * matrix.cols + j]);
        worst = Math.max(worst, Number.isNaN(e) ? Infinity : e);
      }
    }
  }
  return worst;
}

const meshes: [number][] = [[4], [8], [16], [32]];

describe("ngspice cross-check (eecircuit-engine)", () => {
  it.each(meshes)("Clements mesh N = %i: ngspice matches the netlist simulator to ≤ 1e-12", async (n) => {
    const t: PhaseTable = table([clementsStage(n, 1000 + n)]);
    const err = await crossCheck(circuitFromPhaseTable(t, `mesh${n}`), `mesh${n}`);
    console.log(`ngspice N=${n}: max |Δ| = ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(1e-12);
  });

  it("an SVD stage with attenuators, gain, MZI loss and coupler imbalance settings also matches", async () => {
    const c = circuitFromPhaseTable(table([svdStage(6, 77, 4, 5, 2.5)]), "svd6");
    const stage = c.netlists[Object.keys(c.netlists).find((k) => k !== c.top)!];
    stage.instances.e3_theta.settings.loss_db = 0.37;
    stage.instances.e3_ref.settings.loss_db = 0.37;
    stage.instances.e4_bsA.settings.imbalance = -0.04;
    const err = await crossCheck(c, "svd6");
    console.log(`ngspice SVD N=6: max |Δ| = ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(1e-12);
  });

  it("the comparison can fail: a perturbed phase in the deck is detected", async () => {
    const c = circuitFromPhaseTable(table([clementsStage(4, 5)]), "m4");
    const sim = compileCircuit(c).stageMatrices[0];
    const deck = ngspiceStageDeck(c, sim.component).replace(/\{cos\(([0-9.]+)\)\}/, "{cos($1+1e-9)}");
    const ng = await ngspiceMatrix(deck, 4, 4);
    let worst = 0;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) worst = Math.max(worst, Math.abs(ng.re[i][j] - sim.matrix.re[i * 4 + j]));
    expect(worst).toBeGreaterThan(1e-12);
  });
});
