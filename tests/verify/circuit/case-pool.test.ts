// Compose's case pool: a unit's cases on two threads give the values one thread gives, case by
// case, and those values are the unit's function (the tiny aggregator's hand-made table).
import { describe, expect, it } from "vitest";
import { runUnitParallel, MIN_PARALLEL, SLICE } from "../../../verify/circuit/case-pool.ts";
import { tinyCircuit, tinyGoldenCode } from "./tiny-pipeline.ts";

describe("case pool", () => {
  it("two threads give one thread's values on a run large enough to split, and both equal the unit's table", () => {
    const cases = MIN_PARALLEL + SLICE + 123; // several slices and a short last one
    const unit = { workers: 2, inDigits: 2, levels: 2, carryIn: 0 };
    // Digit sums (0..2 per digit); the unit deals them to the two workers.
    const sums = new Int32Array(cases * 2);
    for (let c = 0; c < cases; c++) {
      sums[2 * c] = (c * 7) % 3;
      sums[2 * c + 1] = Math.floor(c / 5) % 3;
    }
    const circuit = tinyCircuit();
    const one = runUnitParallel(circuit, unit, sums, cases, 1);
    const two = runUnitParallel(circuit, unit, sums, cases, 2);
    const workerOnly = runUnitParallel(circuit, unit, sums, cases, 2, { callerWorks: false });
    expect(Array.from(workerOnly)).toEqual(Array.from(one));
    expect(two.length).toBe(cases);
    expect(Buffer.from(two.buffer, two.byteOffset, two.byteLength).equals(Buffer.from(one.buffer, one.byteOffset, one.byteLength))).toBe(
      true,
    );
    for (let c = 0; c < cases; c += 997) {
      const S = sums[2 * c]! + 2 * sums[2 * c + 1]!; // v_a + v_b
      const code = tinyGoldenCode(S, 0);
      expect(two[c]).toBe(code);
    }
    expect(new Set(two).size).toBe(4);
  });
});
