// The golden function: the b-bit quantized average of N workers' b-bit fixed-point values,
// defined in exact integer arithmetic and expressed on base-L digits (PAM-L symbols).
//
// Wire format (aggregate/wire-codec.ts). Every value travels as its OFFSET-BINARY code
// v = x + 2^(b−1) (x the signed value), digit k (k = 0 least significant) being ⌊v / L^k⌋ mod L,
// for both encodings; this is what makes the average a function of the digit sums (docs/design/onn.md).
//
// Average. T = Σ x_i (exact integer), q = R(T / N) with R the spec's rounding rule:
//   floor         q = ⌊T/N⌋
//   nearest-even  nearest integer; a tie (2r = N) goes to the even neighbour
//   nearest-away  nearest integer; a tie goes away from zero
// q always lies in [−2^(b−1), 2^(b−1) − 1], so the output code q + 2^(b−1) has b bits.
import type { Rounding, Spec } from "../dsl/spec.ts";
import { roundedDivide, toDigits, type DigitFormat } from "./wire-codec.ts";

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
export function goldenFromDigitSums(sums: ArrayLike<number>, workers: number, spec: DigitFormat & { rounding: Rounding }): number {
  let total = 0;
  for (let k = sums.length - 1; k >= 0; k--) total = total * spec.levels + sums[k];
  const t = total - workers * 2 ** (spec.precision - 1);
  return roundedDivide(t, workers, spec.rounding) + 2 ** (spec.precision - 1);
}

/** Output digits of the golden average, straight from worker codes. */
export function goldenDigits(codes: ArrayLike<number>, spec: DigitFormat & { rounding: Rounding }): Int32Array {
  return toDigits(goldenAverage(codes, spec), spec);
}
