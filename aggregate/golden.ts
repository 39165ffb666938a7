// The golden function: the b-bit quantized average of N workers' b-bit fixed-point values,
// defined in exact integer arithmetic and expressed on base-L digits (PAM-L symbols).
//
// Wire format. Every value travels as its OFFSET-BINARY code v = x + 2^(b−1) (x the signed value),
// digit k (k = 0 least significant) being ⌊v / L^k⌋ mod L. A two's-complement sender flips the
// sign bit before modulation (c XOR 2^(b−1) = v), so the wire is offset-binary for both
// encodings; this is what makes the average a function of the digit sums (see docs/onn.md).
//
// Average. T = Σ x_i (exact integer), q = R(T / N) with R the spec's rounding rule:
//   floor         q = ⌊T/N⌋
//   nearest-even  nearest integer; a tie (2r = N) goes to the even neighbour
//   nearest-away  nearest integer; a tie goes away from zero
// q always lies in [−2^(b−1), 2^(b−1) − 1], so the output code q + 2^(b−1) has b bits.
import type { Rounding, Spec } from "../dsl/spec.ts";

export interface DigitFormat {
  precision: number;
  levels: number;
}

export function digitCount(f: DigitFormat): number {
  return Math.round(f.precision / Math.log2(f.levels));
}

/** Base-L digits needed to write every value 0..max. */
export function digitsFor(max: number, levels: number): number {
  let d = 1;
  while (levels ** d <= max) d++;
  return d;
}

/** Divide an integer by a positive integer under a rounding rule, exactly. */
export function roundedDivide(t: number, n: number, rule: Rounding): number {
  const q0 = Math.floor(t / n);
  const r = t - q0 * n; // 0 ≤ r < n
  if (rule === "floor") return q0;
  const twice = 2 * r;
  if (twice < n) return q0;
  if (twice > n) return q0 + 1;
  if (rule === "nearest-even") return q0 % 2 === 0 ? q0 : q0 + 1;
  // nearest-away: the tie q0 + 1/2 rounds away from zero.
  return q0 + 0.5 > 0 ? q0 + 1 : q0;
}

/** Offset-binary code → base-L digits (length D, least significant first). */
export function toDigits(code: number, f: DigitFormat, out: Int32Array = new Int32Array(digitCount(f)), at = 0): Int32Array {
  let v = code;
  const d = digitCount(f);
  for (let k = 0; k < d; k++) {
    out[at + k] = v % f.levels;
    v = Math.floor(v / f.levels);
  }
  return out;
}

export function fromDigits(digits: ArrayLike<number>, levels: number, at = 0, count = digits.length - at): number {
  let v = 0;
  for (let k = count - 1; k >= 0; k--) v = v * levels + digits[at + k];
  return v;
}

/** Two's-complement code (b bits) → offset-binary wire code: flip the sign bit. */
export function twosToOffset(code: number, precision: number): number {
  return code ^ (1 << (precision - 1));
}

/** The golden output code for N workers' offset-binary input codes. */
export function goldenAverage(codes: ArrayLike<number>, spec: Pick<Spec, "precision" | "rounding">): number {
  const half = 2 ** (spec.precision - 1);
  let t = 0;
  for (let i = 0; i < codes.length; i++) t += codes[i] - half;
  return roundedDivide(t, codes.length, spec.rounding) + half;
}

/**
 * The same function computed from the digit sums S_k = Σ_i d_{i,k} only. Equality with
 * goldenAverage on every input is the proof that digit-sum preprocessing loses nothing.
 */
export function goldenFromDigitSums(
  sums: ArrayLike<number>,
  workers: number,
  spec: DigitFormat & { rounding: Rounding },
): number {
  let total = 0;
  for (let k = sums.length - 1; k >= 0; k--) total = total * spec.levels + sums[k];
  const t = total - workers * 2 ** (spec.precision - 1);
  return roundedDivide(t, workers, spec.rounding) + 2 ** (spec.precision - 1);
}

/** Output digits of the golden average, straight from worker codes. */
export function goldenDigits(codes: ArrayLike<number>, spec: DigitFormat & { rounding: Rounding }): Int32Array {
  return toDigits(goldenAverage(codes, spec), spec);
}
