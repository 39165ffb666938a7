// The closed-form route (the default) emits one circuit per distinct digit cell. For every bundled
// example, every cell's files meet the same bar as the trained route's: its `.spi` and `_main.spi`
// (as emitted and with --length-phases) load as simphony 0.6.1 reads them; under the physical
// waveguide model its length export stays exact over the cell's whole input space; Debian's ngspice
// runs its `.ngspice.cir` as written and prints every stage's matrix, equal to the simulator's; its
// port map lists every modulated input, bias source and output digit.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { it } from "vitest";
import { compiledExample } from "../helpers/examples.ts";
import { emitCircuit } from "../../netlist/formats/emit-all.ts";
import { commitFiles } from "../../cli/files/commit.ts";
import type { PortMap } from "../../netlist/ir.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { verifyCellCircuit } from "../../verify/cells/cell-verify.ts";
import { runNgspiceBinary } from "./ngspice-helper.ts";
import { physicalCircuit } from "./physical-phase.ts";
import { checkSimphonyView } from "./simphony-view.ts";
import { itWith, NGSPICE } from "./tools.ts";

const EXAMPLES = ["paper-4x8", "eight-workers", "paper-4x16", "cluster-16"];

describe.each(EXAMPLES)("closed-form cells of examples/%s", (ex) => {
  const r = compiledExample(ex);
  const designs = r.report.cells.map((c) => c.design);

  it("every cell's .spi and _main.spi, as emitted and with --length-phases, load as simphony reads them; its port map is complete", () => {
    expect(designs.length).toBeGreaterThan(1);
    for (const d of designs) {
      const circuit = readNetlistJson(r.files.get(`${d}.netlist.json`)!);
      checkSimphonyView(r.files, d, circuit, false);
      checkSimphonyView(emitCircuit(circuit, d, { spice: { phases: "length" } }, ["spi"]), d, circuit, true);
      const map = JSON.parse(r.files.get(`${d}.ports.json`)!) as PortMap;
      const top = circuit.netlists[circuit.top];
      expect(map.inputs.filter((i) => i.kind === "cell-port" && i.weight !== undefined && i.carries?.length).length).toBe(
        Object.keys(top.ports).filter((p) => p.startsWith("in")).length,
      );
      expect(map.inputs.filter((i) => i.kind === "bias").length).toBe(
        Object.values(top.instances).filter((i) => i.component === "bias_source").length,
      );
      expect(map.outputs.every((o) => o.kind === "cell-output" && o.carries?.length)).toBe(true);
      expect(map.detectors).toHaveLength(1);
    }
  });

  it("under the physical waveguide model (2π·n_eff·L/λ), every cell's length export is exact over its whole input space", () => {
    for (const d of designs) {
      const design = readNetlistJson(r.files.get(`${d}.netlist.json`)!);
      const spi = emitCircuit(design, d, { spice: { phases: "length" } }, ["spi"]).get(`${d}.spi`)!;
      const check = verifyCellCircuit(physicalCircuit(design, spi, { neff: 2.44, wavelength: 1.55e-6 }).circuit);
      expect(check.exact, d).toBe(check.cases);
    }
  });

  itWith(NGSPICE, "ngspice")("Debian ngspice runs every cell's deck as written; its matrices equal the simulator's (≤ 1e-12)", async () => {
    const dir = mkdtempSync(join(tmpdir(), `optinc-cf-${ex}-`));
    commitFiles(dir, new Map([...r.files].filter(([f]) => f.endsWith(".ngspice.cir"))));
    let worst = 0;
    let entries = 0;
    for (const d of designs) {
      const run = runNgspiceBinary(`${d}.ngspice.cir`, dir);
      expect(run.status, `${d}: ${run.stderr.slice(-500)}`).toBe(0);
      for (const { component, matrix } of compileCircuit(readNetlistJson(r.files.get(`${d}.netlist.json`)!)).stageMatrices) {
        const m = run.matrices.get(component)!;
        for (let q = 0; q < matrix.rows; q++) {
          for (let k = 0; k < matrix.cols; k++) {
            const e = Math.hypot(m.re[q]![k]! - matrix.re[q * matrix.cols + k]!, m.im[q]![k]! - matrix.im[q * matrix.cols + k]!);
            worst = Math.max(worst, Number.isNaN(e) ? Infinity : e);
            entries++;
          }
        }
      }
    }
    console.log(`${ex}: Debian ngspice on ${designs.length} cell decks, ${entries} matrix entries, max |Δ| = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-12);
  });
});

describe("closed-form report.html", () => {
  it("shows the port map of every cell design", async () => {
    const { closedFormHtml } = await import("../../pipeline/report/closed-form-html.ts");
    const r = compiledExample("paper-4x8");
    const html = closedFormHtml(r.report, r);
    expect(html).toContain("<h2>Port map</h2>");
    for (const c of r.report.cells) expect(html).toContain(`<div class="stage-title">${c.design}</div>`);
    expect(html).toContain("half step goes to the upper level");
  });
});
