// The digit-chip options a compile uses for its technology (planDigitChip): under a light budget,
// binary cells divide by a divisor with a factor other than 2 in cells of v ≤ LIGHT_DIVIDE_WIDTH. A
// divide cell's threshold rows all read one optical v, so a wide one (v ≤ 16) needs watts per
// modulator where the narrow one closes from one laser, for about 1 % more MZIs (5 workers at
// PAM-2: 13.2 W against 3.7 mW per modulator). A power of two needs no such cell (wiring, and a last
// step of v ≤ 2·D − 1). `optinc verify` plans the chip it checks with the same options, from the
// preset in report.json.
import { lightBudgetOf } from "../dsl/technology-presets.ts";
import type { DigitChipOptions } from "./digit-divide.ts";
import type { UnitFunction } from "./unit.ts";

/** Widest v of a binary divide cell under a light budget, for a divisor with an odd factor. */
export const LIGHT_DIVIDE_WIDTH = 4;

/** The chip options of a unit at a technology preset (undefined: none named). */
export function chipOptionsFor(preset: string | undefined, u: Pick<UnitFunction, "levels" | "divisor">): DigitChipOptions {
  const oddFactor = u.divisor > 1 && (u.divisor & (u.divisor - 1)) !== 0;
  return preset !== undefined && lightBudgetOf(preset) && u.levels === 2 && oddFactor ? { divideWidth: LIGHT_DIVIDE_WIDTH } : {};
}
