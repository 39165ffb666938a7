// The one wire codec (aggregate/wire-codec.ts): exact division under each rounding rule against a
// rational reference, local codes ↔ offset-binary wire, and base-L digits least significant first.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Encoding, Levels, Rounding } from "../../dsl/spec.ts";
import {
  decode,
  digitCount,
  digitsFor,
  encode,
  fromDigits,
  fromWire,
  roundedDivide,
  toDigits,
  toWire,
} from "../../aggregate/wire-codec.ts";

const RULES: Rounding[] = ["nearest-even", "nearest-away", "floor"];
const ENCODINGS: Encoding[] = ["offset-binary", "twos-complement"];

/** Reference rounding via exact rationals: compare the two candidates' distances·n in integers. */
function refRound(t: number, n: number, rule: Rounding): number {
  const candidates = [Math.floor(t / n), Math.floor(t / n) + 1] as const;
  if (rule === "floor") return candidates[0];
  const d = candidates.map((q) => Math.abs(q * n - t));
  if (d[0] !== d[1]) return d[0]! < d[1]! ? candidates[0] : candidates[1];
  if (rule === "nearest-even") return candidates.find((q) => q % 2 === 0)!;
  return t > 0 ? candidates[1] : candidates[0]; // away from zero
}

describe("roundedDivide", () => {
  it("equals the rational reference for every rule", () => {
    fc.assert(
      fc.property(fc.integer({ min: -5000, max: 5000 }), fc.integer({ min: 1, max: 64 }), fc.constantFrom(...RULES), (t, n, rule) => {
        expect(roundedDivide(t, n, rule)).toBe(refRound(t, n, rule));
      }),
      { seed: 42, numRuns: 3000 },
    );
  });

  it("ties: 2.5 → 2 (even) or 3 (away); −2.5 → −2 (even) or −3 (away); floor −2.5 → −3; −3.5 → −4 either way", () => {
    expect(roundedDivide(5, 2, "nearest-even")).toBe(2);
    expect(roundedDivide(5, 2, "nearest-away")).toBe(3);
    expect(roundedDivide(-5, 2, "nearest-even")).toBe(-2);
    expect(roundedDivide(-5, 2, "nearest-away")).toBe(-3);
    expect(roundedDivide(-5, 2, "floor")).toBe(-3);
    expect(roundedDivide(-7, 2, "nearest-away")).toBe(-4);
    expect(roundedDivide(-7, 2, "nearest-even")).toBe(-4);
    expect(roundedDivide(7, 4, "floor")).toBe(1);
  });
});

describe("local codes and the wire", () => {
  it("local codes round-trip and the wire is offset-binary for both encodings (exhaustive, b ≤ 12)", () => {
    for (let precision = 2; precision <= 12; precision += 2) {
      const qmax = 2 ** (precision - 1) - 1;
      for (const encoding of ENCODINGS) {
        const f = { precision, encoding };
        for (let q = -qmax; q <= qmax; q++) {
          const c = encode(q, f);
          if (!(c >= 0 && c < 2 ** precision)) throw new Error(`code ${c} out of ${precision} bits`);
          if (decode(c, f) !== q) throw new Error(`decode(encode(${q})) ≠ ${q}`);
          if (toWire(c, f) !== q + 2 ** (precision - 1) || fromWire(toWire(c, f), f) !== q) throw new Error(`wire of ${q}`);
        }
      }
    }
    expect(encode(-1, { precision: 8, encoding: "twos-complement" })).toBe(255);
    expect(encode(-1, { precision: 8, encoding: "offset-binary" })).toBe(127);
  });

  it("a two's-complement word goes on the wire with its sign bit flipped", () => {
    const f = { precision: 4, encoding: "twos-complement" as const };
    for (let c = 0; c < 16; c++) expect(toWire(c, f)).toBe((c < 8 ? c : c - 16) + 8);
    expect(toWire(5, { precision: 4, encoding: "offset-binary" })).toBe(5);
  });
});

describe("base-L digits", () => {
  it("least significant first, round-trip every 8-bit code at an offset", () => {
    for (const levels of [2, 4, 16] as Levels[]) {
      const f = { precision: 8, levels };
      const d = digitCount(f);
      const out = new Int32Array(d + 1);
      for (let c = 0; c < 256; c++) {
        toDigits(c, f, out, 1);
        for (let k = 0; k < d; k++) if (out[1 + k]! < 0 || out[1 + k]! >= levels) throw new Error("digit out of range");
        if (fromDigits(out, levels, 1, d) !== c) throw new Error(`digits of ${c}`);
      }
    }
    expect([...toDigits(0b11_10_01_00, { precision: 8, levels: 4 })]).toEqual([0, 1, 2, 3]); // PAM4 digit 0 = the two least significant bits
    for (let v = 0; v < 256; v++) expect(fromDigits(toDigits(v, { precision: 8, levels: 4 }), 4)).toBe(v);
  });

  it("digit counts: b / log2 L digits per value; digitsFor(max) digits hold 0..max", () => {
    expect([
      digitCount({ precision: 8, levels: 4 }),
      digitCount({ precision: 16, levels: 4 }),
      digitCount({ precision: 6, levels: 2 }),
      digitCount({ precision: 8, levels: 16 }),
    ]).toEqual([4, 8, 6, 2]);
    expect([0, 1, 3, 4, 15, 16, 1020, 1023, 1024].map((m) => digitsFor(m, 4))).toEqual([1, 1, 1, 2, 2, 3, 5, 5, 6]);
    expect([1, 2, 255, 256].map((m) => digitsFor(m, 2))).toEqual([1, 2, 8, 9]);
  });

  it("toDigits / fromDigits at an offset inside a longer array", () => {
    const f = { precision: 8, levels: 4 };
    const out = new Int32Array(10).fill(-1);
    // 0b10_01_11_00 = 156 → digits 0, 3, 1, 2 (least significant first), written at 3..6.
    expect(toDigits(156, f, out, 3)).toBe(out);
    expect([...out]).toEqual([-1, -1, -1, 0, 3, 1, 2, -1, -1, -1]);
    expect(fromDigits(out, 4, 3, 4)).toBe(156);
    expect(fromDigits(out, 4, 4, 2)).toBe(3 + 4 * 1);
    expect(fromDigits([2, 1], 16)).toBe(18);
    expect(fromDigits([1, 2, 3], 4, 1)).toBe(2 + 3 * 4); // from `at` to the end when no count is given
    expect([...toDigits(255, f)]).toEqual([3, 3, 3, 3]);
    expect([...toDigits(0, { precision: 6, levels: 2 })]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
