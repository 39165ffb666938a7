// What simphony sees in one emission: `<name>.spi` and `<name>_main.spi` load with the test-side
// reader of simphony's grammar, meet the SiEPIC-Tools conventions, and describe exactly the circuit
// that was written (subcircuits, component names, models, pin counts, positions, phases).
import { expect } from "vitest";
import type { Circuit } from "../../netlist/ir.ts";
import { spicePinOrder } from "../../netlist/ports.ts";
import { instancePorts } from "../../netlist/sim/propagate.ts";
import { EBEAM, SPICE_MODEL } from "../../netlist/formats/spice-dialect.ts";
import { circuitLookup, spiceNames } from "../../netlist/formats/spice-write.ts";
import { loadSiepic, type Loaded } from "./simphony-grammar.ts";
import { siepicViolations } from "./siepic-conventions.ts";

/** Load `<name>.spi` and `<name>_main.spi` of one emission as simphony would, and check them. */
export function checkSimphonyView(files: Map<string, string>, name: string, circuit: Circuit, lengthMode: boolean): void {
  const spi = files.get(`${name}.spi`)!;
  const main = files.get(`${name}_main.spi`)!;
  const include = (f: string): string => {
    const t = files.get(f);
    if (t === undefined) throw new Error(`.INCLUDE names ${f}, which was not emitted`);
    return t;
  };
  const direct = loadSiepic(spi, include);
  const viaMain = loadSiepic(main, include);
  expect(viaMain.subcircuits).toEqual(direct.subcircuits);
  expect(viaMain.analyses).toHaveLength(1);
  expect(siepicViolations(spi), `${name}.spi`).toEqual([]);
  expectCircuit(direct, circuit, lengthMode);
  const top = spiceNames(circuit).get(circuit.top)!;
  const ona = viaMain.analyses[0]!.params;
  // Every output of the top subcircuit is an ONA input, and the laser is one of its IO nets.
  const topPorts = direct.subcircuits.find((s) => s.name === top)!.ports;
  expect((ona.input as string[]).map((x) => x.split(",")[1])).toEqual(topPorts.filter((p) => /detector\d?$/.test(p)));
  expect(topPorts).toContain((ona.output as string).split(",")[1]);
  for (const ref of [...(ona.input as string[]), ona.output as string]) expect(ref.split(",")[0]).toBe(top);
}

/** What simphony read equals the circuit: one subcircuit per netlist, one component per instance. */
function expectCircuit(doc: Loaded, circuit: Circuit, lengthMode: boolean): void {
  const names = spiceNames(circuit);
  const lookup = circuitLookup(circuit);
  expect(doc.subcircuits.map((s) => s.name).sort()).toEqual([...names.values()].sort());
  expect(doc.circuits).toHaveLength(1);
  expect(doc.circuits[0]!.name).toBe(names.get(circuit.top));
  expect(doc.circuits[0]!.subcircuits).toBe(names.get(circuit.top));
  // Per-component mismatches are collected and asserted once: one expect() per component of a
  // trained circuit (hundreds of thousands) costs more than loading the file.
  const bad: string[] = [];
  for (const [n, nl] of Object.entries(circuit.netlists)) {
    const sub = doc.subcircuits.find((s) => s.name === names.get(n))!;
    expect(sub.params).toEqual({
      MC_uniformity_width: 0,
      MC_uniformity_thickness: 0,
      MC_resolution_x: 100,
      MC_resolution_y: 100,
      MC_grid: 10e-6,
      MC_non_uniform: 99,
    });
    expect(sub.components.map((c) => c.name)).toEqual(Object.keys(nl.instances));
    for (const c of sub.components) {
      const at = `${n}/${c.name}`;
      const inst = nl.instances[c.name]!;
      const pins = spicePinOrder(instancePorts(c.name, inst, lookup)).length;
      if (c.ports.length !== pins) bad.push(`${at}: ${c.ports.length} ports, expected ${pins}`);
      const expected = names.get(inst.component) ?? SPICE_MODEL[inst.component];
      if (lengthMode && ["phase", "waveguide", "terminator"].includes(inst.component)) {
        if (!EBEAM_MODELS.includes(c.model)) bad.push(`${at}: model ${c.model} is not an EBeam cell`);
      } else if (!(lengthMode && inst.component === "coupler" && c.model === EBEAM.coupler)) {
        if (c.model !== expected) bad.push(`${at}: model ${c.model}, expected ${expected}`);
      }
      const pl = nl.placements?.[c.name] ?? { x: 0, y: 0 };
      // Metres as simphony reads them, back in µm (to 9 decimals, as toBeCloseTo(x, 9)).
      const x = (c.params.lay_x as number) * 1e6;
      const y = (c.params.lay_y as number) * 1e6;
      if (!closeTo9(x, pl.x) || !closeTo9(y, pl.y)) bad.push(`${at}: at (${x}, ${y}) µm, placed at (${pl.x}, ${pl.y})`);
      if (typeof inst.settings.phi === "number" && !lengthMode && !Object.is(c.params.phi, inst.settings.phi))
        bad.push(`${at}: phi ${c.params.phi}, expected ${inst.settings.phi}`);
    }
  }
  expect(bad).toEqual([]);
}

const EBEAM_MODELS: string[] = Object.values(EBEAM);
const closeTo9 = (a: number, b: number): boolean => a === b || Math.abs(a - b) < 10 ** -9 / 2;
