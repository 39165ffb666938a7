// The number format on the wire: the one codec every room uses (golden model, unit functions,
// verification, the data path, ring all-reduce).
//
// - Signed value q, precision b bits. A LOCAL code word is a b-bit unsigned integer:
//   offset-binary c = q + 2^(b−1); two's-complement c = q mod 2^b (encode / decode).
// - The WIRE is always offset-binary, v = q + 2^(b−1): a two's-complement sender flips the sign bit
//   (c XOR 2^(b−1) = v) before modulation (toWire / fromWire). That makes the average of N values
//   a function of the per-digit sums (aggregate/golden.ts, docs/design/onn.md).
// - A wire code is sent as D = b / log2 L PAM-L symbols, base-L digits, LEAST significant first:
//   digit k = ⌊v / L^k⌋ mod L (toDigits / fromDigits). Arrays of several values lay each value's
//   D digits side by side, value w at [w·D, w·D + D).
// - Division of an integer sum by N is exact, under the spec's rounding rule (roundedDivide).
//
// Argument order throughout: the data first, then the format, then (optionally) the buffer and
// the position in it.
import type { Encoding, Rounding } from "../dsl/spec.ts";

/** The digit layout of a value: b bits as base-L digits. */
export interface DigitFormat {
  precision: number;
  levels: number;
}

/** How a local code word maps to a signed value. */
export interface CodeFormat {
  precision: number;
  encoding: Encoding;
}

/** Base-L digits per value: b / log2 L. */
export function digitCount(f: DigitFormat): number {
  return Math.round(f.precision / Math.log2(f.levels));
}

/** Base-L digits needed to write every value 0..max. */
export function digitsFor(max: number, levels: number): number {
  let d = 1;
  while (levels ** d <= max) d++;
  return d;
}

/** Divide an integer by a positive integer under a rounding rule, exactly (no floating-point division error). */
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

/** Code → its D base-L digits, least significant first, written to out[at .. at + D). */
export function toDigits(code: number, f: DigitFormat, out: Int32Array = new Int32Array(digitCount(f)), at = 0): Int32Array {
  let v = code;
  const d = digitCount(f);
  for (let k = 0; k < d; k++) {
    out[at + k] = v % f.levels;
    v = Math.floor(v / f.levels);
  }
  return out;
}

/** The code whose `count` base-L digits (least significant first) stand at digits[at ..]. */
export function fromDigits(digits: ArrayLike<number>, levels: number, at = 0, count = digits.length - at): number {
  let v = 0;
  for (let k = count - 1; k >= 0; k--) v = v * levels + digits[at + k]!;
  return v;
}

/** Signed level → local code word. */
export function encode(q: number, f: CodeFormat): number {
  const half = 2 ** (f.precision - 1);
  if (f.encoding === "offset-binary") return q + half;
  return q < 0 ? q + 2 * half : q;
}

/** Local code word → signed level. */
export function decode(code: number, f: CodeFormat): number {
  const half = 2 ** (f.precision - 1);
  if (f.encoding === "offset-binary") return code - half;
  return code >= half ? code - 2 * half : code;
}

/** Local code word → offset-binary wire code (two's complement: flip the sign bit). */
export function toWire(code: number, f: CodeFormat): number {
  return f.encoding === "offset-binary" ? code : code ^ (2 ** (f.precision - 1));
}

/** Offset-binary wire code → signed level. */
export function fromWire(wire: number, f: Pick<CodeFormat, "precision">): number {
  return wire - 2 ** (f.precision - 1);
}
