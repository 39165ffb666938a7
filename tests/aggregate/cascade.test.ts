// A cascade of units (partial sums below, one rounding at the top) equals the flat golden average.
import { describe, expect, it } from "vitest";
import { createRng } from "../../math/rng.ts";
import { evaluateCascade, planCascade } from "../../aggregate/cascade.ts";
import { unitOutput, type UnitFunction } from "../../aggregate/unit.ts";
import { goldenAverage } from "../../aggregate/golden.ts";
import { toDigits } from "../../aggregate/wire-codec.ts";

/** A unit evaluated exactly as its ONN must: from the digit sums of its inputs. */
function unitFromDigits(fn: UnitFunction, inputs: number[]): number {
  const fmt = { precision: fn.inDigits * Math.log2(fn.levels), levels: fn.levels };
  const sums = new Array(fn.inDigits).fill(0);
  for (const v of inputs) toDigits(v, fmt).forEach((d, k) => (sums[k] += d));
  const out = unitOutput(fn, sums);
  if (out >= fn.levels ** fn.outDigits) throw new Error(`unit output ${out} does not fit ${fn.outDigits} digits`);
  return out;
}

describe("cascade planning", () => {
  it("16 workers at radix 4: two levels, 4 + 1 units, 5-digit partial sums", () => {
    const p = planCascade(16, 4, 8, 4, "nearest-even");
    expect(p.levels.map((l) => l.units)).toEqual([4, 1]);
    expect(p.totalUnits).toBe(5);
    expect(p.levels[0].fn).toMatchObject({ inDigits: 4, outDigits: 5, divisor: 1, inputOffset: 0, outputOffset: 0 });
    expect(p.levels[1].fn).toMatchObject({ inDigits: 5, outDigits: 4, divisor: 16, inputOffset: 4 * 128, outputOffset: 128 });
  });

  it.each([
    { workers: 16, radix: 4, b: 8, l: 4 },
    { workers: 10, radix: 4, b: 8, l: 4 },
    { workers: 64, radix: 4, b: 8, l: 4 },
    { workers: 9, radix: 3, b: 6, l: 2 },
    { workers: 16, radix: 4, b: 16, l: 4 },
  ])(
    "$workers workers, radix $radix, $b-bit PAM-$l: equals the flat golden average on 5k random and edge cases",
    ({ workers, radix, b, l }) => {
      const rng = createRng(workers * 131 + radix);
      const plan = planCascade(workers, radix, b, l, "nearest-even");
      const max = 2 ** b - 1;
      const cases: number[][] = [new Array(workers).fill(0), new Array(workers).fill(max), new Array(workers).fill(2 ** (b - 1))];
      // Rounding ties: one worker one step above the zero code, the rest at zero.
      cases.push([2 ** (b - 1) + 1, ...new Array(workers - 1).fill(2 ** (b - 1))]);
      for (let i = 0; i < 5_000; i++) cases.push(Array.from({ length: workers }, () => rng.int(max + 1)));
      let mismatches = 0;
      for (const rule of ["nearest-even", "nearest-away", "floor"] as const) {
        const p = planCascade(workers, radix, b, l, rule);
        for (const codes of cases)
          if (evaluateCascade(p, codes, b, unitFromDigits) !== goldenAverage(codes, { precision: b, rounding: rule })) mismatches++;
      }
      expect(mismatches).toBe(0);
      expect(plan.levels.at(-1)!.units).toBe(1);
    },
  );
});
