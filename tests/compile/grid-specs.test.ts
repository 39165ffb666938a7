// The grid bench's specs (tests/bench/grid.bench.ts) are valid and cover what the grid names:
// workers 2–256 odd, even, prime and powers of two, precision 2–16, levels 2, 4, 8, 16, every
// rounding rule, and the named sizes.
import { describe, expect, it } from "vitest";
import { gridSpec, gridSpecs } from "../bench/grid.bench.ts";

describe("grid bench specs", () => {
  const specs = gridSpecs();
  it("every one checks, and together they cover the grid's corners", () => {
    for (const g of specs) expect(gridSpec(g).spec.route).toBe("auto");
    const w = specs.map((g) => g.workers);
    expect(Math.min(...w)).toBe(2);
    expect(Math.max(...w)).toBe(256);
    expect(w.some((x) => x % 2 === 1)).toBe(true);
    const prime = (n: number): boolean => n > 1 && Array.from({ length: n - 2 }, (_, i) => i + 2).every((d) => n % d !== 0);
    expect(w.filter(prime).length).toBeGreaterThanOrEqual(3);
    expect(w.filter((n) => (n & (n - 1)) === 0 && n >= 64).length).toBeGreaterThanOrEqual(2);
    const has = (workers: number, precision: number, levels: number): boolean =>
      specs.some((g) => g.workers === workers && g.precision === precision && g.levels === levels);
    for (const n of [16, 24, 32, 48, 64, 128, 256]) expect(has(n, 8, 4), `${n} × 8 bits PAM-4`).toBe(true);
    for (const n of [4, 8, 16])
      expect(
        specs.some((g) => g.workers === n && g.levels === 8),
        `${n} workers PAM-8`,
      ).toBe(true);
    for (const n of [4, 8, 16])
      expect(
        specs.some((g) => g.workers === n && g.levels === 16),
        `${n} workers PAM-16`,
      ).toBe(true);
    expect(new Set(specs.map((g) => g.levels))).toEqual(new Set([2, 4, 8, 16]));
    expect(new Set(specs.map((g) => g.rounding))).toEqual(new Set(["nearest-even", "nearest-away", "floor"]));
    const p = specs.map((g) => g.precision);
    expect([Math.min(...p), Math.max(...p)]).toEqual([2, 16]);
  });
});
