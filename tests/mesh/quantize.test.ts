import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ginibre, haarUnitary } from "../../math/haar.ts";
import { maxAbsDiff } from "../../math/cmat.ts";
import { createRng } from "../../math/rng.ts";
import { decomposeMatrix, decomposeUnitary } from "../../compiler/mesh/decompose.ts";
import { TWO_PI, mziEntries, mziMatrix } from "../../netlist/mzi.ts";
import { snapPhase, quantizeStage } from "../../compiler/mesh/quantize.ts";
import { stageMatrix } from "../../compiler/mesh/reconstruct.ts";
import { quantizePhase } from "../../netlist/dac.ts";

describe("phase quantization", () => {
  it("error ≤ π/2^bits per phase; codes, values and matrices are consistent", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 10 }),
        fc.integer({ min: 1, max: 16 }),
        fc.boolean(),
        fc.integer(),
        (n, bits, svdPath, seed) => {
          const rng = createRng(seed);
          const stage = svdPath
            ? decomposeMatrix(ginibre(n, n - 1, rng), { mesh: "reck" })
            : decomposeUnitary(haarUnitary(n, rng), { mesh: "clements" });
          const { stage: q, maxPhaseError, matrixError } = quantizeStage(stage, bits);
          const step = TWO_PI / 2 ** bits;
          expect(maxPhaseError).toBeLessThanOrEqual(Math.PI / 2 ** bits + 1e-15);
          expect(matrixError).toBe(maxAbsDiff(stageMatrix(q), stageMatrix(stage)));
          q.elements.forEach((e, i) => {
            const o = stage.elements[i];
            if (e.kind !== "mzi" && e.kind !== "attenuator") return;
            if (o.kind !== e.kind) throw new Error("kind changed");
            expect(e.dac?.bits).toBe(bits);
            for (const [k, v] of [
              ["theta", e.theta],
              ["phi", e.phi],
            ] as const) {
              const code = e.dac?.[k] as number;
              expect(Number.isInteger(code) && code >= 0 && code < 2 ** bits).toBe(true);
              expect(v).toBe(code * step);
              let d = Math.abs(v - o[k]);
              d = Math.min(d, TWO_PI - d);
              expect(d).toBeLessThanOrEqual(Math.PI / 2 ** bits + 1e-15);
            }
            if (e.kind === "mzi") expect(e.matrix).toEqual(mziMatrix(e.theta, e.phi));
            else {
              const t = mziEntries(e.theta, e.phi);
              expect(e.sigma).toEqual([t.re[0], t.im[0]]);
            }
          });
          q.outputPhases.forEach((p, i) => expect(p).toBe(q.outputDac!.codes[i] * step));
          // the original stage is left untouched
          expect(stage.elements[0].dac).toBeUndefined();
        },
      ),
      { seed: 42, numRuns: 60 },
    );
  });
  it("matrix error shrinks with bits (≈ halves per bit) and vanishes at high resolution", () => {
    const stage = decomposeUnitary(haarUnitary(8, createRng(8)), { mesh: "clements" });
    const e6 = quantizeStage(stage, 6).matrixError;
    const e12 = quantizeStage(stage, 12).matrixError;
    const e24 = quantizeStage(stage, 24).matrixError;
    expect(e12).toBeLessThan(e6 / 16);
    expect(e24).toBeLessThan(1e-5);
  });
  it("wraps before snapping (2π − ε → code 0) and rejects bad bit counts", () => {
    expect(snapPhase(TWO_PI - 1e-9, 4).code).toBe(0);
    expect(snapPhase(-Math.PI / 2, 2).code).toBe(3);
    const stage = decomposeUnitary(haarUnitary(3, createRng(1)), { mesh: "reck" });
    expect(() => quantizeStage(stage, 0)).toThrow(/DAC bits/);
    expect(() => quantizeStage(stage, 2.5)).toThrow(/DAC bits/);
  });
  it("snaps to the simulator's grid: the compiler's value is netlist quantizePhase's, its code the code of that value", () => {
    fc.assert(
      fc.property(fc.double({ min: -20, max: 20, noNaN: true }), fc.integer({ min: 1, max: 24 }), (x, bits) => {
        const r = snapPhase(x, bits);
        expect(r.value).toBe(quantizePhase(x, bits));
        expect(r.value).toBe((r.code * TWO_PI) / 2 ** bits);
        expect(r.code).toBeGreaterThanOrEqual(0);
        expect(r.code).toBeLessThan(2 ** bits);
        expect(r.error).toBeLessThanOrEqual(Math.PI / 2 ** bits + 1e-12);
      }),
    );
  });
});
