// The measurement file (fab/die-file-v1.ts): its JSON Schema under ajv, the reader/writer round
// trip, and the mapping to the Die the simulator applies.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { drawDie, leafPath, type Die } from "../../netlist/die/die.ts";
import { nominalRadPerCode, readDieFile, writeDieFile } from "../../fab/die-file-v1.ts";
import { dieElements } from "../../netlist/die/elements.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { tinyCircuit } from "../verify/circuit/tiny-pipeline.ts";

const circuit = tinyCircuit();
const schema = JSON.parse(readFileSync(new URL("../../fab/schema/die.schema.json", import.meta.url), "utf8"));
const inputs = Float64Array.from([0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1]);

describe("optinc.die/1", () => {
  it("the schema compiles under ajv's strict mode and accepts what the writer writes", () => {
    const validate = new Ajv({ strict: true, discriminator: true, allErrors: true }).compile(schema);
    const text = writeDieFile(circuit, drawDie(circuit, { splitterImbalance: 0.02, phaseNoise: 0.01, mziLossDb: 0.1 }, 1, 0), {
      id: "x",
      dacBits: 12,
    });
    expect(validate(JSON.parse(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  it("the example in docs/reference/lab-files.md is valid", () => {
    const doc = readFileSync(new URL("../../docs/reference/lab-files.md", import.meta.url), "utf8");
    const example = doc.match(/```json\n(\{\n {2}"format": "optinc\.die\/1"[\s\S]*?)```/)![1]!;
    const validate = new Ajv({ strict: true, discriminator: true }).compile(schema);
    expect(validate(JSON.parse(example)), JSON.stringify(validate.errors)).toBe(true);
  });

  it("reads back a measured die byte for byte, absolute values kept exactly", () => {
    const leaves = new Map([
      [leafPath("layer1", "e0_bsA"), { coupling: 0.2 }],
      [leafPath("layer1", "e0_theta"), { dPhi: -0.3, radPerCode: 1.07 * nominalRadPerCode(10), lossDb: 0.37 }],
      [leafPath("layer2", "po1"), { dPhi: 1e-7, lossDb: 0.05 }],
    ]);
    const die: Die = { id: "wafer 7, die 12", leaves, dacBits: 10, detector: { gain: [0.93, 1.11], offset: [0.01, -0.02] } };
    const text = writeDieFile(circuit, die, { id: die.id, dacBits: 10, source: { instrument: "OVA" } });
    const back = readDieFile(text, "m.die.json", circuit);
    expect(writeDieFile(circuit, back, { id: die.id, dacBits: 10, source: { instrument: "OVA" } })).toBe(text);
    expect(back.leaves).toEqual(leaves);
    expect(back.detector).toEqual(die.detector);
    // The simulator applies the read die exactly as the original.
    const a = compileCircuit(circuit, { die }).run(inputs, 4);
    const b = compileCircuit(circuit, { die: back }).run(inputs, 4);
    expect(Array.from(b.fields.re)).toEqual(Array.from(a.fields.re));
  });

  it("a drawn die written and read back is the same die for the simulator (effective couplings, offsets, losses)", () => {
    const drawn = drawDie(circuit, { splitterImbalance: 0.02, phaseNoise: 0.01, mziLossDb: 0.1 }, 4, 2);
    const back = readDieFile(writeDieFile(circuit, drawn, { id: "d", dacBits: 12 }), "d.json", circuit);
    for (const dac of [null, 12]) {
      const a = compileCircuit(circuit, { die: drawn, dacBits: dac }).run(inputs, 4);
      const b = compileCircuit(circuit, { die: back, dacBits: dac }).run(inputs, 4);
      expect(Array.from(b.fields.re)).toEqual(Array.from(a.fields.re));
    }
  });

  it("lists each MZI with its own leaf names, and the detector per mode", () => {
    const doc = JSON.parse(writeDieFile(circuit, { id: "i", leaves: new Map() }, { id: "i", dacBits: 8 }));
    const names = dieElements(circuit).map((e) => e.name);
    expect(Object.keys(doc.elements)).toEqual(names);
    expect(doc.elements["layer1/e0"]).toEqual({
      kind: "mzi",
      phi: { offsetRad: 0, radPerCode: (2 * Math.PI) / 256, lossDb: 0 },
      bsA: { coupling: 0.5 },
      theta: { offsetRad: 0, radPerCode: (2 * Math.PI) / 256, lossDb: 0 },
      ref: { lossDb: 0 },
      bsB: { coupling: 0.5 },
    });
    expect(doc.elements["layer1/e10"].kind).toBe("attenuator");
    expect(doc.elements["layer1/po0"]).toEqual({ kind: "phase", offsetRad: 0, radPerCode: (2 * Math.PI) / 256, lossDb: 0 });
    expect(doc.elements.detector).toEqual({ kind: "detector", gain: [1, 1], offset: [0, 0] });
    // Reading it back gives an ideal die.
    const ideal = readDieFile(JSON.stringify(doc), "i.json", circuit);
    expect(ideal.leaves.size).toBe(0);
    expect(ideal.detector).toBeUndefined();
  });

  it("collects several problems at once, each at its own line and column", () => {
    const good = writeDieFile(circuit, { id: "i", leaves: new Map() }, { id: "i", dacBits: 8 });
    const bad = good
      .replace(
        '"layer1/e1": {"kind":"mzi","phi":{"offsetRad":0,"radPerCode":0.02454369260617026,"lossDb":0}',
        '"layer1/e1": {"kind":"mzi","phi":{"offsetRad":0,"radPerCode":-1,"lossDb":0}',
      )
      .replace('"ref":{"lossDb":0}', '"ref":{"lossDb":-3}');
    expect(bad).not.toBe(good);
    try {
      readDieFile(bad, "b.json", circuit);
      throw new Error("expected a DieFileError");
    } catch (e) {
      const d = (e as { diagnostics: { code: string; line: number; column: number; message: string }[] }).diagnostics;
      expect(d.map((x) => x.code)).toEqual(["OPT6105", "OPT6105"]);
      const lines = bad.split("\n");
      for (const x of d) expect(lines[x.line - 1]!.slice(x.column - 1)).toMatch(/^(-1|-3|\{"lossDb":-3\})/);
      expect(d[0]!.message).toMatch(/elements\["layer1\/e0"\]\.ref\.lossDb|elements\["layer1\/e1"\]\.phi\.radPerCode/);
    }
  });
});
