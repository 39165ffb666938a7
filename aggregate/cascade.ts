// Cascade planning: when workers exceed one unit's radix, a tree of units aggregates them.
// Lower levels output the EXACT partial sum of their inputs (all residual bits kept, in more
// digits), so only the top unit rounds: the result equals the flat golden function of all N.
// A lower-level unit with fewer real inputs than its radix is fed the zero code (2^(b−1) at
// level 1), which the top unit's offset accounts for; the top unit has exactly as many inputs as
// there are partial sums left.
import type { Rounding } from "../dsl/spec.ts";
import { digitCount, digitsFor } from "./wire-codec.ts";
import type { UnitFunction } from "./unit.ts";

export interface CascadeLevel {
  level: number;
  units: number;
  fn: UnitFunction;
}

export interface CascadePlan {
  workers: number;
  radix: number;
  levels: CascadeLevel[];
  totalUnits: number;
}

export function planCascade(workers: number, radix: number, precision: number, levels: number, rounding: Rounding): CascadePlan {
  const half = 2 ** (precision - 1);
  const out: CascadeLevel[] = [];
  let inputs = workers;
  let inDigits = digitCount({ precision, levels });
  let maxIn = 2 ** precision - 1;
  let codesPerInput = 1; // worker codes summed into one input value at this level
  for (let level = 1; ; level++) {
    const units = Math.ceil(inputs / radix);
    const top = units === 1;
    // The top unit takes exactly the partial sums that remain (8 workers at radix 4: a radix-2
    // top unit), so no padded input widens its digit sums.
    const fn: UnitFunction = top
      ? {
          workers: inputs,
          levels,
          inDigits,
          outDigits: digitCount({ precision, levels }),
          inputOffset: codesPerInput * half,
          outputOffset: half,
          divisor: workers,
          rounding,
        }
      : {
          workers: radix,
          levels,
          inDigits,
          outDigits: digitsFor(radix * maxIn, levels),
          inputOffset: 0,
          outputOffset: 0,
          divisor: 1,
          rounding,
        };
    out.push({ level, units, fn });
    if (top) break;
    inputs = units;
    maxIn = radix * maxIn;
    inDigits = fn.outDigits;
    codesPerInput *= radix;
  }
  return { workers, radix, levels: out, totalUnits: out.reduce((a, l) => a + l.units, 0) };
}

/** Reference evaluation of a cascade on worker codes (offset-binary), padding with the zero code. */
export function evaluateCascade(
  plan: CascadePlan,
  codes: ArrayLike<number>,
  precision: number,
  unitEval: (fn: UnitFunction, inputs: number[]) => number,
): number {
  const half = 2 ** (precision - 1);
  let values = Array.from(codes);
  let padValue = half;
  for (const lvl of plan.levels) {
    const next: number[] = [];
    for (let u = 0; u < lvl.units; u++) {
      const ins: number[] = [];
      for (let j = 0; j < lvl.fn.workers; j++) ins.push(values[u * plan.radix + j] ?? padValue);
      next.push(unitEval(lvl.fn, ins));
    }
    values = next;
    padValue *= plan.radix;
  }
  return values[0];
}
