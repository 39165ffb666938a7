// The die model (netlist/die/die.ts): a Monte-Carlo trial of static errors is a die drawn as
// shape × level, applied leaf by leaf before stage matrices are built.
import { describe, expect, it } from "vitest";
import { applyDie, drawDie, drawDieShape, leafPath, linearParts, realizeDie, type Die } from "../../netlist/die/die.ts";
import { effectiveCoupling } from "../../netlist/models.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { tinyCircuit } from "../verify/circuit/tiny-pipeline.ts";

const circuit = tinyCircuit();
const inputs = Float64Array.from([0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 0, 1]);

describe("die model", () => {
  const parts = linearParts(circuit);

  it("addresses every leaf of every linear stage by a unique path", () => {
    const paths = parts.flatMap((p) => Object.keys(p.flat.instances).map((l) => leafPath(p.name, l)));
    expect(parts.map((p) => p.name)).toEqual(["layer1", "layer2"]);
    expect(new Set(paths).size).toBe(paths.length);
    const shape = drawDieShape(circuit, 7, 0);
    const couplers = paths.filter((p) => p.endsWith("_bsA") || p.endsWith("_bsB"));
    expect([...shape.couplerSign.keys()].sort()).toEqual(couplers.sort());
    expect(shape.phaseZ.size).toBeGreaterThan(couplers.length / 2);
    expect(shape.arms.length).toBe(couplers.length); // two arms per MZI, two couplers per MZI
  });

  it("draws common random numbers: the same trial at twice the level is the same die, scaled", () => {
    const a = drawDie(circuit, { splitterImbalance: 0.01, phaseNoise: 0.002 }, 3, 5);
    const b = drawDie(circuit, { splitterImbalance: 0.02, phaseNoise: 0.004 }, 3, 5);
    const c = drawDie(circuit, { splitterImbalance: 0.01, phaseNoise: 0.002 }, 3, 6);
    let differs = 0;
    for (const [p, e] of a.leaves) {
      const f = b.leaves.get(p)!;
      if (e.dCoupling !== undefined) expect(f.dCoupling).toBe(2 * e.dCoupling);
      if (e.dPhi !== undefined) expect(f.dPhi).toBeCloseTo(2 * e.dPhi, 15);
      if (c.leaves.get(p)!.dPhi !== e.dPhi) differs++;
    }
    expect(differs).toBeGreaterThan(0); // another trial is another die
    expect([...a.leaves.values()].every((e) => e.dCoupling === undefined || Math.abs(e.dCoupling) === 0.01)).toBe(true);
  });

  it("applies a die to exactly the leaves it names, keeping couplers physical", () => {
    const part = parts[0]!;
    const leaf = Object.keys(part.flat.instances).find((l) => l.endsWith("_bsA"))!;
    const die: Die = { id: "hand", leaves: new Map([[leafPath(part.name, leaf), { dCoupling: 0.7 }]]) };
    const out = applyDie(part, die, null);
    expect(effectiveCoupling(out.instances[leaf]!.settings)).toBe(1);
    for (const [l, inst] of Object.entries(out.instances)) if (l !== leaf) expect(inst).toBe(part.flat.instances[l]);
    expect(part.flat.instances[leaf]!.settings.imbalance).toBeUndefined(); // input untouched
  });

  it("the simulator draws the same die from levels as drawDie does, and honours an explicit one", () => {
    const levels = { splitterImbalance: 0.05, phaseNoise: 0.05 };
    const fromLevels = compileCircuit(circuit, { ...levels, seed: 11, trial: 2 }).run(inputs, 3);
    const die = realizeDie(drawDieShape(circuit, 11, 2), { splitterImbalance: 0.05, phaseNoise: 0.05 }, "x");
    const explicit = compileCircuit(circuit, { die }).run(inputs, 3);
    expect(Array.from(explicit.fields.re)).toEqual(Array.from(fromLevels.fields.re));
    const ideal = compileCircuit(circuit).run(inputs, 3);
    expect(Array.from(ideal.fields.re)).not.toEqual(Array.from(fromLevels.fields.re));
  });

  it("applies a die's detector gain and offset to the measured field", () => {
    const ideal = compileCircuit(circuit).run(inputs, 3);
    const die: Die = { id: "det", leaves: new Map(), detector: { gain: [2, 1], offset: [0, 0.25] } };
    const r = compileCircuit(circuit, { die }).run(inputs, 3);
    for (let c = 0; c < 3; c++) {
      expect(r.fields.re[c * 2]).toBeCloseTo(2 * ideal.fields.re[c * 2]!, 14);
      expect(r.fields.re[c * 2 + 1]).toBeCloseTo(ideal.fields.re[c * 2 + 1]! + 0.25, 14);
    }
  });
});
