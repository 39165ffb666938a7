import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { matmul, maxAbsDiff, unitarityError } from "../../math/cmat.ts";
import { ginibre, haarOrthogonal, haarUnitary } from "../../math/haar.ts";
import { qr } from "../../math/qr.ts";
import { createRng } from "../../math/rng.ts";

describe("complex Householder QR", () => {
  it("A = QR, Q unitary, R upper triangular (random shapes)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer(), (m, n, seed) => {
        const a = ginibre(m, n, createRng(seed));
        const { q, r } = qr(a);
        expect(unitarityError(q)).toBeLessThan(1e-14);
        expect(maxAbsDiff(matmul(q, r), a)).toBeLessThan(1e-13);
        for (let i = 0; i < m; i++) for (let j = 0; j < Math.min(i, n); j++) expect(Math.hypot(r.re[i * n + j], r.im[i * n + j])).toBe(0);
      }),
      { seed: 42, numRuns: 120 },
    );
  });
  it("handles zero columns (rank-deficient input)", () => {
    const a = ginibre(5, 4, createRng(3));
    for (let i = 0; i < 5; i++) {
      a.re[i * 4 + 1] = 0;
      a.im[i * 4 + 1] = 0;
    }
    const { q, r } = qr(a);
    expect(unitarityError(q)).toBeLessThan(1e-14);
    expect(maxAbsDiff(matmul(q, r), a)).toBeLessThan(1e-14);
  });
});

describe("Haar-random matrices", () => {
  it("are unitary / real orthogonal and reproducible from the seed", () => {
    for (const n of [1, 2, 5, 32]) {
      const u = haarUnitary(n, createRng(n));
      expect(unitarityError(u)).toBeLessThan(1e-14);
      expect(maxAbsDiff(u, haarUnitary(n, createRng(n)))).toBe(0);
      const o = haarOrthogonal(n, createRng(n));
      expect(unitarityError(o)).toBeLessThan(1e-14);
      expect(o.im.every((x) => x === 0)).toBe(true);
    }
  });
  it("have Haar statistics: E|u00|² = 1/N and an unbiased phase (needs the diagonal fix)", () => {
    // Without the fix, Householder QR makes u00 = x0/α real negative in every sample.
    const rng = createRng(99);
    const n = 3;
    const samples = 3000;
    let p = 0,
      re = 0,
      im = 0,
      o = 0;
    for (let s = 0; s < samples; s++) {
      const u = haarUnitary(n, rng);
      p += u.re[0] ** 2 + u.im[0] ** 2;
      re += u.re[0];
      im += u.im[0];
      o += haarOrthogonal(n, rng).re[0];
    }
    expect(p / samples).toBeCloseTo(1 / n, 1);
    expect(Math.abs(re / samples)).toBeLessThan(0.03);
    expect(Math.abs(im / samples)).toBeLessThan(0.03);
    expect(Math.abs(o / samples)).toBeLessThan(0.04);
  });
});
