// A drawn die as arrays (netlist/sim/die-draws.ts) is the die drawDieShape + realizeDie build as a map of
// leaf errors: same stream, same order, same numbers. Checked bit for bit against the netlist path
// (transferMatrix on applyDie's perturbed copy), and through compileCircuit, whose Monte-Carlo trials
// now take the array path.
import { describe, expect, it } from "vitest";
import { applyDie, circuitLookup, drawDieShape, linearParts, realizeDie } from "../../netlist/die/die.ts";
import { drawable, drawDieDraws, drawnMatrices } from "../../netlist/sim/die-draws.ts";
import type { DieLevels } from "../../dsl/technology.ts";
import { transferMatrix } from "../../netlist/sim/propagate.ts";
import { compileCircuit } from "../../netlist/sim/simulate.ts";
import { circuitPrograms } from "../../netlist/sim/stage-program.ts";
import { tinyCircuit } from "../verify/circuit/tiny-pipeline.ts";
import { threeWorkerCircuit } from "../verify/tolerance/helpers.ts";

const LEVELS: DieLevels[] = [
  { splitterImbalance: 0, phaseNoise: 0, mziLossDb: 0 },
  { splitterImbalance: 0.01, phaseNoise: 0, mziLossDb: 0 },
  { splitterImbalance: 0, phaseNoise: 0.03, mziLossDb: 0 },
  { splitterImbalance: 0, phaseNoise: 0, mziLossDb: 0.2 },
  { splitterImbalance: 0.004, phaseNoise: 0.02, mziLossDb: 0.1 },
  { splitterImbalance: 0.7, phaseNoise: 2, mziLossDb: 3 }, // couplers clamped to [0, 1]
  { splitterImbalance: 0, phaseNoise: 0, mziLossDb: 0.1, lossSpreadDb: 0.05 }, // a loss spread per arm
  { splitterImbalance: 0.004, phaseNoise: 0.02, mziLossDb: 0.02, lossSpreadDb: 0.5 }, // some arms clamped at 0 dB
];

const bits = (a: Float64Array): string[] => Array.from(a, (v) => (Object.is(v, -0) ? "-0" : String(v)));

describe("drawn dies as arrays", () => {
  for (const [name, circuit] of [
    ["tiny", tinyCircuit()],
    ["three-worker", threeWorkerCircuit()],
    ["three-worker reck", threeWorkerCircuit("reck")],
  ] as const) {
    it(`${name}: every stage matrix equals the netlist path's bit for bit, per seed, trial, level and DAC`, () => {
      const parts = linearParts(circuit);
      const cp = circuitPrograms(circuit, parts);
      expect(drawable(cp)).toBe(true);
      const lookup = circuitLookup(circuit);
      let compared = 0;
      for (const [seed, trial] of [
        [1, 0],
        [7, 3],
        [4294967295, 99],
      ] as const) {
        const draws = drawDieDraws(cp, seed, trial, true);
        const shape = drawDieShape(circuit, seed, trial, parts);
        for (const levels of LEVELS) {
          const die = realizeDie(shape, levels, "ref");
          for (const dac of [null, 5, 12]) {
            const mine = drawnMatrices(cp, draws, levels, dac);
            parts.forEach((p, i) => {
              const ref = transferMatrix(applyDie(p, die, dac), cp.ports[i]!.inputs, cp.ports[i]!.outputs, lookup);
              const m = mine.get(p.name)!;
              expect([m.rows, m.cols]).toEqual([ref.rows, ref.cols]);
              expect(bits(m.re)).toEqual(bits(ref.re));
              expect(bits(m.im)).toEqual(bits(ref.im));
              compared++;
            });
          }
        }
      }
      expect(compared).toBe(3 * LEVELS.length * 3 * parts.length);
    });
  }

  it("different trials draw different dies, and the same trial the same one", () => {
    const circuit = threeWorkerCircuit();
    const cp = circuitPrograms(circuit);
    const a = drawDieDraws(cp, 1, 0);
    const b = drawDieDraws(cp, 1, 1);
    expect(a.map((u) => Array.from(u))).toEqual(drawDieDraws(cp, 1, 0).map((u) => Array.from(u)));
    expect(a.map((u) => Array.from(u))).not.toEqual(b.map((u) => Array.from(u)));
    // Couplers get a sign, shifters a normal, everything else nothing.
    cp.programs.forEach((p, pi) =>
      p!.ops.forEach((op, i) => {
        const u = a[pi]![i]!;
        if (op.kind === "coupler") expect(Math.abs(u)).toBe(1);
        else if (op.kind !== "phase") expect(u).toBe(0);
      }),
    );
  });

  it("compileCircuit's trials (array path) simulate what an explicit die of the same draw gives (netlist path)", () => {
    const circuit = threeWorkerCircuit();
    const nonIdealities = { phaseNoise: 0.05, splitterImbalance: 0.01, mziLossDb: 0.3, dacBits: 7 };
    const inputs = Float64Array.from({ length: 3 * 64 }, (_, i) => (i * 7) % 4);
    for (const trial of [0, 5]) {
      const fast = compileCircuit(circuit, { ...nonIdealities, seed: 3, trial });
      const die = realizeDie(drawDieShape(circuit, 3, trial), { splitterImbalance: 0.01, phaseNoise: 0.05, mziLossDb: 0.3 }, "explicit");
      const slow = compileCircuit(circuit, { dacBits: 7, die });
      const a = fast.run(inputs, 64);
      const b = slow.run(inputs, 64);
      expect(bits(a.fields.re)).toEqual(bits(b.fields.re));
      expect(bits(a.fields.im)).toEqual(bits(b.fields.im));
      expect(Array.from(a.digits)).toEqual(Array.from(b.digits));
      fast.stageMatrices.forEach((s, i) => expect(bits(s.matrix.re)).toEqual(bits(slow.stageMatrices[i]!.matrix.re)));
    }
  });
});

describe("loss spread", () => {
  it("each arm's loss is the nominal plus σ times its own draw (kept ≥ 0), from a stream apart from couplers and shifters", () => {
    const circuit = threeWorkerCircuit();
    const shape = drawDieShape(circuit, 3, 1);
    const nominal = realizeDie(shape, { mziLossDb: 0.1 }, "n");
    const spread = realizeDie(shape, { mziLossDb: 0.1, lossSpreadDb: 0.05 }, "s");
    const losses = shape.arms.map((p) => spread.leaves.get(p)?.lossDb ?? 0);
    shape.arms.forEach((p, i) => {
      expect(nominal.leaves.get(p)!.lossDb).toBe(0.1);
      expect(losses[i]).toBe(Math.max(0, 0.1 + 0.05 * shape.armZ[i]!));
    });
    expect(new Set(losses).size).toBeGreaterThan(losses.length / 2);
    // The coupler and shifter draws are those of a die drawn before arm losses existed: the same stream.
    const again = drawDieShape(circuit, 3, 1);
    expect([...again.phaseZ]).toEqual([...shape.phaseZ]);
    expect(shape.armZ.length).toBe(shape.arms.length);
  });
});
