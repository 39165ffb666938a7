// The receiver's levels trimmed from a failed acceptance round (compiler/calibrate/level-trim.ts,
// compiler/calibrate/lab/trim-round.ts; docs/design/calibration.md §11.2). The fit recovers a known map of the
// digits, leaves a few broken inputs out, and refuses levels that are no map of the digits; trims
// compose as applied one after the other.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AcceptLevels } from "../../compiler/calibrate/lab/accept.ts";
import { fitTrim } from "../../compiler/calibrate/lab/trim-round.ts";
import { composeTrims, trimThresholds } from "../../compiler/calibrate/level-trim.ts";

/** Levels of a two-mode, 4-level cell over every pair of digits, read through `map` per mode. */
function levels(map: (digit: number, mode: number, c: number) => number): AcceptLevels {
  const expected: number[][] = [];
  for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) for (let r = 0; r < 16; r++) expected.push([a, b]);
  const read = expected.map((e, c) => e.map((d, m) => map(d, m, c)));
  return {
    levels: 4,
    cases: read.length,
    read,
    expected,
    inputs: read.map(() => [0]),
    guardSteps: [0.05, 0.05],
    repeatSpreadSteps: [0, 0],
    responsivityAW: [1],
    coupling: null,
  };
}

/** A small deterministic wobble, as noise: ±0.03 step. */
const wobble = (c: number, m: number): number => 0.03 * Math.sin(1.7 * c + 2.3 * m);

describe("the receiver's level trim", () => {
  it("recovers the map a refused round reads (add0 crosstalk die 17's: levels ×2.16 and ×1.96) and decodes every case with it", () => {
    const lv = levels((d, m, c) => (m === 0 ? 2.16 * d - 0.15 : 1.96 * d + 0.23) + wobble(c, m));
    const fit = fitTrim(lv)!;
    expect(fit.trim.scale[0]).toBeCloseTo(2.16, 2);
    expect(fit.trim.scale[1]).toBeCloseTo(1.96, 2);
    expect(fit.trim.shift[0]).toBeCloseTo(-0.15, 2);
    expect(fit.trim.shift[1]).toBeCloseTo(0.23, 2);
    expect(fit.accepted).toBe(lv.cases);
  });

  it("leaves a few broken inputs out of the fit (they stay refused), and keeps the rest's map", () => {
    const broken = new Set([3, 77, 140]);
    const lv = levels((d, m, c) => (broken.has(c) && m === 0 ? 6.5 : 1.2 * d + 0.1) + wobble(c, m));
    const fit = fitTrim(lv)!;
    expect(fit.trim.scale[0]).toBeCloseTo(1.2, 2);
    expect(fit.accepted).toBe(lv.cases - broken.size);
  });

  it("refuses levels that are no map of the digits (the planted fault: a scrambled readout)", () => {
    // Each case reads another case's digit: a line fits them poorly and decodes few.
    const lv = levels((d, m, c) => ((d * 7 + c * 3 + m) % 4) + wobble(c, m));
    const fit = fitTrim(lv);
    expect(fit === null || fit.accepted < lv.cases / 2).toBe(true);
    // A step far outside the estimate's (a dark receiver) is no trim at all.
    expect(fitTrim(levels((d, _m, c) => 0.05 * d + wobble(c, 0) * 0.01))).toBeNull();
  });

  it("composes trims as applied one after the other", () => {
    const arb = fc.array(fc.tuple(fc.double({ min: 0.3, max: 3, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })), {
      minLength: 2,
      maxLength: 2,
    });
    fc.assert(
      fc.property(
        arb,
        arb,
        fc.double({ min: 0.1, max: 2, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (t1, t2, step, offset) => {
          const a = { scale: t1.map((x) => x[0]), shift: t1.map((x) => x[1]) };
          const b = { scale: t2.map((x) => x[0]), shift: t2.map((x) => x[1]) };
          const base = { step: [step, step * 1.5], offset: [offset, -offset] };
          const once = trimThresholds(base, composeTrims(a, b));
          const twice = trimThresholds(trimThresholds(base, a), b);
          for (let m = 0; m < 2; m++) {
            expect(once.step[m]).toBeCloseTo(twice.step[m]!, 10);
            expect(once.offset[m]).toBeCloseTo(twice.offset[m]!, 10);
          }
        },
      ),
    );
  });
});
