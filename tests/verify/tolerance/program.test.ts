// The compiled stage programs rebuild a die's stage matrices with exactly the simulator's numbers:
// compared bit for bit with netlist/sim/propagate.ts transferMatrix on netlist/die/die.ts applyDie.
import { describe, expect, it } from "vitest";
import { applyDie, circuitLookup, drawDieShape, linearParts, realizeDie } from "../../../netlist/die/die.ts";
import { transferMatrix } from "../../../netlist/sim/propagate.ts";
import { circuitPrograms, dieMatrices } from "../../../netlist/sim/stage-program.ts";
import { tinyCircuit } from "../circuit/tiny-pipeline.ts";
import { boxDie, threeWorkerCircuit } from "./helpers.ts";

describe("compiled stage programs", () => {
  for (const [name, circuit] of [
    ["tiny", tinyCircuit()],
    ["three-worker", threeWorkerCircuit()],
  ] as const) {
    it(`${name}: every stage matrix equals transferMatrix(applyDie(…)) bit for bit, on drawn and uniform dies, with and without a DAC`, () => {
      const parts = linearParts(circuit);
      const cp = circuitPrograms(circuit, parts);
      expect(cp.programs.every((p) => p !== null)).toBe(true);
      const lookup = circuitLookup(circuit);
      const dies = [
        null,
        realizeDie(drawDieShape(circuit, 7, 3, parts), { splitterImbalance: 0.01, phaseNoise: 0.02, mziLossDb: 0.3 }, "drawn"),
        boxDie(circuit, { coupler: 0.05, phase: 0.1, loss: 0.5 }, 11, false),
        boxDie(circuit, { coupler: 0.6, phase: 3, loss: 2 }, 12, true), // couplers clamped to [0, 1]
      ];
      let compared = 0;
      for (const die of dies) {
        for (const dac of [null, 6]) {
          const mine = dieMatrices(cp, die, dac);
          parts.forEach((p, i) => {
            const ref = transferMatrix(applyDie(p, die, dac), cp.ports[i]!.inputs, cp.ports[i]!.outputs, lookup);
            const m = mine.get(p.name)!;
            expect([m.rows, m.cols]).toEqual([ref.rows, ref.cols]);
            expect(Array.from(m.re)).toEqual(Array.from(ref.re));
            expect(Array.from(m.im)).toEqual(Array.from(ref.im));
            compared++;
          });
        }
      }
      expect(compared).toBe(8 * parts.length);
    });
  }
});
