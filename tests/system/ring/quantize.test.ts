import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Encoding, Levels, Rounding } from "../../../dsl/spec.ts";
import {
  blockScales,
  decode,
  dequantizeValue,
  encode,
  fromDigits,
  fromWire,
  qmax,
  quantizeValue,
  roundDiv,
  roundWith,
  toDigits,
  toWire,
  type QuantFormat,
} from "../../../system/block-quantize.ts";

const ROUNDINGS: Rounding[] = ["nearest-even", "nearest-away", "floor"];
const ENCODINGS: Encoding[] = ["offset-binary", "twos-complement"];

describe("rounding", () => {
  it("hand-checked ties and negatives", () => {
    expect([2.5, 3.5, -2.5, -0.5, 1.2, -1.7].map((x) => roundWith(x, "nearest-even"))).toEqual([2, 4, -2, 0, 1, -2]);
    expect([2.5, 3.5, -2.5, -0.5, 1.2, -1.7].map((x) => roundWith(x, "nearest-away"))).toEqual([3, 4, -3, -1, 1, -2]);
    expect([2.5, -2.5, -0.1].map((x) => roundWith(x, "floor"))).toEqual([2, -3, -1]);
    expect(roundDiv(-7, 2, "nearest-away")).toBe(-4);
    expect(roundDiv(-7, 2, "nearest-even")).toBe(-4);
    expect(roundDiv(-5, 2, "nearest-even")).toBe(-2);
    expect(roundDiv(7, 4, "floor")).toBe(1);
  });

  it("roundDiv(S, N) = R(S / N) for every mode (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -5000, max: 5000 }), fc.integer({ min: 1, max: 64 }), fc.constantFrom(...ROUNDINGS), (s, n, mode) => {
        expect(roundDiv(s, n, mode) + 0).toBe(roundWith(s / n, mode) + 0);
      }),
      { seed: 42, numRuns: 2000 },
    );
  });
});

describe("codes and PAM-L digits", () => {
  it("local codes round-trip and the wire is offset-binary for both encodings (exhaustive, b ≤ 12)", () => {
    for (let bits = 2; bits <= 12; bits += 2) {
      for (const encoding of ENCODINGS) {
        const f = { bits, encoding };
        for (let q = -qmax(bits); q <= qmax(bits); q++) {
          const c = encode(q, f);
          if (!(c >= 0 && c < 2 ** bits)) throw new Error(`code ${c} out of ${bits} bits`);
          if (decode(c, f) !== q) throw new Error(`decode(encode(${q})) ≠ ${q}`);
          if (toWire(c, f) !== q + 2 ** (bits - 1) || fromWire(toWire(c, f), f) !== q) throw new Error(`wire of ${q}`);
        }
      }
    }
    expect(encode(-1, { bits: 8, encoding: "twos-complement" })).toBe(255);
    expect(encode(-1, { bits: 8, encoding: "offset-binary" })).toBe(127);
  });

  it("base-L digits, least significant first, round-trip every 8-bit code", () => {
    for (const levels of [2, 4, 16] as Levels[]) {
      const f = { bits: 8, levels };
      const out = new Int32Array(9);
      for (let c = 0; c < 256; c++) {
        toDigits(c, f, out, 1);
        const d = 8 / Math.log2(levels);
        for (let k = 0; k < d; k++) if (out[1 + k]! < 0 || out[1 + k]! >= levels) throw new Error("digit out of range");
        if (fromDigits(out, 1, f) !== c) throw new Error(`digits of ${c}`);
      }
    }
    const out = new Int32Array(4);
    toDigits(0b11_10_01_00, { bits: 8, levels: 4 }, out, 0);
    expect(Array.from(out)).toEqual([0, 1, 2, 3]); // PAM4 digit 0 = the two least significant bits
  });
});

describe("block quantization", () => {
  it("scale = max |g| over every worker in the block", () => {
    const s = blockScales([Float32Array.of(1, -5, 2, 0.5), Float32Array.of(-3, 4, -0.25, 0)], 2);
    expect(Array.from(s)).toEqual([5, 2]);
  });

  it("quantize → dequantize error ≤ Δ/2 (nearest) and < Δ (floor), levels in range (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e3, noNaN: true }),
        fc.integer({ min: 1, max: 8 }).map((k) => 2 * k),
        fc.constantFrom(...ROUNDINGS),
        (u, scale, bits, rounding) => {
          const f: QuantFormat = { bits, levels: 4, encoding: "offset-binary", rounding };
          const g = u * scale; // |g| ≤ scale as block scaling guarantees
          const q = quantizeValue(g, scale, f);
          expect(Math.abs(q)).toBeLessThanOrEqual(qmax(bits));
          const step = scale / qmax(bits);
          const err = Math.abs(dequantizeValue(q, scale, f) - g);
          if (rounding === "floor") expect(err).toBeLessThan(step * (1 + 1e-12));
          else expect(err).toBeLessThanOrEqual(step / 2 + step * 1e-12);
        },
      ),
      { seed: 42, numRuns: 1000 },
    );
  });

  it("an all-zero block quantizes to zero", () => {
    expect(quantizeValue(0, 0, { bits: 8, levels: 4, encoding: "offset-binary", rounding: "floor" })).toBe(0);
  });
});
