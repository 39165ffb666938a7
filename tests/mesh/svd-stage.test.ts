// Arbitrary matrices through the SVD stage: V† mesh → attenuators → U mesh, gain = σ_max.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { type CMat, frobenius, matmul, maxAbsDiff, sub, zeros } from "../../math/cmat.ts";
import { ginibre, haarUnitary } from "../../math/haar.ts";
import { createRng } from "../../math/rng.ts";
import { svd } from "../../math/svd.ts";
import { decomposeMatrix, type MeshKind } from "../../compiler/mesh/decompose.ts";
import { stageMatrix } from "../../compiler/mesh/reconstruct.ts";
import type { AttenuatorElement, PhaseStage } from "../../netlist/ir.ts";
import { buildPhaseTable, parsePhaseTable, phaseTableToJson } from "../../netlist/formats/phase-table.ts";
import { maxDiff, rebuildFromPhasesJson } from "./independent-rebuild.ts";

function relErr(a: CMat, w: CMat): number {
  return frobenius(sub(a, w)) / (frobenius(w) || 1);
}

function check(w: CMat, mesh: MeshKind, tol = 1e-11): PhaseStage {
  const stage = decomposeMatrix(w, { mesh });
  const text = phaseTableToJson(buildPhaseTable([stage]));
  const parsed = parsePhaseTable(text).pipeline[0] as PhaseStage;
  expect(relErr(stageMatrix(parsed), w)).toBeLessThanOrEqual(tol);
  expect(maxDiff(rebuildFromPhasesJson(text)[0], w.re, w.im)).toBeLessThanOrEqual(tol * (frobenius(w) || 1));
  const m = w.rows,
    n = w.cols,
    k = Math.min(m, n);
  expect([parsed.modes, parsed.inputs, parsed.outputs]).toEqual([Math.max(m, n), n, m]);
  expect(parsed.role).toBe("svd");
  const att = parsed.elements.filter((e): e is AttenuatorElement => e.kind === "attenuator");
  expect(att.length).toBe(k);
  expect(att.map((a) => a.modes[0])).toEqual(Array.from({ length: k }, (_, i) => i));
  for (const a of att) expect(Math.hypot(...a.sigma)).toBeLessThanOrEqual(1 + 1e-15);
  expect(parsed.elements.filter((e) => e.kind === "mzi").length).toBe((n * (n - 1)) / 2 + (m * (m - 1)) / 2);
  // Light order: V† mesh columns, then the attenuator column, then U mesh columns.
  const attCol = att[0].column;
  const idx = parsed.elements.indexOf(att[0]);
  parsed.elements.forEach((e, i) => {
    if (i < idx) expect(e.column).toBeLessThan(attCol);
    if (e.kind === "attenuator") expect(e.column).toBe(attCol);
    if (i > idx + k - 1) expect(e.column).toBeGreaterThan(attCol);
  });
  return parsed;
}

const MESHES: MeshKind[] = ["clements", "reck"];

describe.each(MESHES)("%s: SVD stage", (mesh) => {
  it("rectangular and square Ginibre matrices", () => {
    const rng = createRng(21);
    for (const [m, n] of [
      [5, 3],
      [3, 5],
      [8, 8],
      [1, 4],
      [4, 1],
      [1, 1],
      [16, 9],
      [9, 16],
      [40, 33],
    ]) {
      const w = ginibre(m, n, rng);
      const st = check(w, mesh);
      expect(st.gain).toBeCloseTo(svd(w).s[0], 12);
    }
  });
  it("rank-deficient matrices, including rank 1 (the OptINC average) and zero", () => {
    const rng = createRng(22);
    for (const [m, n, r] of [
      [6, 6, 2],
      [7, 4, 1],
      [4, 9, 3],
      [12, 12, 11],
    ])
      check(matmul(ginibre(m, r, rng), ginibre(r, n, rng)), mesh);
    const avg = zeros(1, 8);
    avg.re.fill(1 / 8);
    const st = check(avg, mesh);
    expect(st.gain).toBeCloseTo(Math.sqrt(8) / 8, 14);
    const z = check(zeros(3, 4), mesh);
    expect(z.gain).toBe(0);
  });
  it("a unitary through the SVD path has all |σ| = 1 and gain 1", () => {
    const st = check(haarUnitary(6, createRng(3)), mesh);
    expect(st.gain).toBeCloseTo(1, 14);
    for (const e of st.elements) if (e.kind === "attenuator") expect(Math.hypot(...e.sigma)).toBeCloseTo(1, 14);
  });
});

it("random shapes and scales (property)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 9 }),
      fc.integer({ min: 1, max: 9 }),
      fc.double({ min: -6, max: 6, noNaN: true }),
      fc.integer(),
      (m, n, logScale, seed) => {
        const w = ginibre(m, n, createRng(seed));
        const s = 10 ** logScale;
        for (let i = 0; i < w.re.length; i++) {
          w.re[i] *= s;
          w.im[i] *= s;
        }
        const st = decomposeMatrix(w, { mesh: seed % 2 ? "reck" : "clements" });
        expect(relErr(stageMatrix(st), w)).toBeLessThan(1e-12);
        expect(maxAbsDiff(stageMatrix(st), w)).toBeLessThan(1e-12 * s * 10);
      },
    ),
    { seed: 42, numRuns: 80 },
  );
});
