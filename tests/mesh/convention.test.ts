// The MZ-in convention and the identities the decomposers rely on, checked numerically.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { type CMat, matmul, maxAbsDiff, zeros } from "../../math/cmat.ts";
import { mziMatrixFast } from "../../compiler/mesh/build.ts";
import { TWO_PI, attenuatorSetting, mziEntries, mziMatrix } from "../../netlist/mzi.ts";
import type { Matrix2 } from "../../math/complex.ts";

const c2 = (m: [number, number][][]): CMat => {
  const r = m.length;
  const x = zeros(r, r);
  m.forEach((row, i) => row.forEach(([a, b], j) => ((x.re[i * r + j] = a), (x.im[i * r + j] = b))));
  return x;
};
const fromM2 = (m: Matrix2): CMat => c2(m as unknown as [number, number][][]);
const diag = (a: number, b: number): CMat =>
  c2([
    [
      [Math.cos(a), Math.sin(a)],
      [0, 0],
    ],
    [
      [0, 0],
      [Math.cos(b), Math.sin(b)],
    ],
  ]);
const B = c2([
  [
    [Math.SQRT1_2, 0],
    [0, Math.SQRT1_2],
  ],
  [
    [0, Math.SQRT1_2],
    [Math.SQRT1_2, 0],
  ],
]);
const P = (x: number): CMat => diag(x, 0);
/** Clements et al. 2016, Eq. (1): T(θ,φ) = [[e^{iφ}cos θ, −sin θ], [e^{iφ} sin θ, cos θ]]. */
const clementsT = (th: number, ph: number): CMat =>
  c2([
    [
      [Math.cos(ph) * Math.cos(th), Math.sin(ph) * Math.cos(th)],
      [-Math.sin(th), 0],
    ],
    [
      [Math.cos(ph) * Math.sin(th), Math.sin(ph) * Math.sin(th)],
      [Math.cos(th), 0],
    ],
  ]);
const scaleC = (m: CMat, a: number): CMat => matmul(diag(a, a), m);
const adj = (m: CMat): CMat =>
  c2([
    [
      [m.re[0], -m.im[0]],
      [m.re[2], -m.im[2]],
    ],
    [
      [m.re[1], -m.im[1]],
      [m.re[3], -m.im[3]],
    ],
  ]);

const angle = fc.double({ min: 0, max: TWO_PI, noNaN: true, maxExcluded: true });

describe("MZ-in convention", () => {
  it("T(θ,φ) = B·P(θ)·B·P(φ) and the fast builder is bit-identical to mziMatrix", () => {
    fc.assert(
      fc.property(angle, angle, (th, ph) => {
        const physical = matmul(matmul(matmul(B, P(th)), B), P(ph));
        expect(maxAbsDiff(fromM2(mziMatrix(th, ph)), physical)).toBeLessThan(1e-15);
        expect(mziMatrixFast(th, ph)).toEqual(mziMatrix(th, ph));
      }),
      { seed: 42, numRuns: 200 },
    );
  });
  it("bar and cross states: T(π,π) = I, T(0,0) = i·swap", () => {
    expect(maxAbsDiff(fromM2(mziMatrix(Math.PI, Math.PI)), diag(0, 0))).toBeLessThan(1e-15);
    expect(
      maxAbsDiff(
        fromM2(mziMatrix(0, 0)),
        c2([
          [
            [0, 0],
            [0, 1],
          ],
          [
            [0, 1],
            [0, 0],
          ],
        ]),
      ),
    ).toBe(0);
  });
  it("relation to the Clements paper: T_MZ-in(θ,φ) = i·e^{iθ/2} · T_C(π/2 − θ/2, φ) · diag(1, −1)", () => {
    fc.assert(
      fc.property(angle, angle, (th, ph) => {
        const rhs = matmul(scaleC(clementsT(Math.PI / 2 - th / 2, ph), Math.PI / 2 + th / 2), diag(0, Math.PI));
        expect(maxAbsDiff(fromM2(mziMatrix(th, ph)), rhs)).toBeLessThan(1e-15);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
  it("phase push-through used by Clements: T(θ,φ)†·D(δ0,δ1) = D(δ1'−φ, δ1')·T(θ, δ0−δ1), δ1' = δ1+π−θ", () => {
    fc.assert(
      fc.property(angle, angle, angle, angle, (th, ph, d0, d1) => {
        const lhs = matmul(adj(fromM2(mziMatrix(th, ph))), diag(d0, d1));
        const d1n = d1 + Math.PI - th;
        const rhs = matmul(diag(d1n - ph, d1n), fromM2(mziMatrix(th, d0 - d1)));
        expect(maxAbsDiff(lhs, rhs)).toBeLessThan(1e-14);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
  it("attenuatorSetting realises σ as the top-to-top transmission T00", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), angle, (r, a) => {
        const { theta, phi } = attenuatorSetting([r * Math.cos(a), r * Math.sin(a)]);
        const { re, im } = mziEntries(theta, phi);
        expect(Math.hypot(re[0] - r * Math.cos(a), im[0] - r * Math.sin(a))).toBeLessThan(1e-15);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
