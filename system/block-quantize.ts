// Block quantization of gradients to b-bit fixed point, PAM-L digits, and back.
//
// Format (consistent with dsl/spec.ts Encoding and Rounding):
// - Blocks of `blockSize` consecutive elements share one scale s = max |g| over ALL workers in that
//   block (agreeing on it is a tiny max-all-reduce of one number per block; the paper puts this
//   synchronisation below 0.4 %). Step Δ = s / qmax with qmax = 2^(b−1) − 1, so the signed level
//   q = R(g / Δ) lies in [−qmax, qmax] (symmetric: −2^(b−1) is never produced, so the average of
//   in-range values is in range and negation is exact).
// - Local code words are b-bit unsigned integers: offset-binary c = q + 2^(b−1) (c ∈ [1, 2^b − 1]);
//   two's-complement c = q mod 2^b.
// - The WIRE is offset-binary for both encodings (a two's-complement sender flips the sign bit,
//   c XOR 2^(b−1) = q + 2^(b−1)), as aggregate/golden.ts defines: then the average is a
//   function of the per-digit sums. A wire code is sent as b / log2 L PAM-L digits, base L,
//   digit 0 the least significant.
// - Rounding R is applied to the signed value (for offset-binary codes nearest-even and floor give
//   the same code either way; nearest-away differs only on negative ties).
import type { Encoding, Levels, Rounding } from "../dsl/spec.ts";

export interface QuantFormat {
  bits: number;
  levels: Levels;
  encoding: Encoding;
  rounding: Rounding;
}

export function checkFormat(f: QuantFormat): void {
  const bitsPerDigit = Math.log2(f.levels);
  if (!Number.isInteger(f.bits) || f.bits < 2 || f.bits > 30) throw new Error(`precision must be an integer in 2..30 bits, got ${f.bits}`);
  if (f.bits % bitsPerDigit !== 0) throw new Error(`precision ${f.bits} is not a multiple of log2(levels) = ${bitsPerDigit}`);
}

export const qmax = (bits: number): number => 2 ** (bits - 1) - 1;
export const digitCount = (f: Pick<QuantFormat, "bits" | "levels">): number => f.bits / Math.log2(f.levels);

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

/** Exact R(sum / n) for integers, without floating-point division error. */
export function roundDiv(sum: number, n: number, mode: Rounding): number {
  const q = Math.floor(sum / n);
  const r = sum - q * n; // 0 ≤ r < n
  if (mode === "floor" || r === 0) return q;
  if (2 * r < n) return q;
  if (2 * r > n) return q + 1;
  if (mode === "nearest-even") return q % 2 === 0 ? q : q + 1;
  return sum < 0 ? q : q + 1;
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
  const qm = qmax(f.bits);
  const q = roundWith((g / scale) * qm, f.rounding);
  return Math.max(-qm, Math.min(qm, q)); // |g| ≤ scale, so this only guards against fp rounding
}

export function dequantizeValue(q: number, scale: number, f: Pick<QuantFormat, "bits">): number {
  return (q * scale) / qmax(f.bits);
}

export function encode(q: number, f: Pick<QuantFormat, "bits" | "encoding">): number {
  const half = 2 ** (f.bits - 1);
  if (f.encoding === "offset-binary") return q + half;
  return q < 0 ? q + 2 * half : q;
}

export function decode(code: number, f: Pick<QuantFormat, "bits" | "encoding">): number {
  const half = 2 ** (f.bits - 1);
  if (f.encoding === "offset-binary") return code - half;
  return code >= half ? code - 2 * half : code;
}

/** Local code → offset-binary wire code (two's complement: flip the sign bit). */
export function toWire(code: number, f: Pick<QuantFormat, "bits" | "encoding">): number {
  return f.encoding === "offset-binary" ? code : code ^ 2 ** (f.bits - 1);
}

/** Offset-binary wire code → signed level. */
export function fromWire(wire: number, f: Pick<QuantFormat, "bits">): number {
  return wire - 2 ** (f.bits - 1);
}

/** Write code's base-L digits (LSB first) into out[offset .. offset + D). */
export function toDigits(code: number, f: Pick<QuantFormat, "bits" | "levels">, out: Int32Array, offset: number): void {
  const d = digitCount(f);
  let c = code;
  for (let k = 0; k < d; k++) {
    out[offset + k] = c % f.levels;
    c = Math.floor(c / f.levels);
  }
}

export function fromDigits(digits: ArrayLike<number>, offset: number, f: Pick<QuantFormat, "bits" | "levels">): number {
  const d = digitCount(f);
  let c = 0;
  for (let k = d - 1; k >= 0; k--) c = c * f.levels + digits[offset + k]!;
  return c;
}
