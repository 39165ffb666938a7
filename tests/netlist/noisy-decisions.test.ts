// Deferred noisy decisions (netlist/sim/engine.ts decideNoisy) skip the draws that cannot change a
// digit. Against the straightforward loop that draws every normal of the documented stream (mode by
// mode over all cases), the digits must be identical, whatever the fields, steps and noise.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng, NORMAL_BOUND } from "../../math/rng.ts";
import { detectDigit } from "../../netlist/models.ts";
import { decideNoisy } from "../../netlist/sim/engine.ts";
import type { Detector, EngineResult } from "../../netlist/sim/plan.ts";

function everyDraw(det: Detector, re: Float64Array, width: number, cases: number, sigma: number, seed: number): Int32Array {
  const rng = createRng(seed);
  const out = new Int32Array(cases * width);
  for (let q = 0; q < width; q++)
    for (let c = 0; c < cases; c++)
      out[c * width + q] = detectDigit(re[c * width + q]! + sigma * det.step[q]! * rng.normal(), det.step[q]!, det.offset[q]!, det.levels);
  return out;
}

describe("noisy decisions with skipped draws", () => {
  it("give the digits of the full stream (fields near and far from thresholds, any noise)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom(2, 4, 16),
        fc.constantFrom(0, 1e-3, 0.02, 0.1, 0.5, 3),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (width, cases, levels, sigma, seed) => {
          const g = createRng(seed ^ 0x5a5a);
          const step = Array.from({ length: width }, () => 0.05 + g.next());
          const offset = Array.from({ length: width }, () => g.next() - 0.5);
          // Fields on the half-step thresholds (where one draw decides), near them and far away.
          const re = Float64Array.from({ length: cases * width }, (_, i) => {
            const q = i % width;
            const k = g.int(levels + 2) - 1 + (g.next() < 0.3 ? 0.5 : g.next() < 0.5 ? 0.5 + 1e-3 * (g.next() - 0.5) : g.next());
            return offset[q]! + k * step[q]!;
          });
          const det: Detector = { readout: Array.from({ length: width }, () => null), step, offset, levels, response: null };
          const out: EngineResult = { cases, width, fields: { re, im: new Float64Array(re.length) }, digits: new Int32Array(re.length) };
          decideNoisy(det, out, { sigma, rng: createRng(seed) });
          expect(out.digits).toEqual(everyDraw(det, re, width, cases, sigma, seed));
        },
      ),
      { seed: 20261123, numRuns: 300 },
    );
  });

  it("a field that is not a number is decided by its draw, as before", () => {
    const det: Detector = { readout: [null], step: [1], offset: [0], levels: 4, response: null };
    const re = Float64Array.from([Number.NaN, 1.2, Number.NaN]);
    const out: EngineResult = { cases: 3, width: 1, fields: { re, im: new Float64Array(3) }, digits: new Int32Array(3) };
    decideNoisy(det, out, { sigma: 0.02, rng: createRng(5) });
    expect(out.digits).toEqual(everyDraw(det, re, 1, 3, 0.02, 5));
  });

  it("NORMAL_BOUND exceeds the largest value Box–Muller can return", () => {
    // The smallest nonzero uniform is 2^-53 (math/rng.ts next()), and |cos| ≤ 1.
    expect(Math.sqrt(-2 * Math.log(2 ** -53))).toBeLessThan(NORMAL_BOUND);
    const rng = createRng(11);
    let most = 0;
    for (let i = 0; i < 200_000; i++) most = Math.max(most, Math.abs(rng.normal()));
    expect(most).toBeLessThan(NORMAL_BOUND);
  });

  it("skipNormal advances the stream exactly as normal() does", () => {
    const a = createRng(99);
    const b = createRng(99);
    for (let i = 0; i < 1000; i++) {
      if (i % 3 === 0) {
        a.normal();
        b.skipNormal();
      } else expect(a.normal()).toBe(b.normal());
    }
  });
});
