// The narrow divide's widest form end to end (the independent check of each structure):
// a prime worker count too wide for one divide cell (11, 13: every prime ≥ 11 is divided one
// quotient bit at a time, aggregate/digit-wide.ts), compiled to files, read back and composed
// from the emitted netlists and chip files against goldenAverage over every digit-sum vector of the
// reduced space, every rounding rule; and 22 workers as a radix-4 cascade whose top unit divides by
// 22 = 2 · 11, composed over sampled worker code vectors with the edge cases.
import { describe, expect, it } from "vitest";
import { compileClosedForm } from "../../pipeline/compile/closed-form.ts";
import { loadSpec } from "../../dsl/load.ts";
import type { Rounding } from "../../dsl/spec.ts";
import { DEFAULT_DIVIDE_WIDTH, divisionPlan, isWide } from "../../aggregate/digit-divide.ts";

const ROUNDINGS: Rounding[] = ["floor", "nearest-even", "nearest-away"];

function compile(workers: number, bits: number, rounding: Rounding, cascade = "") {
  const text = `aggregator g {\n  workers = ${workers}\n  precision = ${bits} bits\n  levels = 4\n  rounding = ${rounding}\n  route = closed-form\n${cascade}}\n`;
  return compileClosedForm(loadSpec("g.optinc", text).checked!, { skipEvaluation: true, formats: ["json"] }).report;
}

describe("wide-prime divides, end to end from emitted files", () => {
  for (const N of [11, 13])
    it(`${N} workers × 4 bits × PAM-4, every rounding rule: exact on every digit-sum vector`, () => {
      const plan = divisionPlan(N, 4, DEFAULT_DIVIDE_WIDTH);
      expect(plan.factors.some((f) => isWide(plan, f))).toBe(true);
      for (const rounding of ROUNDINGS) {
        const r = compile(N, 4, rounding);
        expect(r.onn.composed.mode, rounding).toBe("exhaustive");
        expect(r.onn.casesChecked).toBe((3 * N + 1) ** 2);
        expect(r.onn.exactMatch, `${N} workers ${rounding}`).toBe(1);
        for (const c of r.cells) expect(c.exact, `${c.design} (${rounding})`).toBe(c.cases);
        const divides = r.cells.filter((c) => /divide/.test(c.design));
        expect(divides.length).toBeGreaterThan(0);
        for (const c of divides) expect(c.widestTheta, c.design).toBeLessThanOrEqual(DEFAULT_DIVIDE_WIDTH);
      }
    }, 120_000);

  it("22 workers as a radix-4 cascade (top unit divides by 2 · 11), nearest-even: exact on sampled vectors with the edges", () => {
    const r = compile(22, 4, "nearest-even", "  cascade { radix = 4 }\n");
    expect(r.cascade!.radix).toBe(4);
    expect(r.onn.casesChecked).toBeGreaterThan(1000);
    expect(r.onn.exactMatch).toBe(1);
    for (const c of r.cells) expect(c.exact, c.design).toBe(c.cases);
  }, 120_000);
});
