// The digit chip of a unit (the closed-form route): the add chain forms T + C, the divide chain
// divides by D, and the rounding rule's tie logic takes a tie back (digit-chip.ts's header has the
// arithmetic). Pure: the same unit gives the same chip.
import type { UnitFunction } from "./unit.ts";
import { addCell, addChain, borrowChain, divideChain, finishChip, type Builder } from "./digit-chains.ts";
import { DEFAULT_DIVIDE_WIDTH, divisionPlan, narrowDivide, type DigitChipOptions } from "./digit-divide.ts";
import { chipSupports, type DigitChip, type DigitRef } from "./digit-chip.ts";
import { digitsFor } from "./wire-codec.ts";

/** The digit chip of a unit (see the file header); throws for units the route does not support. */
export function planDigitChip(u: UnitFunction, opts: DigitChipOptions = {}): DigitChip {
  if (!chipSupports(u)) throw new Error("the closed-form route builds plain units only (not trained digit slices)");
  const { levels: L, workers: N, divisor: D, rounding } = u;
  const b: Builder = { L, N, cells: [] };
  const A = N * u.inputOffset;
  const B = u.outputOffset;
  const tiesExist = rounding !== "floor" && D % 2 === 0;
  const h = rounding === "floor" ? 0 : Math.floor(D / 2);
  const C = h - A + D * B;
  const tMax = N * (L ** u.inDigits - 1);
  const X = digitsFor(Math.max(tMax + Math.max(C, 0), L ** u.outDigits * D - 1), L);
  const width = opts.divideWidth ?? DEFAULT_DIVIDE_WIDTH;
  if (D > 1 && L * D > width) return narrowDivide(b, u, X, C, A, B, divisionPlan(D, L, width, opts.remainderBase));
  const { digits: t } = addChain(b, u.inDigits, X, C, "add", true);
  if (D === 1) return finishChip(b, u, t);
  // Tie handling at the last divide cell (v = L·r + t_0): tie ⇔ v mod D = 0 (h = D/2).
  const odd = (x: number): boolean => x % 2 !== 0;
  const tie = (v: number): boolean => tiesExist && v % D === 0;
  // nearest-even with B even: a tie with Q' − B odd is taken back in place (q_0 odd: no borrow).
  const evenInPlace = rounding === "nearest-even" && !odd(B);
  const q0 = (v: number): number => Math.floor(v / D) - (evenInPlace && tie(v) && odd(Math.floor(v / D) + B) ? 1 : 0);
  const extra: { name: string; fn: (v: number) => number }[] = [];
  if (rounding === "nearest-even" && tiesExist && !evenInPlace)
    extra.push({ name: "tie_odd", fn: (v) => (tie(v) && odd(Math.floor(v / D) + B) ? 1 : 0) });
  // nearest-away takes a tie back only below zero (T < A), which needs A > 0.
  if (rounding === "nearest-away" && tiesExist && A > 0) extra.push({ name: "tie", fn: (v) => (tie(v) ? 1 : 0) });
  const { q, extra: flags } = divideChain(b, t, D, q0, extra);
  if (extra.length === 0) return finishChip(b, u, q);
  let flag: DigitRef;
  if (rounding === "nearest-even") flag = flags[0]!;
  else {
    // nearest-away: take a tie back down when T < A; [T ≥ A] is the carry of T + (L^X − A) out of position X − 1.
    const { carryOut } = addChain(b, u.inDigits, X, L ** X - A, "compare", false);
    if (carryOut.length !== 1) throw new Error("internal: the compare chain must end in one carry digit");
    [flag] = addCell(b, {
      name: "flag",
      role: "decrement",
      position: 0,
      workerPosition: null,
      terms: [
        { digits: [flags[0]!], weight: 2, max: 1 },
        { digits: [carryOut[0]!], weight: 1, max: 1 },
      ],
      bias: 0,
      outputs: [{ name: "dec", fn: (v) => (v === 2 ? 1 : 0) }],
    }) as [DigitRef];
  }
  return finishChip(b, u, borrowChain(b, q, flag, X));
}
