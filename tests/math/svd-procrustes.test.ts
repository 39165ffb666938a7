import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SVD as MlSVD, Matrix } from "ml-matrix";
import { type CMat, adjoint, frobenius, matmul, maxAbsDiff, sub, unitarityError, zeros } from "../../math/cmat.ts";
import { ginibre, haarUnitary } from "../../math/haar.ts";
import { nearestUnitary, polar, procrustes } from "../../math/procrustes.ts";
import { createRng } from "../../math/rng.ts";
import { svd } from "../../math/svd.ts";

function recompose(u: CMat, s: Float64Array, v: CMat, m: number, n: number): CMat {
  const sig = zeros(m, n);
  for (let i = 0; i < s.length; i++) sig.re[i * n + i] = s[i];
  return matmul(matmul(u, sig), adjoint(v));
}

/** m×n matrix of rank ≤ r: product of Ginibre m×r and r×n. */
function lowRank(m: number, n: number, r: number, seed: number): CMat {
  const rng = createRng(seed);
  return matmul(ginibre(m, r, rng), ginibre(r, n, rng));
}

describe("complex Jacobi SVD", () => {
  it("A = U Σ V†, U and V unitary, σ sorted ≥ 0 (random shapes and ranks)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer(),
        (m, n, r, seed) => {
          const a = r === 0 ? zeros(m, n) : lowRank(m, n, Math.min(r, m, n), seed);
          const { u, s, v } = svd(a);
          expect(u.rows).toBe(m);
          expect(v.rows).toBe(n);
          expect(s.length).toBe(Math.min(m, n));
          expect(unitarityError(u)).toBeLessThan(1e-13);
          expect(unitarityError(v)).toBeLessThan(1e-13);
          for (let i = 1; i < s.length; i++) expect(s[i]).toBeLessThanOrEqual(s[i - 1]);
          expect(s.every((x) => x >= 0)).toBe(true);
          const scaleA = frobenius(a) || 1;
          expect(frobenius(sub(recompose(u, s, v, m, n), a)) / scaleA).toBeLessThan(1e-13);
          // rank r ⇒ σ_r.. vanish (to rounding)
          for (let i = Math.min(r, m, n); i < s.length; i++) expect(s[i]).toBeLessThan(1e-12 * (s[0] || 1));
        },
      ),
      { seed: 42, numRuns: 150 },
    );
  });

  it("singular values of real matrices match ml-matrix (independent oracle)", () => {
    const rng = createRng(5);
    for (const [m, n] of [
      [6, 4],
      [4, 6],
      [9, 9],
      [30, 17],
    ]) {
      const rows = Array.from({ length: m }, () => Array.from({ length: n }, () => rng.normal()));
      const a = zeros(m, n);
      rows.forEach((r, i) => r.forEach((x, j) => (a.re[i * n + j] = x)));
      const ours = Array.from(svd(a).s);
      const theirs = new MlSVD(new Matrix(rows), { autoTranspose: true }).diagonal.slice(0, Math.min(m, n));
      ours.forEach((x, i) => expect(Math.abs(x - theirs[i])).toBeLessThan(1e-12 * theirs[0]));
    }
  });

  it("σ of a unitary are all 1; σ of a diagonal are its sorted moduli", () => {
    const { s } = svd(haarUnitary(12, createRng(1)));
    s.forEach((x) => expect(Math.abs(x - 1)).toBeLessThan(1e-14));
    const d = zeros(4, 4);
    [0.5, -3, 0, 2].forEach((x, i) => (d.re[i * 4 + i] = x));
    d.im[3 * 4 + 3] = 1;
    expect(Array.from(svd(d).s).map((x) => +x.toFixed(14))).toEqual([3, Math.sqrt(5), 0.5, 0].map((x) => +x.toFixed(14)));
  });
});

describe("polar decomposition and Procrustes", () => {
  it("A = W·H with W unitary, H Hermitian PSD", () => {
    const a = ginibre(7, 7, createRng(2));
    const { unitary, hermitian } = polar(a);
    expect(unitarityError(unitary)).toBeLessThan(1e-13);
    expect(maxAbsDiff(hermitian, adjoint(hermitian))).toBeLessThan(1e-13);
    expect(maxAbsDiff(matmul(unitary, hermitian), a)).toBeLessThan(1e-13);
  });

  it("nearestUnitary beats random unitaries and its own perturbations (optimality)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer(), (n, seed) => {
        const rng = createRng(seed);
        const a = ginibre(n, n, rng);
        const w = nearestUnitary(a);
        const best = frobenius(sub(a, w));
        for (let t = 0; t < 5; t++) expect(best).toBeLessThanOrEqual(frobenius(sub(a, haarUnitary(n, rng))) + 1e-12);
        // a small unitary rotation away from W must not help
        const near = matmul(w, nearestUnitary(addIdentity(ginibre(n, n, rng), 30)));
        expect(best).toBeLessThanOrEqual(frobenius(sub(a, near)) + 1e-12);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it("procrustes recovers a hidden rotation and is optimal", () => {
    const rng = createRng(11);
    const omega = haarUnitary(5, rng);
    const a = ginibre(5, 9, rng);
    const b = matmul(omega, a);
    expect(maxAbsDiff(procrustes(a, b), omega)).toBeLessThan(1e-12);
    const noisy = sub(b, ginibre(5, 9, rng));
    const o = procrustes(a, noisy);
    const best = frobenius(sub(matmul(o, a), noisy));
    for (let t = 0; t < 10; t++) expect(best).toBeLessThanOrEqual(frobenius(sub(matmul(haarUnitary(5, rng), a), noisy)));
  });
});

/** A + s·I (helper for "near identity"). */
function addIdentity(a: CMat, s: number): CMat {
  const b = { ...a, re: a.re.slice(), im: a.im.slice() };
  for (let i = 0; i < a.rows; i++) b.re[i * a.cols + i] += s;
  return b;
}
