import { describe, expect, it } from "vitest";
import type { Rounding } from "../../dsl/spec.ts";
import { goldenAverage, goldenDigits, goldenFromDigitSums } from "../../aggregate/golden.ts";
import { toDigits, toWire } from "../../aggregate/wire-codec.ts";

const RULES: Rounding[] = ["nearest-even", "nearest-away", "floor"];

/** Reference rounding via exact rationals: compare 2·|r| with N rather than floats. */
function refRound(t: number, n: number, rule: Rounding): number {
  const candidates = [Math.floor(t / n), Math.floor(t / n) + 1];
  if (rule === "floor") return candidates[0];
  // distance·n of each candidate from t/n, exact in integers
  const d = candidates.map((q) => Math.abs(q * n - t));
  if (d[0] !== d[1]) return d[0] < d[1] ? candidates[0] : candidates[1];
  if (rule === "nearest-even") return candidates.find((q) => q % 2 === 0)!;
  return t > 0 ? candidates[1] : candidates[0]; // away from zero
}

describe("golden quantized average", () => {
  // Every configuration small enough to enumerate all inputs: N ∈ {2,3,4}, b ∈ {2,4}, L ∈ {2,4}.
  const configs = [2, 3, 4].flatMap((n) => [2, 4].flatMap((b) => [2, 4].filter((l) => b % Math.log2(l) === 0).map((l) => ({ n, b, l }))));
  it.each(configs)(
    "N=$n b=$b L=$l: golden = brute force on signed values, and = f(digit sums), for every input and rule",
    ({ n, b, l }) => {
      const half = 2 ** (b - 1);
      const total = (2 ** b) ** n;
      const d = Math.round(b / Math.log2(l));
      let mismatches = 0;
      let checked = 0;
      for (const rule of RULES) {
        const seen = new Map<string, number>();
        for (let idx = 0; idx < total; idx++) {
          const codes: number[] = [];
          let v = idx;
          for (let w = 0; w < n; w++) {
            codes.push(v % 2 ** b);
            v = Math.floor(v / 2 ** b);
          }
          const signed = codes.map((c) => c - half);
          const expected =
            refRound(
              signed.reduce((a, x) => a + x, 0),
              n,
              rule,
            ) + half;
          const spec = { precision: b, levels: l, rounding: rule };
          if (goldenAverage(codes, spec) !== expected) mismatches++;
          const sums = new Array(d).fill(0);
          for (const c of codes) toDigits(c, spec).forEach((x, k) => (sums[k] += x));
          if (goldenFromDigitSums(sums, n, spec) !== expected) mismatches++;
          // Same digit sums ⇒ same output: the preprocessing is lossless.
          const key = sums.join(",");
          if (seen.has(key) && seen.get(key) !== expected) mismatches++;
          seen.set(key, expected);
          checked++;
        }
      }
      expect(checked).toBe(3 * total);
      expect(mismatches).toBe(0);
    },
  );

  it("two's-complement words become offset-binary on the wire (sign-bit flip); without it digit sums would lose information", () => {
    const b = 4,
      l = 4,
      spec = { precision: b, levels: l, rounding: "nearest-even" as Rounding };
    const twosToOffset = (c: number, precision: number): number => toWire(c, { precision, encoding: "twos-complement" });
    // Raw two's-complement codes 0b0100 (+4) + 0b1100 (−4) and 0b1000 (−8) + 0b1000 (−8) have equal
    // digit sums (top digit sums 1+3 = 2+2) but different averages (0 vs −8).
    const sumsOf = (codes: number[]) => [0, 1].map((k) => codes.reduce((a, c) => a + toDigits(c, spec)[k], 0));
    expect(sumsOf([0b0100, 0b1100])).toEqual(sumsOf([0b1000, 0b1000]));
    expect(goldenAverage([twosToOffset(0b0100, b), twosToOffset(0b1100, b)], spec)).not.toBe(
      goldenAverage([twosToOffset(0b1000, b), twosToOffset(0b1000, b)], spec),
    );
  });

  it("goldenDigits: the average's output code as digits (4 workers, 8 bits, PAM4)", () => {
    const spec = { precision: 8, levels: 4, rounding: "nearest-even" as Rounding };
    // Signed 10, 20, 31, −1: T = 60, T/4 = 15 → code 143 = 3 + 3·4 + 0·16 + 2·64.
    expect([...goldenDigits([138, 148, 159, 127], spec)]).toEqual([3, 3, 0, 2]);
    // Signed −128 ×3 and −127: T = −511, T/4 = −127.75 → −128 → code 0.
    expect([...goldenDigits([0, 0, 0, 1], spec)]).toEqual([0, 0, 0, 0]);
    // Ties: T = 2 over 4 → 0.5 → 0 (even) or 1 (away); T = 6 → 1.5 → 2 either way.
    expect(goldenAverage([129, 129, 128, 128], spec)).toBe(128);
    expect(goldenAverage([129, 129, 128, 128], { ...spec, rounding: "nearest-away" })).toBe(129);
    expect(goldenAverage([130, 130, 129, 129], spec)).toBe(130);
    expect(goldenFromDigitSums([2, 0, 0, 8], 4, spec)).toBe(128); // Σ codes = 514: T = 2 → 0.5 → 0
  });
});
