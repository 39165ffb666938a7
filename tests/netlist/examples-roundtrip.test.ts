// Round trips on every bundled example: each example's real unit structure (flat unit, digit
// slices, cascade levels) is compiled with a one-epoch training budget — these tests are about
// the backends, not accuracy — and every emitted circuit must read back from .netlist.json and
// .spi to the IR it was written from, and re-emit to the same bytes.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileSpec } from "../../pipeline/compile.ts";
import { loadSpec } from "../../dsl/load.ts";
import { circuitFromPhaseTable } from "../../netlist/from-phase-table.ts";
import { readNetlistJson, writeNetlistJson } from "../../netlist/json-io.ts";
import { readSpice } from "../../netlist/spice-read.ts";
import { writeSpice } from "../../netlist/spice-write.ts";
import { parsePhaseTable } from "../../netlist/phase-table-parse.ts";

const EXAMPLES = ["paper-4x8", "eight-workers", "paper-4x16", "cluster-16"];

describe.each(EXAMPLES)("round trips: examples/%s", (ex) => {
  const file = `examples/${ex}.optinc`;
  const r = loadSpec(file, readFileSync(file, "utf8"));
  const checked = r.checked!;
  const quick = { ...checked, spec: { ...checked.spec, training: { ...checked.spec.training, epochs: 1 } } };
  const out = compileSpec(quick, { skipEvaluation: true, maxVerifyCases: 2000, maxComposeCases: 1000 });

  it("emits one circuit per unit of the example's real structure", () => {
    const names = out.units.map((u) => u.file);
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) for (const ext of [".netlist.json", ".spi", "_main.spi", ".lsf", ".pic.yml", ".phases.json", ".phases.csv", ".ngspice.cir"]) expect(out.files.has(n + ext), n + ext).toBe(true);
  });

  it("every unit: IR → .netlist.json → IR and IR → .spi → IR give the same circuit, and the same bytes again", () => {
    for (const u of out.units) {
      const ir = circuitFromPhaseTable(u.table, u.file);
      ir.info = readNetlistJson(out.files.get(`${u.file}.netlist.json`)!).info; // compile adds the unit function to info
      const json = out.files.get(`${u.file}.netlist.json`)!;
      const spi = out.files.get(`${u.file}.spi`)!;
      const fromJson = readNetlistJson(json, `${u.file}.netlist.json`);
      expect(fromJson, u.file).toEqual(ir);
      expect(writeNetlistJson(fromJson)).toBe(json);
      const fromSpi = readSpice(spi, `${u.file}.spi`);
      expect(fromSpi.netlists, u.file).toEqual(ir.netlists);
      expect(writeSpice(fromSpi)).toBe(spi);
      // The phase table reads back to the table it was written from.
      expect(parsePhaseTable(out.files.get(`${u.file}.phases.json`)!, `${u.file}.phases.json`)).toEqual(u.table);
    }
  });
});
