// The exact binomial statistics against known values: R's binom.test(5, 20) interval (the textbook
// example) and the others from scipy.stats.beta.ppf (scipy 1.17, run for this file), plus identities
// that hold for any correct implementation.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { betaCdf, betaQuantile, clopperPearson, drawsForConfidence, logGamma, orderStatisticConfidence } from "../../math/binomial.ts";
import { binomialTail } from "../../verify/tolerance/quantile.ts";

describe("beta function", () => {
  it("logGamma matches factorials and Γ(1/2) = √π", () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 11);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
  });
  it("betaCdf and betaQuantile match scipy", () => {
    expect(betaCdf(0.3, 2.5, 4.5)).toBeCloseTo(0.40653901668245934, 12);
    expect(betaCdf(0.01, 1, 20)).toBeCloseTo(0.18209306240276915, 12);
    expect(betaQuantile(0.9, 0.5, 0.5)).toBeCloseTo(0.9755282581475768, 12);
  });
  it("betaQuantile inverts betaCdf (seeded property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 400 }),
        (p, a, b) => {
          expect(betaCdf(betaQuantile(p, a, b), a, b)).toBeCloseTo(p, 9);
        },
      ),
      { seed: 24, numRuns: 200 },
    );
  });
});

describe("Clopper–Pearson interval", () => {
  const known: [number, number, number, number][] = [
    [5, 20, 0.08657146910143461, 0.49104587170795744],
    [99, 100, 0.9455406146079194, 0.9997468539670226],
    [50, 100, 0.39832112950330095, 0.601678870496699],
    [100, 100, 0.9637833073548235, 1],
    [0, 10, 0, 0.3084971078187607],
    [72, 100, 0.6213329952827327, 0.8052063725088184],
    [1, 3, 0.008403758659612636, 0.9057006759497539],
  ];
  it.each(known)("%i/%i → [%f, %f]", (k, n, lo, hi) => {
    const i = clopperPearson(k, n);
    expect(i.lower).toBeCloseTo(lo, 10);
    expect(i.upper).toBeCloseTo(hi, 10);
    expect(i.estimate).toBe(k / n);
  });
  it("its ends are where the binomial tails equal α/2 (checked with the independent tail sum)", () => {
    for (const [k, n] of [
      [3, 20],
      [97, 100],
      [12, 299],
    ] as const) {
      const i = clopperPearson(k, n);
      expect(binomialTail(n, i.lower, k)).toBeCloseTo(0.025, 9); // P(X ≥ k | p = lower)
      expect(1 - binomialTail(n, i.upper, k + 1)).toBeCloseTo(0.025, 9); // P(X ≤ k | p = upper)
    }
  });
  it("refuses impossible counts", () => {
    expect(() => clopperPearson(5, 4)).toThrow(RangeError);
    expect(() => clopperPearson(0, 0)).toThrow(RangeError);
  });
  it("is wider than the naive normal interval at the edges (a Wald interval would give [1, 1] for 100/100)", () => {
    expect(clopperPearson(100, 100).lower).toBeLessThan(0.97);
  });
});

describe("order statistics", () => {
  it("the smallest of n dies bounds the 1 % quantile with confidence 1 − 0.99^n", () => {
    expect(orderStatisticConfidence(20, 0.01)).toBeCloseTo(1 - 0.99 ** 20, 12); // 18.2 %
    expect(orderStatisticConfidence(20, 0.01)).toBeCloseTo(0.18209306240276915, 12);
    expect(orderStatisticConfidence(299, 0.01)).toBeGreaterThanOrEqual(0.95);
    expect(orderStatisticConfidence(298, 0.01)).toBeLessThan(0.95);
  });
  it("agrees with the binomial tail sum for higher ranks", () => {
    for (const [n, r] of [
      [300, 2],
      [1000, 5],
      [50, 3],
    ] as const)
      expect(orderStatisticConfidence(n, 0.01, r)).toBeCloseTo(binomialTail(n, 0.01, r), 10);
  });
  it("299 dies are the fewest for a 95 %-confidence bound on the 99 %-yield level", () => {
    expect(drawsForConfidence(0.01, 0.95)).toBe(299);
    expect(drawsForConfidence(0.05, 0.95)).toBe(59);
  });
});
