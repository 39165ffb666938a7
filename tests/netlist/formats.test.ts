// Backends and readers: round trips IR → file → IR, the SiEPIC dialect grammar, the gdsfactory
// schema, determinism, and atomic writes.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { emitArtifacts, emitCircuit } from "../../netlist/formats/emit-all.ts";
import { NetlistReadError } from "../../netlist/formats/read-error.ts";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import type { Circuit, PhaseTable } from "../../netlist/ir.ts";
import { readNetlistJson, writeNetlistJson } from "../../netlist/formats/json-io.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { readSpice } from "../../netlist/formats/spice-read.ts";
import { writeSpice } from "../../netlist/formats/spice-write.ts";
import { clementsStage, onnTable, svdStage, table } from "./fixtures.ts";
import { siepicViolations } from "./siepic-conventions.ts";

const schema = JSON.parse(readFileSync(new URL("../../netlist/schema/gdsfactory-netlist.schema.json", import.meta.url), "utf8"));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

const cases: [string, PhaseTable][] = [
  ["mesh4", table([clementsStage(4, 1)])],
  ["mesh5", table([clementsStage(5, 2)])],
  ["mesh12", table([clementsStage(12, 3)])],
  ["svd6", table([svdStage(6, 4, 3, 5, 2.5)])],
  ["onn", onnTable()],
];

describe("round trips", () => {
  it.each(cases)("%s: IR → netlist.json → IR and IR → .spi → IR give the same circuit", (name, t) => {
    const c = circuitFromPhaseTable(t, name);
    const files = emitArtifacts(t, name);
    expect(readNetlistJson(files.get(`${name}.netlist.json`)!, `${name}.netlist.json`)).toEqual(c);
    const fromSpi = readSpice(files.get(`${name}.spi`)!, `${name}.spi`);
    expect(fromSpi).toEqual(c);
    // Re-emitting what was read gives the same bytes.
    expect(writeSpice(fromSpi)).toBe(files.get(`${name}.spi`));
    expect(writeNetlistJson(readNetlistJson(files.get(`${name}.netlist.json`)!))).toBe(files.get(`${name}.netlist.json`));
  });

  it("length-encoded phases (EBeam waveguides) read back to the same matrices", () => {
    const t = table([svdStage(6, 4, 3, 5, 2.5)]);
    const c = circuitFromPhaseTable(t, "len");
    const text = writeSpice(c, { phases: "length" });
    expect(text).toMatch(/ebeam_wg_integral_1550 library="Design kits\/ebeam" wg_length=\d+\.\d+u wg_width=0.5u/);
    expect(text).toMatch(/ebeam_bdc_te1550 library="Design kits\/ebeam"/);
    expect(text).not.toMatch(/ phi=/);
    expect(siepicViolations(text)).toEqual([]);
    const back = readSpice(text, "len.spi");
    const a = compileCircuit(c).stageMatrices[0].matrix;
    const b = compileCircuit(back).stageMatrices[0].matrix;
    let e = 0;
    for (let i = 0; i < a.re.length; i++) e = Math.max(e, Math.hypot(a.re[i] - b.re[i], a.im[i] - b.im[i]));
    expect(e).toBeLessThan(1e-12);
    expect(back.netlists[Object.keys(back.netlists).find((k) => k !== back.top)!].instances.e0_ref.component).toBe("waveguide");
  });
});

describe("SiEPIC dialect", () => {
  it.each(cases)("%s: emitted .spi passes the grammar (both phase encodings)", (name, t) => {
    const c = circuitFromPhaseTable(t, name);
    expect(siepicViolations(writeSpice(c))).toEqual([]);
    expect(siepicViolations(writeSpice(c, { phases: "length" }))).toEqual([]);
  });

  it("≥ 10 ports put the index before the suffix; < 10 after it", () => {
    const text = writeSpice(circuitFromPhaseTable(table([clementsStage(12, 3)]), "wide"));
    expect(text).toContain("in11_laser ");
    expect(text).toContain("out11_detector");
    expect(text).not.toMatch(/detector1\d/);
    const small = writeSpice(circuitFromPhaseTable(table([clementsStage(4, 3)]), "small"));
    expect(small).toContain(".subckt small in0_laser1 in1_laser2 in2_laser3 in3_laser4 out0_detector1");
  });

  it("the grammar checker rejects dialect violations", () => {
    const good = writeSpice(circuitFromPhaseTable(table([clementsStage(4, 3)]), "g"));
    expect(siepicViolations(good.replace(/out0_detector1/g, "out0_detector10"))).not.toEqual([]);
    expect(siepicViolations(good.replace(/\.ends mesh4_circuit/, ".ends other"))).not.toEqual([]);
    expect(siepicViolations(good.replace(/N\$3 /, "n3 "))).not.toEqual([]);
    expect(siepicViolations(good.replace("optinc_coupler", '"optinc coupler"'))).not.toEqual([]);
    expect(siepicViolations(good.replace(/optinc_coupler/g, "optinc_detector"))).not.toEqual([]);
    expect(siepicViolations(good.replace("lay_x=20u", "lay_x=20"))).not.toEqual([]);
    expect(siepicViolations(good.replace(".param MC_grid=10e-6\n", ""))).not.toEqual([]);
    expect(siepicViolations(good.replace(/ library="optinc\/ideal"/, ""))).not.toEqual([]);
    expect(siepicViolations(good.replace(/phi=[0-9.]+/, "phi=.5"))).not.toEqual([]);
  });

  it("the reader reports bad input with file:line:col and a code", () => {
    const good = writeSpice(circuitFromPhaseTable(table([clementsStage(3, 3)]), "r"));
    const broken = good.replace("optinc_coupler", "optinc_kettle");
    expect(() => readSpice(broken, "r.spi")).toThrow(NetlistReadError);
    expect(() => readSpice(broken, "r.spi")).toThrow(/^r\.spi:\d+:\d+: error\[SPI_UNKNOWN_MODEL\]/);
    expect(() => readSpice(good.replace(".ends mesh3_circuit", ".ends x"), "r.spi")).toThrow(/SPI_ENDS/);
    expect(() => readNetlistJson('{"format": "optinc.netlist/1",\n "name": 3}', "x.json")).toThrow(/^x\.json:2:2: error\[NETLIST_SHAPE\]/);
    expect(() => readNetlistJson("{\n  oops", "x.json")).toThrow(/^x\.json:2:3: error\[JSON_SYNTAX\]/);
  });
});

