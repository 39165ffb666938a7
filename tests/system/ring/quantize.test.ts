import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Rounding } from "../../../dsl/spec.ts";
import { roundedDivide } from "../../../aggregate/wire-codec.ts";
import { blockScales, dequantizeValue, qmax, quantizeValue, roundWith, type QuantFormat } from "../../../system/block-quantize.ts";

const ROUNDINGS: Rounding[] = ["nearest-even", "nearest-away", "floor"];

describe("rounding", () => {
  it("hand-checked ties and negatives", () => {
    expect([2.5, 3.5, -2.5, -0.5, 1.2, -1.7].map((x) => roundWith(x, "nearest-even"))).toEqual([2, 4, -2, 0, 1, -2]);
    expect([2.5, 3.5, -2.5, -0.5, 1.2, -1.7].map((x) => roundWith(x, "nearest-away"))).toEqual([3, 4, -3, -1, 1, -2]);
    expect([2.5, -2.5, -0.1].map((x) => roundWith(x, "floor"))).toEqual([2, -3, -1]);
  });

  it("the codec's exact roundedDivide(S, N) = roundWith(S / N) for every mode (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -5000, max: 5000 }), fc.integer({ min: 1, max: 64 }), fc.constantFrom(...ROUNDINGS), (s, n, mode) => {
        expect(roundedDivide(s, n, mode) + 0).toBe(roundWith(s / n, mode) + 0);
      }),
      { seed: 42, numRuns: 2000 },
    );
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
          const f: QuantFormat = { precision: bits, levels: 4, encoding: "offset-binary", rounding };
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
    expect(quantizeValue(0, 0, { precision: 8, levels: 4, encoding: "offset-binary", rounding: "floor" })).toBe(0);
  });
});
