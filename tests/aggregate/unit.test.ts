// Unit functions (aggregate/unit.ts) against their definitions: the flat unit against a
// brute-force rational rounding of the digit-sum total, the clamp, the tie-class handshake of a
// nearest-even slice chain against hand-worked values, and the exhaustive datasets' layout.
import { describe, expect, it } from "vitest";
import { planCascade } from "../../aggregate/cascade.ts";
import { planSlices } from "../../aggregate/slices.ts";
import {
  exhaustiveDataset,
  flatUnit,
  reducedSpaceSize,
  unitMaxValues,
  unitOutput,
  unitWeights,
  type UnitFunction,
} from "../../aggregate/unit.ts";
import type { Rounding } from "../../dsl/spec.ts";

const RULES: Rounding[] = ["nearest-even", "nearest-away", "floor"];

/** R(t/n) from the two neighbouring integers' exact distances n·|q − t/n|. */
function refRound(t: number, n: number, rule: Rounding): number {
  const lo = Math.floor(t / n);
  if (rule === "floor") return lo;
  const dLo = t - lo * n;
  const dHi = (lo + 1) * n - t;
  if (dLo !== dHi) return dLo < dHi ? lo : lo + 1;
  if (rule === "nearest-even") return lo % 2 === 0 ? lo : lo + 1;
  return t > 0 ? lo + 1 : lo;
}

/** Every digit-sum vector of `digits` positions with values 0..max, position 0 fastest. */
function* sumVectors(digits: number, max: number): Generator<number[]> {
  const v = new Array<number>(digits).fill(0);
  for (;;) {
    yield v.slice();
    let k = 0;
    while (k < digits && v[k] === max) v[k++] = 0;
    if (k === digits) return;
    v[k]!++;
  }
}

const slices48 = planSlices(flatUnit(4, 8, 4, "nearest-even"))!;

describe("the flat unit", () => {
  it("flatUnit: b-bit codes in and out, offsets 2^(b−1), divisor N", () => {
    expect(flatUnit(4, 8, 4, "nearest-even")).toEqual({
      workers: 4,
      levels: 4,
      inDigits: 4,
      outDigits: 4,
      inputOffset: 128,
      outputOffset: 128,
      divisor: 4,
      rounding: "nearest-even",
    });
    expect(flatUnit(3, 6, 2, "floor")).toEqual({
      workers: 3,
      levels: 2,
      inDigits: 6,
      outDigits: 6,
      inputOffset: 32,
      outputOffset: 32,
      divisor: 3,
      rounding: "floor",
    });
  });

  it.each([
    [2, 4, 4],
    [3, 4, 4],
    [4, 4, 2],
    [4, 6, 4],
    [5, 4, 4],
  ])("%i workers × %i bits, PAM-%i: R((Σ S_k L^k − N·2^(b−1))/N) + 2^(b−1) on every digit-sum vector and rule", (n, b, l) => {
    const d = Math.round(b / Math.log2(l));
    const half = 2 ** (b - 1);
    let checked = 0;
    for (const rule of RULES) {
      const fn = flatUnit(n, b, l, rule);
      for (const s of sumVectors(d, (l - 1) * n)) {
        const total = s.reduce((a, x, k) => a + x * l ** k, 0) - n * half;
        expect(unitOutput(fn, s)).toBe(refRound(total, n, rule) + half);
        checked++;
      }
    }
    expect(checked).toBe(3 * ((l - 1) * n + 1) ** d);
  });
});

describe("shape of a unit", () => {
  it("weights default to L^k; carry positions hold L − 1 at most, digit sums (L − 1)·N", () => {
    const flat = flatUnit(4, 8, 4, "nearest-even");
    expect(unitWeights(flat)).toEqual([1, 4, 16, 64]);
    expect(unitMaxValues(flat)).toEqual([12, 12, 12, 12]);
    expect(reducedSpaceSize(flat)).toBe(28_561);
    const s1 = slices48.slices[1]!.fn;
    expect(unitWeights(s1)).toEqual([0, 1, 1, 4]);
    expect(unitMaxValues(s1)).toEqual([3, 3, 12, 12]);
    expect(reducedSpaceSize(s1)).toBe(4 * 4 * 13 * 13);
    expect(reducedSpaceSize(slices48.slices[2]!.fn)).toBe(4 * 4 * 13);
    expect(reducedSpaceSize(planCascade(16, 4, 8, 4, "nearest-even").levels[1]!.fn)).toBe(13 ** 5);
  });
});

describe("the clamp to the output digits", () => {
  it("a cascade top unit's all-maximal digit sums (a code no lower level sends) saturate at L^out − 1", () => {
    const top = planCascade(16, 4, 8, 4, "nearest-even").levels[1]!.fn;
    // 12·(1 + 4 + 16 + 64 + 256) = 4092; (4092 − 4·512)/16 = 127.75 → 128, + 128 = 256 > 255.
    expect(unitOutput(top, [12, 12, 12, 12, 12])).toBe(255);
    // All zero: (0 − 2048)/16 + 128 = 0, the lowest code, not clamped.
    expect(unitOutput(top, [0, 0, 0, 0, 0])).toBe(0);
    // In range: sums [0, 0, 0, 0, 12] = 3072 → (3072 − 2048)/16 + 128 = 192.
    expect(unitOutput(top, [0, 0, 0, 0, 12])).toBe(192);
  });

  it("a negative result saturates at 0", () => {
    const fn: UnitFunction = {
      workers: 2,
      levels: 4,
      inDigits: 1,
      outDigits: 1,
      inputOffset: 3,
      outputOffset: 0,
      divisor: 1,
      rounding: "floor",
    };
    expect([0, 3, 5, 6, 9].map((s) => unitOutput(fn, [s]))).toEqual([0, 0, 0, 0, 3]);
    expect(unitOutput({ ...fn, outputOffset: 1 }, [7])).toBe(2);
  });
});

