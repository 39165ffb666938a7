import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { haarOrthogonal } from "../../math/haar.ts";
import { createRng } from "../../math/rng.ts";
import { angleGradient, buildRotations, decomposeOrthogonal, givensPairs } from "../../compiler/onn/givens.ts";

describe("Givens parameterization of orthogonal segments", () => {
  it("decompose ∘ build reproduces any orthogonal matrix (both determinants)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const u = Float64Array.from(haarOrthogonal(n, createRng(seed)).re);
        const pairs = givensPairs(n);
        expect(pairs.length).toBe((n * (n - 1)) / 2);
        const { theta, sign } = decomposeOrthogonal(u, n, pairs);
        const r = buildRotations(n, pairs, theta);
        for (let j = 0; j < n; j++) r[(n - 1) * n + j] *= sign;
        let err = 0;
        for (let i = 0; i < n * n; i++) err = Math.max(err, Math.abs(r[i] - u[i]));
        expect(err).toBeLessThan(1e-12);
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it("angle gradients match central finite differences", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const rng = createRng(seed);
        const pairs = givensPairs(n);
        const theta = Float64Array.from({ length: pairs.length }, () => 2 * Math.PI * rng.next());
        const w = Float64Array.from({ length: n * n }, () => rng.normal());
        // L(U) = Σ w ⊙ U + ½ Σ U² (nonlinear in θ through U), dL/dU = w + U.
        const loss = (t: Float64Array) => {
          const u = buildRotations(n, pairs, t);
          let l = 0;
          for (let i = 0; i < u.length; i++) l += w[i] * u[i] + 0.5 * u[i] * u[i] * (i % 3);
          return l;
        };
        const u0 = buildRotations(n, pairs, theta);
        const gU = u0.map((v, i) => w[i] + v * (i % 3));
        const g = angleGradient(n, pairs, theta, u0, gU);
        const h = 1e-6;
        for (let k = 0; k < pairs.length; k++) {
          const tp = Float64Array.from(theta),
            tm = Float64Array.from(theta);
          tp[k] += h;
          tm[k] -= h;
          const fd = (loss(tp) - loss(tm)) / (2 * h);
          expect(Math.abs(g[k] - fd)).toBeLessThan(1e-6 * (1 + Math.abs(fd)));
        }
      }),
      { seed: 42, numRuns: 40 },
    );
  });
});
