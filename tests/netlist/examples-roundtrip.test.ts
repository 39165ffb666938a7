// Round trips on every bundled example: each example's real structure is compiled (the trained
// route with a one-epoch budget — these tests are about the backends, not accuracy; the closed-form
// route in full), and every emitted circuit must read back from .netlist.json and .spi to the IR it
// was written from, and re-emit to the same bytes; every phase table must read back equal; every
// emitted SPICE file (and its --length-phases twin) loads as simphony 0.6.1 reads it and meets the
// SiEPIC conventions; every hardware count of the report equals a count of netlist instances.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileSpec } from "../../pipeline/compile/trained.ts";
import { loadSpec } from "../../dsl/load.ts";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import { readNetlistJson, writeNetlistJson } from "../../netlist/formats/json-io.ts";
import { readSpice } from "../../netlist/formats/spice-read.ts";
import { writeSpice } from "../../netlist/formats/spice-write.ts";
import { parsePhaseTable } from "../../netlist/formats/phase-table-parse.ts";
import type { PhaseTable } from "../../netlist/ir.ts";
import { emitCircuit } from "../../netlist/formats/emit-all.ts";
import { checkSimphonyView } from "./simphony-view.ts";
import { cellCounts, expectReportCountsNetlists } from "./count-netlist.ts";
import { chosenSpec, compiledExample, exampleSpec, recordedRows, recordedStructure } from "../helpers/examples.ts";
import { structureLabel } from "../../scripts/examples-table-core.ts";
import { tier } from "../helpers/tier.ts";

// Examples route = auto refuses build nothing to round-trip (README's generated table says which).
const REFUSED = recordedRows()
  .filter((r) => r.built.startsWith("refused"))
  .map((r) => r.example);
// The clusters' round trips take 2–10 s each (cluster-256: 20 units), the trained ONN's one large
// mesh reads back for some 20 s: npm test round-trips the quick start and one cascade (paper-4x8-robust; a small
// trained mesh round-trips in tests/netlist/formats.test.ts), `npm run test:full` every example.
const FULL_ONLY = tier(["cluster-16", "cluster-64", "cluster-256", "cluster-1024", "eight-workers", "paper-4x16", "paper-4x8-trained"], []);
const EXAMPLES = readdirSync("examples")
  .filter((f) => f.endsWith(".optinc"))
  .map((f) => f.replace(/\.optinc$/, ""))
  .filter((ex) => !REFUSED.includes(ex) && !FULL_ONLY.includes(ex))
  .sort();

/** Every emitted circuit of an example: its file stem and the phase table it was built from. */
function emitted(ex: string): {
  files: Map<string, string>;
  units: { file: string; table: PhaseTable; expected: number }[];
  checkCounts: () => void;
} {
  const file = `examples/${ex}.optinc`;
  const checked = loadSpec(file, readFileSync(file, "utf8")).checked!;
  if (checked.spec.route === "trained") {
    const quick = { ...checked, spec: { ...checked.spec, training: { ...checked.spec.training, epochs: 1 } } };
    const out = compileSpec(quick, { skipEvaluation: true, maxVerifyCases: 2000, maxComposeCases: 1000 });
    const checkCounts = (): void =>
      expectReportCountsNetlists(JSON.parse(JSON.stringify(out.report)), (f) => out.files.get(`${f}.netlist.json`)!);
    return { files: out.files, units: out.units.map((u) => ({ file: u.file, table: u.table, expected: out.units.length })), checkCounts };
  }
  const out = compiledExample(ex);
  const designs = out.steps.flatMap((s) => s.designs.map((d) => ({ file: `${s.stem}.${d.name}`, table: d.table })));
  const checkCounts = (): void => {
    const total: Record<string, number> = {};
    for (const c of out.report.cells) {
      const want = cellCounts(out.files.get(`${c.design}.netlist.json`)!);
      expect(c.hardware, c.design).toEqual(want);
      for (const [k, v] of Object.entries(want)) total[k] = k === "stages" ? Math.max(total[k] ?? 0, v) : (total[k] ?? 0) + c.copies * v;
    }
    const { cellsOnCriticalPath: _a, oeoOnCriticalPath: _b, oeoLatencySeconds: _c, regeneratedDigits: _d, ...counts } = out.report.hardware;
    expect(counts).toEqual(total);
  };
  return { files: out.files, units: designs.map((d) => ({ ...d, expected: designs.length })), checkCounts };
}

describe.each(EXAMPLES)("round trips: examples/%s", (ex) => {
  const out = emitted(ex);

  it("emits every backend for every circuit of the example's real structure", () => {
    const netlists = [...out.files.keys()].filter((f) => f.endsWith(".netlist.json")).sort();
    expect(netlists).toEqual(out.units.map((u) => `${u.file}.netlist.json`).sort());
    for (const u of out.units)
      for (const ext of [
        ".netlist.json",
        ".spi",
        "_main.spi",
        ".lsf",
        ".pic.yml",
        ".phases.json",
        ".phases.csv",
        ".ngspice.cir",
        ".ports.json",
      ])
        expect(out.files.has(u.file + ext), u.file + ext).toBe(true);
  });

  it("every circuit: IR → .netlist.json → IR and IR → .spi → IR give the same circuit, and the same bytes again", () => {
    for (const u of out.units) {
      const ir = circuitFromPhaseTable(u.table, u.file);
      ir.info = readNetlistJson(out.files.get(`${u.file}.netlist.json`)!).info; // compile adds the unit's function to info
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

  it("every circuit's .spi and _main.spi, as emitted and with --length-phases, load as simphony reads them", () => {
    for (const u of out.units) {
      const circuit = readNetlistJson(out.files.get(`${u.file}.netlist.json`)!);
      checkSimphonyView(out.files, u.file, circuit, false);
      checkSimphonyView(emitCircuit(circuit, u.file, { spice: { phases: "length" } }, ["spi"]), u.file, circuit, true);
    }
  });

  it("every hardware count in the report equals a count of instances in the emitted netlists", () => {
    out.checkCounts();
  });

  const built = recordedStructure(ex);
  it.skipIf(built === "trained ONN")(
    "is the structure `optinc compile` builds (docs/figures/examples.json, checked against the search by tests/docs/examples-table)",
    () => {
      expect(structureLabel(compiledExample(ex).report)).toBe(built);
    },
  );
});

describe("an example left to route = auto compiles as the structure its search chose", () => {
  const checked = exampleSpec("paper-4x8");
  it("takes the closed-form spec of the recorded structure", () => {
    expect(checked.spec.route).toBe("closed-form");
    expect(chosenSpec(checked, "radix-2 cascade", "paper-4x8").spec.cascade).toEqual({ radix: 2 });
  });
  it("refuses a record that names no structure the search builds (planted)", () => {
    expect(() => chosenSpec(checked, "radix-99 cascade", "paper-4x8")).toThrow(/names no structure the search builds/);
  });
});