describe("the tie-class handshake of a nearest-even chain with odd M (4 workers × 8 bits, M = 1)", () => {
  it("slice 0 sends 4·(⌊(S − 512)/4⌋ + 128) + class, class 0/1/2 = remainder below/at/above one half", () => {
    const s0 = slices48.slices[0]!.fn;
    expect(s0).toMatchObject({ inDigits: 1, outDigits: 2, divisor: 4, inputOffset: 128, outputOffset: 128, roundClass: true });
    // S = 0..3: ⌊x/4⌋ = −128, remainders 0, 1, 2, 3 → classes 0, 0, 1, 2; and so on per group of 4.
    expect(Array.from({ length: 13 }, (_, s) => unitOutput(s0, [s]))).toEqual([0, 0, 1, 2, 4, 4, 5, 6, 8, 8, 9, 10, 12]);
  });

  it("slice 0 with a divisor that leaves remainders 0..5: classes split at exactly half", () => {
    const fn: UnitFunction = {
      workers: 2,
      levels: 4,
      inDigits: 1,
      outDigits: 3,
      inputOffset: 0,
      outputOffset: 0,
      divisor: 6,
      rounding: "nearest-even",
      weights: [1],
      roundClass: true,
    };
    // ⌊S/6⌋ = 0 for S = 0..5: 2·r = 0, 2, 4 (< 6) → 0; 6 → 1; 8, 10 → 2.
    expect([0, 1, 2, 3, 4, 5, 6].map((s) => unitOutput(fn, [s]))).toEqual([0, 0, 0, 1, 2, 2, 4]);
  });

  it("slice 1 adds 1 for class 2, and for class 1 when ⌊x⌋ + H is odd", () => {
    const s1 = slices48.slices[1]!.fn;
    expect(s1).toMatchObject({ carryIn: 2, weights: [0, 1, 1, 4], roundCarry: true });
    // Optical inputs: carry digits arrive on all 4 ports (4·c); then the digit sums S1, S2.
    const run = (cls: number, c1: number, s1v: number, s2v: number) => unitOutput(s1, [4 * cls, 4 * c1, s1v, s2v]);
    expect(run(0, 2, 5, 3)).toBe(2 + 5 + 12); // below half: nothing added
    expect(run(2, 2, 5, 3)).toBe(20); // above half: +1
    expect(run(1, 2, 5, 3)).toBe(20); // tie, 2 + 5 odd: +1
    expect(run(1, 3, 5, 3)).toBe(20); // tie, 3 + 5 even: +0
    expect(run(1, 0, 0, 0)).toBe(0);
    expect(run(1, 1, 0, 0)).toBe(2);
    expect(run(1, 0, 1, 0)).toBe(2);
    expect(run(1, 0, 0, 1)).toBe(4); // S2's weight 4 does not change the parity
    expect(run(3, 0, 0, 0)).toBe(1);
  });
});

describe("exhaustive datasets", () => {
  it("every digit-sum vector, position 0 fastest, carry digits as N·c, golden digits as targets", () => {
    const fn = slices48.slices[1]!.fn;
    const ds = exhaustiveDataset(fn);
    expect(ds).toMatchObject({ cases: 2704, inDigits: 4, outDigits: 4, exhaustive: true });
    expect(ds.sums.length).toBe(2704 * 4);
    expect(ds.targets.length).toBe(2704 * 4);
    const row = (c: number) => [...ds.sums.subarray(c * 4, c * 4 + 4)];
    expect(row(0)).toEqual([0, 0, 0, 0]);
    expect(row(1)).toEqual([4, 0, 0, 0]);
    expect(row(3)).toEqual([12, 0, 0, 0]);
    expect(row(4)).toEqual([0, 4, 0, 0]);
    expect(row(16)).toEqual([0, 0, 1, 0]);
    expect(row(16 * 13)).toEqual([0, 0, 0, 1]);
    expect(row(2703)).toEqual([12, 12, 12, 12]);
    for (let c = 0; c < ds.cases; c++) {
      const v = unitOutput(fn, ds.sums.subarray(c * 4, c * 4 + 4));
      const t = [...ds.targets.subarray(c * 4, c * 4 + 4)];
      expect(t[0]! + 4 * t[1]! + 16 * t[2]! + 64 * t[3]!).toBe(v);
      expect(t.every((d) => d >= 0 && d < 4)).toBe(true);
    }
  });

  it("a flat unit's targets are the digits of the rounded average", () => {
    const fn = flatUnit(3, 4, 4, "nearest-away");
    const ds = exhaustiveDataset(fn);
    expect(ds.cases).toBe(10 * 10);
    for (let c = 0; c < ds.cases; c++) {
      const s0 = ds.sums[c * 2]!;
      const s1 = ds.sums[c * 2 + 1]!;
      expect(s0 + 10 * s1).toBe(c);
      const q = refRound(s0 + 4 * s1 - 24, 3, "nearest-away") + 8;
      expect([ds.targets[c * 2], ds.targets[c * 2 + 1]]).toEqual([q % 4, Math.floor(q / 4)]);
    }
  });
});
