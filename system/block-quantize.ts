// Block quantization of gradients to b-bit fixed point, and back. The code words, their wire form
// and their PAM-L digits are aggregate/wire-codec.ts; this file owns only the scaling.
//
// Format (consistent with dsl/spec.ts Encoding and Rounding):
// - Blocks of `blockSize` consecutive elements share one scale s = max |g| over ALL workers in that
//   block (agreeing on it is a tiny max-all-reduce of one number per block; the paper puts this
//   synchronisation below 0.4 %). Step Δ = s / qmax with qmax = 2^(b−1) − 1, so the signed level
//   q = R(g / Δ) lies in [−qmax, qmax] (symmetric: −2^(b−1) is never produced, so the average of
//   in-range values is in range and negation is exact).
// - Rounding R is applied to the signed value (for offset-binary codes nearest-even and floor give
//   the same code either way; nearest-away differs only on negative ties).
import type { Levels, Rounding } from "../dsl/spec.ts";
import type { CodeFormat, DigitFormat } from "../aggregate/wire-codec.ts";

/** precision b (bits per value), levels L, encoding of the local code words, rounding rule R. */
export interface QuantFormat extends DigitFormat, CodeFormat {
  levels: Levels;
  rounding: Rounding;
}

export function checkFormat(f: QuantFormat): void {
  const bitsPerDigit = Math.log2(f.levels);
  if (!Number.isInteger(f.precision) || f.precision < 2 || f.precision > 30)
    throw new Error(`precision must be an integer in 2..30 bits, got ${f.precision}`);
  if (f.precision % bitsPerDigit !== 0) throw new Error(`precision ${f.precision} is not a multiple of log2(levels) = ${bitsPerDigit}`);
}

export const qmax = (bits: number): number => 2 ** (bits - 1) - 1;

/** Round a real number to an integer with the spec's rounding rule. */
export function roundWith(x: number, mode: Rounding): number {
  if (mode === "floor") return Math.floor(x);
  const fl = Math.floor(x);
  const frac = x - fl;
  if (frac < 0.5) return fl;
  if (frac > 0.5) return fl + 1;
  if (mode === "nearest-even") return fl % 2 === 0 ? fl : fl + 1;
  return x < 0 ? fl : fl + 1; // nearest-away: ties away from zero
}

/** Per-block shared scale: max |g| over every worker and element of the block. */
export function blockScales(grads: Float32Array[], blockSize: number): Float64Array {
  const m = grads[0]?.length ?? 0;
  const blocks = Math.ceil(m / blockSize);
  const scales = new Float64Array(blocks);
  for (const g of grads) {
    for (let i = 0; i < m; i++) {
      const b = Math.floor(i / blockSize);
      const a = Math.abs(g[i]!);
      if (a > scales[b]!) scales[b] = a;
    }
  }
  return scales;
}

/** Signed level of one value given its block scale. */
export function quantizeValue(g: number, scale: number, f: QuantFormat): number {
  if (scale === 0) return 0;
  const qm = qmax(f.precision);
  const q = roundWith((g / scale) * qm, f.rounding);
  return Math.max(-qm, Math.min(qm, q)); // |g| ≤ scale, so this only guards against fp rounding
}

export function dequantizeValue(q: number, scale: number, f: Pick<QuantFormat, "precision">): number {
  return (q * scale) / qmax(f.precision);
}