describe("gdsfactory YAML", () => {
  it.each(cases)("%s: .pic.yml validates against the gdsfactory netlist schema", (name, t) => {
    const doc = parseYaml(emitArtifacts(t, name).get(`${name}.pic.yml`)!);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    // Every primitive is placed and every link joins two existing instances.
    for (const inst of Object.keys(doc.instances)) expect(doc.placements[inst]).toBeDefined();
    for (const [a, b] of Object.entries(doc.routes.optical.links as Record<string, string>)) {
      expect(doc.instances[a.split(",")[0]]).toBeDefined();
      expect(doc.instances[b.split(",")[0]]).toBeDefined();
    }
  });

  it("the schema rejects broken netlists", () => {
    const doc = parseYaml(emitArtifacts(cases[0][1], "m").get("m.pic.yml")!);
    const first = Object.keys(doc.instances)[0];
    const broken = [
      { ...doc, instances: { ...doc.instances, [first]: { settings: {} } } }, // no component
      { ...doc, placements: { ...doc.placements, [first]: { x: 0, z: 3 } } }, // unknown placement key
      { ...doc, routes: { optical: { settings: {} } } }, // route without links
      { ...doc, ports: { in0: "no-comma" } }, // not instance,port
      { ...doc, wires: {} }, // unknown top-level key
    ];
    for (const b of broken) expect(validate(b)).toBe(false);
  });
});

describe("artifacts", () => {
  it("are byte-identical across runs", () => {
    const a = emitArtifacts(onnTable(), "onn");
    const b = emitArtifacts(onnTable(), "onn");
    expect([...a.keys()]).toEqual([
      "onn.spi",
      "onn_main.spi",
      "onn.lsf",
      "onn.netlist.json",
      "onn.pic.yml",
      "onn.ngspice.cir",
      "onn.ports.json",
    ]);
    for (const [k, v] of a) expect(b.get(k)).toBe(v);
  });

  it("emitCircuit can render a single format from a circuit read back from disk", () => {
    const c: Circuit = readNetlistJson(emitArtifacts(onnTable(), "onn").get("onn.netlist.json")!);
    expect([...emitCircuit(c, "onn", {}, ["yaml"]).keys()]).toEqual(["onn.pic.yml"]);
  });
});

describe("netlist.json semantic checks", () => {
  it("unknown components and dangling port references are reported at their location", () => {
    const text = emitArtifacts(cases[0][1], "m").get("m.netlist.json")!;
    const badComp = text.replace('"component":"coupler"', '"component":"kettle"');
    expect(() => readNetlistJson(badComp, "m.netlist.json")).toThrow(
      /^m\.netlist\.json:\d+:\d+: error\[NETLIST_SHAPE\].*unknown component "kettle"/,
    );
    const badPort = text.replace('"e0_bsA,o3": "e0_theta,o1"', '"e0_bsA,o3": "e0_theta,o7"');
    expect(() => readNetlistJson(badPort, "m.netlist.json")).toThrow(/has no port "o7"/);
    const badInst = text.replace('"in0": "e0_phi,o1"', '"in0": "ghost,o1"');
    expect(() => readNetlistJson(badInst, "m.netlist.json")).toThrow(/names no instance/);
  });
});

describe("encodings", () => {
  it("SPICE, LSF and ngspice files are pure ASCII (info with θ, φ, τ is escaped and read back)", () => {
    const files = emitArtifacts(onnTable(), "onn");
    for (const f of ["onn.spi", "onn_main.spi", "onn.lsf", "onn.ngspice.cir"]) expect(/^[\x00-\x7f]*$/.test(files.get(f)!), f).toBe(true);
    expect(readSpice(files.get("onn.spi")!).info.mzi).toContain("θ");
  });
});
