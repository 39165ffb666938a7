// Digit slicing: a unit whose reduced space is too large to train as one network becomes a chain
// of small ONN units, each trained exhaustively on its own space (docs/design/onn.md §3.1).
//
// With S = Σ_k S_k L^k, P = Σ_{k<K} S_k L^k and H = Σ_{k≥K} S_k L^(k−K), choose the smallest K
// for which M = L^K / divisor is an integer. Then, for floor rounding and for nearest-even with M
// even (R(x + 2j) = R(x) + 2j),
//   Q = R((S − N·off_in)/div) + off_out = r + M·H,   r = R((P − N·off_in)/div) + off_out.
// Nearest-even with M odd: slice 0 sends ⌊x⌋ + off_out and the remainder's class instead of r,
// and slice 1 adds 1 above one half, or at exactly one half when ⌊x⌋ + H is odd (H's parity
// is that of its lowest digit sum, L being even). Slice 0 computes r from the low K digit sums; every later
// slice takes a carry c (as base-L digits) and a group of g digit sums G, computes
// v = c + M·G, emits v mod L^g as the next g output digits and passes ⌊v / L^g⌋ on as the next
// carry; the last slice emits all remaining digits. Between slices the carry digits are detected
// and re-sent as PAM-L symbols (an O-E-O regeneration, like the levels of a cascade).
import { unitOutput, reducedSpaceSize, type UnitFunction } from "./unit.ts";
import { digitsFor, roundedDivide, toDigits } from "./wire-codec.ts";

export interface Slice {
  fn: UnitFunction;
  /** First parent input position this slice reads, and how many. */
  from: number;
  count: number;
  /** Carry digits read (the low input positions of fn), written by the previous slice. */
  carryIn: number;
  /** Output digits of the parent's result this slice emits (its low digits); the rest is carry. */
  emit: number;
}

export interface SlicePlan {
  parent: UnitFunction;
  /** M = L^K / divisor. */
  multiplier: number;
  slices: Slice[];
}

/** Units whose reduced space exceeds this many cases are sliced (when their function allows). */
export const SLICE_THRESHOLD = 100_000;
/** Largest space of one carry slice: the group size g is the largest that fits. */
export const SLICE_CASES = 12_000;

/** The slice chain of a unit, or null when it cannot be sliced (nearest-away ties, too few digits). */
export function planSlices(parent: UnitFunction, budget = SLICE_CASES): SlicePlan | null {
  const { levels: L, divisor: div } = parent;
  if (parent.weights || parent.carryIn) return null; // already a slice
  if (parent.rounding === "nearest-away" && div !== 1) return null; // ties depend on the sign of the total
  let K = 1;
  while (K < parent.inDigits && L ** K % div !== 0) K++;
  if (K >= parent.inDigits) return null;
  const M = L ** K / div;
  const maxSum = (L - 1) * parent.workers;
  const weights0 = Array.from({ length: K }, (_, k) => L ** k);
  // An odd M shifts the quotient's parity, so nearest-even ties cannot be settled in slice 0: it
  // sends ⌊x⌋ and the class of the remainder (below, at, above one half) instead, and slice 1,
  // which sees the parity of H (that of its first digit sum, L being even), rounds.
  const tieClass = parent.rounding === "nearest-even" && M % 2 === 1;
  if (roundedDivide(-parent.workers * parent.inputOffset, div, tieClass ? "floor" : parent.rounding) + parent.outputOffset < 0) return null;
  const probe: UnitFunction = { ...parent, inDigits: K, outDigits: 64, weights: weights0, ...(tieClass ? { roundClass: true } : {}) };
  const rMax = unitOutput(probe, new Array<number>(K).fill(maxSum));
  let carry = digitsFor(rMax, L);
  const slices: Slice[] = [{ fn: { ...probe, outDigits: carry }, from: 0, count: K, carryIn: 0, emit: 0 }];
  let pos = K;
  let emitted = 0;
  while (pos < parent.inDigits) {
    const left = parent.inDigits - pos;
    let g = 1;
    while (g < left && L ** carry * (maxSum + 1) ** (g + 1) <= budget) g++;
    const last = g === left;
    // After a tie-class slice 0, carry digit 0 is the class and the others hold ⌊x⌋ (weights L^(j−1)).
    const roundCarry = tieClass && slices.length === 1;
    const carryWeights = Array.from({ length: carry }, (_, j) => (roundCarry ? (j === 0 ? 0 : L ** (j - 1)) : L ** j));
    const weights = [...carryWeights, ...Array.from({ length: g }, (_, i) => M * L ** i)];
    const vMax = (roundCarry ? L ** (carry - 1) : L ** carry - 1) + M * maxSum * ((L ** g - 1) / (L - 1));
    const outDigits = last ? parent.outDigits - emitted : g + digitsFor(Math.floor(vMax / L ** g), L);
    const fn: UnitFunction = {
      workers: parent.workers,
      levels: L,
      inDigits: carry + g,
      outDigits,
      inputOffset: 0,
      outputOffset: 0,
      divisor: 1,
      rounding: parent.rounding,
      carryIn: carry,
      weights,
      ...(roundCarry ? { roundCarry: true } : {}),
    };
    slices.push({ fn, from: pos, count: g, carryIn: carry, emit: last ? outDigits : g });
    emitted += last ? outDigits : g;
    carry = outDigits - g;
    pos += g;
  }
  return { parent, multiplier: M, slices };
}

/** Whether a unit should be sliced: too large to train as one network, and sliceable. */
export function slicePlanFor(fn: UnitFunction, threshold = SLICE_THRESHOLD): SlicePlan | null {
  return reducedSpaceSize(fn) > threshold ? planSlices(fn) : null;
}

/**
 * Run a slice chain on the parent's digit sums: `evalSlice(i, sums)` gets slice i's optical digit
 * sums (a carry digit c appears as N·c) and returns its output digits (the golden slice function,
 * or a simulated circuit). Returns the parent's output digits.
 */
export function runSlices(plan: SlicePlan, sums: ArrayLike<number>, evalSlice: (i: number, inputs: number[]) => number[]): number[] {
  const out: number[] = [];
  let carry: number[] = [];
  plan.slices.forEach((s, i) => {
    const inputs = [...carry.map((c) => c * plan.parent.workers), ...Array.from({ length: s.count }, (_, j) => sums[s.from + j]!)];
    const digits = evalSlice(i, inputs);
    out.push(...digits.slice(0, s.emit));
    carry = digits.slice(s.emit);
  });
  return out;
}

/** Golden digits of one slice function (base-L, least significant first). */
export function sliceDigits(fn: UnitFunction, inputs: ArrayLike<number>): number[] {
  return Array.from(toDigits(unitOutput(fn, inputs), { precision: fn.outDigits * Math.log2(fn.levels), levels: fn.levels }));
}
