// The emitted SiEPIC SPICE as simphony 0.6.1 reads it: every `.spi` and `_main.spi` (both phase
// encodings) loads with the test-side reader of simphony's grammar (simphony-grammar.ts), and what
// simphony sees — subcircuits, component names, models, nets and parameters — is the circuit we
// wrote. The reader itself is checked on texts simphony accepts and rejects (each outcome below was
// also confirmed once with parsimonious running simphony's own grammar).
import { describe, expect, it } from "vitest";
import { emitCircuit } from "../../netlist/formats/emit-all.ts";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import type { PhaseTable } from "../../netlist/ir.ts";
import { clementsStage, onnTable, svdStage, table } from "./fixtures.ts";
import { loadSiepic, SiepicLoadError, str2float } from "./simphony-grammar.ts";
import { checkSimphonyView } from "./simphony-view.ts";

const cases: [string, PhaseTable][] = [
  ["mesh12", table([clementsStage(12, 3)])],
  ["svd6", table([svdStage(6, 4, 3, 5, 2.5)])],
  ["onn", onnTable()],
];

describe("simphony 0.6.1 reads every emitted SPICE file", () => {
  it.each(cases)("%s: .spi and _main.spi, phi= and length phases", (name, t) => {
    const c = circuitFromPhaseTable(t, name);
    checkSimphonyView(emitCircuit(c, name, {}, ["spi"]), name, c, false);
    checkSimphonyView(emitCircuit(c, name, { spice: { phases: "length" } }, ["spi"]), name, c, true);
  });

  it("names containing detector or laser are written so that simphony does not read them as ports", () => {
    const c = circuitFromPhaseTable(table([clementsStage(4, 3, "laser_detector_stage")]), "my_laser_rig");
    const files = emitCircuit(c, "rig", {}, ["spi"]);
    checkSimphonyView(files, "rig", c, false);
    expect(files.get("rig.spi")).toContain(".subckt LASER_DETECTOR_stage_circuit ");
  });
});

describe("the simphony grammar reader", () => {
  const good = emitCircuit(circuitFromPhaseTable(onnTable(), "onn"), "onn", {}, ["spi"]).get("onn.spi")!;

  it("rejects what simphony rejects", () => {
    const rejected: [string, string][] = [
      ["quoted model name (optinc before this dialect)", good.replace("optinc_coupler", '"optinc coupler"')],
      ["two digits after detector", good.replace(/out0_detector1\b/g, "out0_detector10")],
      ["two digits after laser", good.replace(/in0_laser1\b/g, "in0_laser12")],
      [".ends name differs", good.replace(".ends layer1_circuit", ".ends other")],
      ["exponent and SI suffix", good.replace("lay_x=20u", "lay_x=1e-7u")],
      ["empty quoted value", good.replace('role="svd"', 'role=""')],
      ["comment inside a subckt", good.replace(".param MC_grid=10e-6\n", ".param MC_grid=10e-6\n* note\n")],
      ["blank line inside a subckt", good.replace(".param MC_grid=10e-6\n", ".param MC_grid=10e-6\n\n")],
      ["no final newline", good.replace(/\n$/, "")],
      ["unknown SI suffix", good.replace("lay_x=20u", "lay_x=20x")],
    ];
    for (const [what, text] of rejected) expect(() => loadSiepic(text), what).toThrow(SiepicLoadError);
  });

  it("accepts what simphony accepts: CRLF line ends, a trailing dot", () => {
    expect(loadSiepic(good.replace(/\n/g, "\r\n"))).toEqual(loadSiepic(good));
    expect(loadSiepic(good.replace("lay_x=20u", "lay_x=20.")).subcircuits).toHaveLength(3);
  });

  it("a model word containing 'detector' parses, but as a port: the emitter must never write one", () => {
    const doc = loadSiepic(good.replace(/optinc_coupler/g, "optinc_detector_coupler"));
    const c = doc.subcircuits[0]!.components.find((x) => x.name === "e0_bsA")!;
    expect(c.model).toBe("_coupler");
    expect(c.ports.at(-1)).toBe("optinc_detector");
  });

  it("str2float follows simphony: suffixes as exponent text, one match only", () => {
    expect(str2float("20u")).toBe(2e-5);
    expect(str2float("14.5c")).toBe(0.145);
    expect(str2float("15.2e-6")).toBe(1.52e-5);
    expect(() => str2float("17.3o")).toThrow(/not recognized/);
    expect(() => str2float("1.2.3")).toThrow(/malformed/);
  });
});
