// The bracketing search and the order statistics against hand-made failure models whose answers
// are known exactly.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng } from "../../../math/rng.ts";
import { binomialTail, toleranceQuantile, yieldAt, yieldCurve } from "../../../verify/tolerance/quantile.ts";
import { criticalLevel, smallestPassing } from "../../../verify/tolerance/search.ts";

describe("criticalLevel", () => {
  const opts = { min: 1e-9, max: 1, rtol: 0.02, maxEvaluations: 60 };

  it("brackets a known critical level to rtol, whatever the start and the predictions", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -8.5, max: -0.5, noNaN: true }),
        fc.double({ min: -9, max: 0, noNaN: true }),
        fc.constantFrom("none", "exact", "high", "low", "wild"),
        fc.integer({ min: 1, max: 1e6 }),
        (logC, logStart, kind, seed) => {
          const c = 10 ** logC;
          const rng = createRng(seed);
          const predicted = (): number | undefined =>
            kind === "none"
              ? undefined
              : kind === "exact"
                ? c
                : kind === "high"
                  ? c * 1.7
                  : kind === "low"
                    ? c / 3
                    : c * 10 ** (4 * rng.next() - 2);
          const seen: number[] = [];
          const b = criticalLevel((s) => (seen.push(s), { exact: s <= c, predicted: predicted() }), { ...opts, start: 10 ** logStart });
          expect(b.evaluations).toBe(seen.length);
          expect(b.lo).toBeLessThanOrEqual(c);
          expect(b.hi).toBeGreaterThan(c);
          expect(b.hi / b.lo).toBeLessThanOrEqual(1 + opts.rtol + 1e-12);
          // lo and hi are levels that were evaluated.
          expect(seen).toContain(b.lo);
          expect(seen).toContain(b.hi);
          expect(b.evaluations).toBeLessThan(opts.maxEvaluations);
        },
      ),
      { seed: 11, numRuns: 400 },
    );
  });

  it("needs few evaluations when the predictions are right", () => {
    const b = criticalLevel((s) => ({ exact: s <= 3.3e-4, predicted: 3.3e-4 }), { ...opts, start: 1e-6 });
    expect(b.evaluations).toBeLessThanOrEqual(3);
  });

  it("reports the ends of its range: 0 below min, max when max is exact", () => {
    expect(criticalLevel((s) => ({ exact: s <= 1e-12 }), { ...opts, start: 1e-3 })).toMatchObject({ lo: 0, hi: opts.min });
    expect(criticalLevel((s) => ({ exact: s <= 5 }), { ...opts, start: 1e-3 })).toMatchObject({ lo: opts.max, hi: Infinity });
  });

  it("rejects a meaningless range", () => {
    expect(() => criticalLevel(() => ({ exact: true }), { ...opts, min: 0, start: 1 })).toThrow(RangeError);
  });
});

describe("smallestPassing (DAC bits)", () => {
  it("finds the smallest passing resolution from every guess, exhaustively", () => {
    for (let crit = 1; crit <= 25; crit++) {
      for (let guess = 1; guess <= 24; guess++) {
        const calls: number[] = [];
        const r = smallestPassing((b) => (calls.push(b), b >= crit), 1, 24, guess);
        expect(r.bits).toBe(crit <= 24 ? crit : null);
        expect(r.evaluations).toBe(calls.length);
        expect(calls.every((b) => b >= 1 && b <= 24)).toBe(true);
      }
    }
  });
});

describe("order statistics", () => {
  it("binomial tails match direct sums", () => {
    const direct = (n: number, p: number, r: number) => {
      let s = 0;
      for (let k = r; k <= n; k++) {
        let c = 1;
        for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
        s += c * p ** k * (1 - p) ** (n - k);
      }
      return s;
    };
    for (const [n, p, r] of [
      [10, 0.01, 1],
      [299, 0.01, 1],
      [299, 0.01, 2],
      [50, 0.2, 7],
      [1000, 0.01, 5],
    ] as const)
      expect(binomialTail(n, p, r)).toBeCloseTo(direct(n, p, r), 10);
    expect(binomialTail(299, 0.01, 1)).toBeCloseTo(1 - 0.99 ** 299, 12);
    expect(binomialTail(299, 0.01, 1)).toBeGreaterThan(0.95);
    expect(binomialTail(298, 0.01, 1)).toBeLessThan(0.95);
  });

  it("the tolerance is the 1 % quantile; 299 trials make the smallest a 95 % lower bound", () => {
    const x = Array.from({ length: 299 }, (_, i) => (i + 1) / 299);
    const q = toleranceQuantile(x);
    // floor(0.01 · 299) + 1 = 3rd smallest: yield(x_(3)) = 297/299 ≥ 99 %, yield(x_(4)) = 296/299 < 99 %.
    expect(q.estimate).toBe(x[2]);
    expect(yieldAt(x, q.estimate)).toBeGreaterThanOrEqual(0.99);
    expect(yieldAt(x, x[3]!)).toBeLessThan(0.99);
    expect(q.lowerBound.rank).toBe(1);
    expect(q.lowerBound.value).toBe(x[0]);
    expect(q.lowerBound.confidence).toBeCloseTo(0.9505, 4);
    // 20 trials: the minimum, with the confidence it really has.
    const small = toleranceQuantile([5, 3, 9, 4, 8, 7, 6, 2, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect(small.estimate).toBe(2);
    expect(small.lowerBound).toEqual({ value: 2, rank: 1, confidence: 1 - 0.99 ** 20 });
    // 1000 trials reach rank 5 at ≥ 95 %.
    const big = toleranceQuantile(Array.from({ length: 1000 }, (_, i) => i));
    expect(big.lowerBound.rank).toBe(5);
    expect(big.estimate).toBe(10);
  });

  it("the lower bound holds as often as it says (seeded simulation with a known 1 % quantile)", () => {
    const rng = createRng(5);
    // Critical levels ~ Exp(1): the 1 % quantile is −ln(0.99).
    const q = -Math.log(0.99);
    let holds = 0;
    const runs = 2000;
    let conf = 0;
    for (let r = 0; r < runs; r++) {
      const x = Array.from({ length: 299 }, () => -Math.log(1 - rng.next()));
      const b = toleranceQuantile(x).lowerBound;
      conf = b.confidence;
      if (b.value <= q) holds++;
    }
    // 95.05 % stated; binomial sd over 2000 runs ≈ 0.5 %.
    expect(Math.abs(holds / runs - conf)).toBeLessThan(0.02);
  });

  it("the yield curve steps down at every critical level", () => {
    expect(yieldCurve([3, 1, 2, 2])).toEqual([
      { level: 1, yield: 1 },
      { level: 2, yield: 0.75 },
      { level: 3, yield: 0.25 },
    ]);
  });
});
