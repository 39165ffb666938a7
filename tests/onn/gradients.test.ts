// Hand-derived backprop of the MLP and the margin loss against central finite differences, and
// optimality of the Σ·U projection on small cases.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { haarOrthogonal } from "../../math/haar.ts";
import { createRng } from "../../math/rng.ts";
import { marginLoss } from "../../compiler/onn/loss.ts";
import { allocTrace, backward, forward } from "../../compiler/onn/mlp.ts";
import { projectTile } from "../../compiler/onn/sigma-u.ts";
import { initMlp } from "../../compiler/onn/train.ts";

describe("MLP gradients", () => {
  it.each(["relu", "leaky-relu"] as const)("%s: dL/dW matches central differences", (act) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), (seed) => {
        const rng = createRng(seed);
        const net = initMlp([3, 5, 4, 2], act, act === "leaky-relu" ? 0.01 : 0, rng);
        const batch = 6;
        const tr = allocTrace(net, batch);
        for (let i = 0; i < tr.acts[0].length; i++) tr.acts[0][i] = rng.next();
        const targets = Int32Array.from({ length: batch * 2 }, () => rng.int(4));
        const loss = (): number => {
          const y = forward(net, tr, batch);
          return marginLoss(y, targets, 0, batch, 2, 4, 0.2, new Float64Array(batch * 2)).loss;
        };
        const y = forward(net, tr, batch);
        const g = new Float64Array(batch * 2);
        marginLoss(y, targets, 0, batch, 2, 4, 0.2, g);
        const grads = net.layers.map((l) => new Float64Array(l.w.length));
        backward(net, tr, g, grads, batch);
        const h = 1e-6;
        let checked = 0;
        net.layers.forEach((l, li) => {
          for (let j = 0; j < l.w.length; j++) {
            const w0 = l.w[j];
            l.w[j] = w0 + h;
            const lp = loss();
            l.w[j] = w0 - h;
            const lm = loss();
            l.w[j] = w0;
            const fd = (lp - lm) / (2 * h);
            // Skip the measure-zero kinks (a ReLU input or a hinge exactly at its corner).
            if (Math.abs(lp + lm - 2 * loss()) > 1e-6) continue;
            expect(Math.abs(grads[li][j] - fd)).toBeLessThan(1e-5 * (1 + Math.abs(fd)));
            checked++;
          }
        });
        expect(checked).toBeGreaterThan(20);
      }),
      { seed: 42, numRuns: 25 },
    );
  });
});

describe("Σ·U projection", () => {
  it("recovers an exact D·U segment and is never beaten by random D'·U' fits", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 0, max: 1e6 }), (s, seed) => {
        const rng = createRng(seed);
        const u = haarOrthogonal(s, rng).re;
        const d = Float64Array.from({ length: s }, () => rng.normal());
        const a = new Float64Array(s * s);
        for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) a[i * s + j] = d[i] * u[i * s + j];
        const t = projectTile(a, s, 60);
        let err = 0;
        for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) err = Math.max(err, Math.abs(t.d[i] * t.u[i * s + j] - a[i * s + j]));
        expect(err).toBeLessThan(1e-9);
        // A generic matrix: the projection error is at most that of the best of many random fits.
        const w = Float64Array.from({ length: s * s }, () => rng.normal());
        const p = projectTile(w, s, 60);
        const resid = (dd: Float64Array, uu: Float64Array) => {
          let r = 0;
          for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) r += (w[i * s + j] - dd[i] * uu[i * s + j]) ** 2;
          return r;
        };
        const best = resid(p.d, p.u);
        for (let k = 0; k < 30; k++) {
          const uu = haarOrthogonal(s, rng).re;
          // optimal D for this U: d_i = (W Uᵀ)_ii
          const dd = Float64Array.from({ length: s }, (_, i) => {
            let v = 0;
            for (let j = 0; j < s; j++) v += w[i * s + j] * uu[i * s + j];
            return v;
          });
          expect(best).toBeLessThanOrEqual(resid(dd, uu) + 1e-9);
        }
      }),
      { seed: 42, numRuns: 40 },
    );
  });
});

describe("decision margin", () => {
  it("is the distance to the nearest threshold a level must not cross (open-ended at the extremes)", async () => {
    const { minDecisionMargin } = await import("../../compiler/onn/loss.ts");
    // level 0 only has an upper threshold at 0.5; level 3 (top of PAM4) only a lower one at 2.5.
    expect(minDecisionMargin(Float64Array.of(-7, 3.9), Int32Array.of(0, 3), 2, 4)).toBeCloseTo(1.4, 12);
    expect(minDecisionMargin(Float64Array.of(1.2, 2.05), Int32Array.of(1, 2), 2, 4)).toBeCloseTo(0.3, 12);
    expect(minDecisionMargin(Float64Array.of(1.7), Int32Array.of(1), 1, 4)).toBeCloseTo(-0.2, 12); // decodes as 2
  });
});
