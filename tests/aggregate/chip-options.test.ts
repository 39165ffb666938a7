// Under a light budget, binary cells divide by a divisor with an odd factor in cells of v ≤ 4
// (aggregate/chip-options.ts): the wide divide cell's threshold fan-out needs watts per modulator.
// The options are the compile's and verify's both; a power of two, another base or the ideal
// technology (no light budget) keep the default width.
import { describe, expect, it } from "vitest";
import { chipOptionsFor, LIGHT_DIVIDE_WIDTH } from "../../aggregate/chip-options.ts";
import { DEFAULT_DIVIDE_WIDTH } from "../../aggregate/digit-divide.ts";
import { planDigitChip } from "../../aggregate/digit-plan.ts";
import { flatUnit } from "../../aggregate/unit.ts";

describe("the chip options of a technology", () => {
  it("narrows a binary divide by an odd factor under a light budget, and nothing else", () => {
    expect(chipOptionsFor("calibrated", { levels: 2, divisor: 5 })).toEqual({ divideWidth: LIGHT_DIVIDE_WIDTH });
    expect(chipOptionsFor("foundry", { levels: 2, divisor: 12 })).toEqual({ divideWidth: LIGHT_DIVIDE_WIDTH });
    expect(chipOptionsFor("calibrated", { levels: 2, divisor: 4 })).toEqual({});
    expect(chipOptionsFor("calibrated", { levels: 4, divisor: 5 })).toEqual({});
    expect(chipOptionsFor("ideal", { levels: 2, divisor: 5 })).toEqual({});
    expect(chipOptionsFor(undefined, { levels: 2, divisor: 5 })).toEqual({});
    expect(LIGHT_DIVIDE_WIDTH).toBeLessThan(DEFAULT_DIVIDE_WIDTH);
  });

  it("keeps the divide cells of 5 workers' binary chip at v ≤ 4, where the default width does not", () => {
    const fn = flatUnit(5, 4, 2, "nearest-even");
    const divideV = (opts: object): number =>
      Math.max(
        ...planDigitChip(fn, opts)
          .cells.filter((c) => /^(divide|r|w)/.test(c.name))
          .map((c) => c.vmax),
      );
    expect(divideV(chipOptionsFor("calibrated", fn))).toBeLessThanOrEqual(LIGHT_DIVIDE_WIDTH);
    expect(divideV({})).toBeGreaterThan(LIGHT_DIVIDE_WIDTH);
  });
});
