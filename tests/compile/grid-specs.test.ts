// The grid bench's specs (tests/bench/grid.bench.ts) are valid and cover what issue #24 names:
// workers 2–64 odd and even, precision 2–16, levels 2, 4, 8, 16, every rounding rule.
import { describe, expect, it } from "vitest";
import { gridSpec, gridSpecs } from "../bench/grid.bench.ts";

describe("grid bench specs", () => {
  const specs = gridSpecs();
  it("every one checks, and together they cover the grid's corners", () => {
    for (const g of specs) expect(gridSpec(g).spec.route).toBe("auto");
    const w = specs.map((g) => g.workers);
    expect(Math.min(...w)).toBe(2);
    expect(Math.max(...w)).toBe(64);
    expect(w.some((x) => x % 2 === 1)).toBe(true);
    expect(new Set(specs.map((g) => g.levels))).toEqual(new Set([2, 4, 8, 16]));
    expect(new Set(specs.map((g) => g.rounding))).toEqual(new Set(["nearest-even", "nearest-away", "floor"]));
    const p = specs.map((g) => g.precision);
    expect([Math.min(...p), Math.max(...p)]).toEqual([2, 16]);
  });
});
