// Digit slicing is exact: the chain of slice golden functions equals the unit's golden function
// on every digit-sum vector (exhaustively where the space allows, seeded samples otherwise).
import { describe, expect, it } from "vitest";
import { planCascade } from "../../aggregate/cascade.ts";
import { exhaustiveDataset, flatUnit, reducedSpaceSize, unitOutput, type UnitFunction } from "../../aggregate/unit.ts";
import { planSlices, runSlices, sliceDigits } from "../../aggregate/slices.ts";
import { createRng } from "../../math/rng.ts";
import { tier } from "../helpers/tier.ts";

/** The chain's output as a number, or null when it gave the wrong number of digits. */
function chained(fn: UnitFunction, plan: NonNullable<ReturnType<typeof planSlices>>, sums: number[]): number | null {
  const digits = runSlices(plan, sums, (i, ins) => sliceDigits(plan.slices[i]!.fn, ins));
  // Checked per vector without expect(): one expect() call costs more than the chain itself.
  if (digits.length !== fn.outDigits) return null;
  return digits.reduceRight((a, d) => a * fn.levels + d, 0);
}

function vectors(fn: UnitFunction, limit: number, seed: number): number[][] {
  const base = (fn.levels - 1) * fn.workers + 1;
  const size = reducedSpaceSize(fn);
  const rng = createRng(seed);
  const out: number[][] = [];
  for (let c = 0; c < Math.min(size, limit); c++) {
    let v = size <= limit ? c : Math.floor(rng.next() * size);
    out.push(
      Array.from({ length: fn.inDigits }, () => {
        const d = v % base;
        v = Math.floor(v / base);
        return d;
      }),
    );
  }
  return out;
}

const cascade16 = planCascade(16, 4, 8, 4, "nearest-even");
const cases: [string, UnitFunction, number][] = [
  ["4 workers × 8 bits, PAM4", flatUnit(4, 8, 4, "nearest-even"), 28_561],
  // Exhaustive in the full tier; a random 100,000 of the 390,625 in `npm test`.
  ["8 workers × 8 bits, PAM4 (M = 2: digits straddle)", flatUnit(8, 8, 4, "nearest-even"), tier(100_000, 390_625)],
  ["2 workers × 8 bits, PAM16", flatUnit(2, 8, 16, "nearest-even"), 961],
  ["4 workers × 6 bits, PAM2", flatUnit(4, 6, 2, "nearest-even"), 15_625],
  ["cascade-16 level 1 (exact sums)", cascade16.levels[0]!.fn, 28_561],
  ["cascade-16 level 2 (÷16, offsets)", cascade16.levels[1]!.fn, tier(100_000, 400_000)],
  // the same shapes again at larger sizes and another rounding: the full tier
  ...tier<[string, UnitFunction, number][]>(
    [],
    [
      ["8 workers × 8 bits, floor", flatUnit(8, 8, 4, "floor"), 390_625],
      ["4 workers × 16 bits, PAM4", flatUnit(4, 16, 4, "nearest-even"), 100_000],
    ],
  ),
];

describe("digit slicing", () => {
  // Wherever the unit's output is in range: a cascade's top unit also lists digit-sum vectors no
  // real inputs produce (partial sums above 4·1020), where the unit's clamp and the chain's differ.
  it.each(cases)("%s: the slice chain equals the unit function", (_name, fn, limit) => {
    let bad = 0;
    let wrongLength = 0;
    let inRange = 0;
    const vs = vectors(fn, limit, 7);
    const wide = { ...fn, outDigits: fn.outDigits + 2 };
    const plan = planSlices(fn)!; // planned once: the chain is a pure function of the plan
    for (const s of vs) {
      if (unitOutput(wide, s) >= fn.levels ** fn.outDigits) continue;
      inRange++;
      const out = chained(fn, plan, s);
      if (out === null) wrongLength++;
      else if (out !== unitOutput(fn, s)) bad++;
    }
    expect(wrongLength).toBe(0);
    expect(vs.length).toBe(Math.min(limit, reducedSpaceSize(fn)));
    expect(inRange).toBeGreaterThan(0.99 * vs.length);
    expect(bad).toBe(0);
  });

  it("plans small slices: 4×16 bits becomes 13 + 3 × 2,704 + 208 cases instead of 13^8", () => {
    const plan = planSlices(flatUnit(4, 16, 4, "nearest-even"))!;
    expect(plan.multiplier).toBe(1); // odd: slice 0 sends ⌊x⌋ and the tie class, slice 1 rounds
    expect(plan.slices[0]!.fn.roundClass).toBe(true);
    expect(plan.slices[1]!.fn.roundCarry).toBe(true);
    expect(plan.slices.map((s) => reducedSpaceSize(s.fn))).toEqual([13, 2704, 2704, 2704, 208]);
    expect(plan.slices.map((s) => s.emit)).toEqual([0, 2, 2, 2, 2]);
    // Every slice's dataset enumerates carry digits as N·c optical sums.
    const ds = exhaustiveDataset(plan.slices[1]!.fn);
    const carrySums = new Set<number>();
    for (let c = 0; c < ds.cases; c++) carrySums.add(ds.sums[c * ds.inDigits]!);
    expect([...carrySums].sort((a, b) => a - b)).toEqual([0, 4, 8, 12]);
  });

  it("refuses what it cannot slice exactly", () => {
    expect(planSlices(flatUnit(4, 8, 4, "nearest-away"))).toBeNull(); // ties depend on the sign
    expect(planSlices(flatUnit(6, 8, 4, "nearest-even"))).toBeNull(); // 6 divides no 4^K evenly
  });
});
