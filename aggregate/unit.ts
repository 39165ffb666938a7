// The training set of one aggregation unit: every digit-sum vector of the reduced input space
// (or a stratified sample plus edge cases where the space is too large), with golden output digits.
import type { Rounding } from "../dsl/spec.ts";
import { digitCount, roundedDivide, toDigits } from "./wire-codec.ts";

/** What one unit computes: N inputs of `inDigits` base-L digits → the average with `outDigits` digits. */
export interface UnitFunction {
  workers: number;
  levels: number;
  /** Digits per input value. */
  inDigits: number;
  /** Digits per output value. */
  outDigits: number;
  /** Offset subtracted from each input code before averaging (2^(b−1) for signed values, 0 for partial sums). */
  inputOffset: number;
  /** Offset added to the rounded result to form the output code. */
  outputOffset: number;
  /** Output = R((Σ v_i − workers · inputOffset) / divisor) + outputOffset. */
  divisor: number;
  rounding: Rounding;
  /**
   * Digit slices (aggregate/slices.ts) generalize the input side. The first `carryIn` input
   * positions carry one regenerated carry digit c ∈ 0..L−1, sent on all N ports of the position,
   * so its optical digit sum is N·c and the network sees it at full scale like any digit sum.
   */
  carryIn?: number;
  /** Integer weight of each position's value (digit sum, or carry digit); default L^k. */
  weights?: number[];
  /**
   * Slice 0 of a nearest-even chain with odd M: the output is L·(⌊x/div⌋ + outputOffset) + class,
   * x = Σ w_k S_k − N·inputOffset, class 0/1/2 = remainder below/at/above div/2.
   */
  roundClass?: boolean;
  /**
   * The slice after it: carry position 0 holds that class and adds 1 when 2, or when 1 and
   * (Σ_{0<j<carryIn} w_j c_j + S_carryIn) is odd, to Σ w_k value_k (docs/design/onn.md).
   */
  roundCarry?: boolean;
}

export function unitWeights(u: UnitFunction): number[] {
  return u.weights ?? Array.from({ length: u.inDigits }, (_, k) => u.levels ** k);
}

/** Largest value per input position: (L−1)·N for digit sums, L−1 for carry digits. */
export function unitMaxValues(u: UnitFunction): number[] {
  return Array.from({ length: u.inDigits }, (_, k) => (k < (u.carryIn ?? 0) ? u.levels - 1 : (u.levels - 1) * u.workers));
}

/** How many ports' symbols add up in each position's optical sum per unit of its value. */
function unitCopies(u: UnitFunction, k: number): number {
  return k < (u.carryIn ?? 0) ? u.workers : 1;
}

/** The flat aggregator: b-bit codes in, b-bit quantized average out. */
export function flatUnit(workers: number, precision: number, levels: number, rounding: Rounding): UnitFunction {
  const d = digitCount({ precision, levels });
  const half = 2 ** (precision - 1);
  return { workers, levels, inDigits: d, outDigits: d, inputOffset: half, outputOffset: half, divisor: workers, rounding };
}

/**
 * Evaluate a unit on digit sums S (length inDigits):
 *   clamp(R((Σ_k w_k S_k − N·inputOffset) / divisor) + outputOffset, 0, L^outDigits − 1).
 * The clamp never acts on inputs a real aggregator can receive; it only defines the slices'
 * carry codes that no lower slice produces (a saturating, hence smooth, target there).
 */
export function unitOutput(u: UnitFunction, sums: ArrayLike<number>): number {
  const w = unitWeights(u);
  let total = 0;
  for (let k = 0; k < u.inDigits; k++) total += (w[k]! * sums[k]!) / unitCopies(u, k);
  let q: number;
  if (u.roundClass) {
    const x = total - u.workers * u.inputOffset;
    const f = Math.floor(x / u.divisor);
    const twice = 2 * (x - f * u.divisor);
    q = u.levels * (f + u.outputOffset) + (twice < u.divisor ? 0 : twice === u.divisor ? 1 : 2);
  } else if (u.roundCarry) {
    const cls = sums[0]! / unitCopies(u, 0);
    let f = 0;
    for (let k = 1; k < (u.carryIn ?? 0); k++) f += (w[k]! * sums[k]!) / unitCopies(u, k);
    const up = cls >= 2 ? 1 : cls === 1 && (f + sums[u.carryIn ?? 0]!) % 2 === 1 ? 1 : 0;
    q = total + up;
  } else q = roundedDivide(total - u.workers * u.inputOffset, u.divisor, u.rounding) + u.outputOffset;
  return Math.max(0, Math.min(u.levels ** u.outDigits - 1, q));
}

export interface Dataset {
  cases: number;
  /** Optical digit sums, cases × inDigits (integers 0..(L−1)·N; N·c on a carry position). */
  sums: Int32Array;
  /** Golden output digits, cases × outDigits. */
  targets: Int32Array;
  inDigits: number;
  outDigits: number;
  /** True when every point of the reduced space is present. */
  exhaustive: boolean;
}

/** Size of the reduced (digit-sum) input space: ((L−1)N + 1)^inDigits, or Π (max_k + 1) for slices. */
export function reducedSpaceSize(u: UnitFunction): number {
  return unitMaxValues(u).reduce((a, m) => a * (m + 1), 1);
}

function fill(u: UnitFunction, sums: Int32Array, cases: number): Int32Array {
  const targets = new Int32Array(cases * u.outDigits);
  const fmt = { precision: u.outDigits * Math.log2(u.levels), levels: u.levels };
  const row = new Int32Array(u.outDigits);
  for (let c = 0; c < cases; c++) {
    const code = unitOutput(u, sums.subarray(c * u.inDigits, (c + 1) * u.inDigits));
    toDigits(code, fmt, row);
    targets.set(row, c * u.outDigits);
  }
  return targets;
}

/** Every digit-sum vector, in mixed-radix order (digit 0 fastest). */
export function exhaustiveDataset(u: UnitFunction): Dataset {
  const radix = unitMaxValues(u).map((m) => m + 1);
  const cases = reducedSpaceSize(u);
  const sums = new Int32Array(cases * u.inDigits);
  for (let c = 0; c < cases; c++) {
    let v = c;
    for (let k = 0; k < u.inDigits; k++) {
      sums[c * u.inDigits + k] = (v % radix[k]!) * unitCopies(u, k);
      v = Math.floor(v / radix[k]!);
    }
  }
  return { cases, sums, targets: fill(u, sums, cases), inDigits: u.inDigits, outDigits: u.outDigits, exhaustive: true };
}
