// The hardware cost model against the circuit the compiler emits: every count of
// compiler/onn/hardware.ts is recounted from the elements of the stage the mapper builds for
// that layer (to-phase-table.ts), on shapes with and without padded rows and columns.
import { describe, expect, it } from "vitest";
import { haarOrthogonal } from "../../math/haar.ts";
import { createRng } from "../../math/rng.ts";
import { layerCost, sigmaUCouplers, sigmaUMziCount, svdMziCount, unitHardware, type LayerCost } from "../../compiler/onn/hardware.ts";
import { tilePlan, type Tile } from "../../compiler/onn/sigma-u.ts";
import { sigmaUStage, svdStage } from "../../compiler/onn/to-phase-table.ts";
import type { PhaseStage } from "../../netlist/ir.ts";

const rng = createRng(11);

function count(st: PhaseStage, kind: string): number {
  return st.elements.filter((e) => e.kind === kind).length;
}

function emittedSigmaU(m: number, n: number, s: number): PhaseStage {
  const plan = tilePlan(m, n, s);
  const tiles: Tile[] = [];
  for (let t = 0; t < plan.R * plan.C; t++)
    tiles.push({ d: Float64Array.from({ length: s }, () => rng.normal()), u: Float64Array.from(haarOrthogonal(s, rng).re) });
  return sigmaUStage("layer", plan, tiles, "clements", 1).stage;
}

describe("hand-computed counts", () => {
  it("full SVD mapping: m(m−1)/2 + n(n−1)/2 + min(m, n)", () => {
    expect(svdMziCount(5, 3)).toBe(10 + 3 + 3);
    expect(svdMziCount(3, 5)).toBe(3 + 10 + 3);
    expect(svdMziCount(96, 5)).toBe(4560 + 10 + 5);
    expect(svdMziCount(1, 1)).toBe(1);
  });

  it("Σ·U: one s-mesh per tile, one attenuator per real row of each tile column", () => {
    // 7 × 9 at s = 3: R = C = 3, 9 meshes of 3 MZIs, 3 column groups × 7 rows of attenuators.
    expect(sigmaUMziCount(7, 9, 3)).toBe(27 + 21);
    // 96 × 5 at s = 4 (paper-4x8's first layer): 24 × 2 tiles of 6 MZIs, 2 × 96 attenuators.
    expect(sigmaUMziCount(96, 5, 4)).toBe(288 + 192);
    expect(sigmaUMziCount(2, 2, 2)).toBe(1 + 2);
  });

  it("fixed couplers: (R−1)·n splits, (C−1)·m merges, m − s crossings when C > 1", () => {
    expect(sigmaUCouplers(7, 9, 3)).toBe(18 + 14 + 4);
    expect(sigmaUCouplers(12, 4, 4)).toBe(8 + 0 + 0); // one tile column: no merges, no crossings
    expect(sigmaUCouplers(4, 12, 4)).toBe(0 + 8 + 0); // one row group: nothing to move
    expect(sigmaUCouplers(4, 4, 4)).toBe(0);
  });

  it("layerCost: SVD layers cost their SVD count and no fixed couplers", () => {
    expect(layerCost(2, 5, 3, { kind: "svd" })).toEqual({
      layer: 2,
      rows: 5,
      cols: 3,
      mapping: { kind: "svd" },
      mzi: 16,
      mziSvd: 16,
      couplers: 0,
    });
    expect(layerCost(1, 7, 9, { kind: "sigma-u", s: 3 })).toEqual({
      layer: 1,
      rows: 7,
      cols: 9,
      mapping: { kind: "sigma-u", s: 3 },
      mzi: 48,
      mziSvd: svdMziCount(7, 9),
      couplers: 36,
    });
  });
});

describe("counts equal the emitted stage's elements", () => {
  it.each([
    [8, 5, 4],
    [6, 9, 3],
    [7, 9, 3], // padded rows and columns
    [12, 4, 4],
    [4, 12, 4],
    [5, 5, 2],
    [18, 13, 4], // a 6D = 18-wide layer of a 3-digit unit: 2 padded rows per tile column
    [96, 17, 4],
    [24, 97, 4],
  ])("Σ·U %i × %i at s = %i: MZIs + attenuators and fixed couplers", (m, n, s) => {
    const st = emittedSigmaU(m, n, s);
    const cost = layerCost(1, m, n, { kind: "sigma-u", s });
    const R = Math.ceil(m / s);
    const C = Math.ceil(n / s);
    expect(count(st, "mzi")).toBe((R * C * s * (s - 1)) / 2);
    expect(count(st, "attenuator")).toBe(C * m);
    expect(count(st, "mzi") + count(st, "attenuator")).toBe(cost.mzi);
    expect(count(st, "coupler")).toBe(cost.couplers);
    expect(st.elements.length).toBe(cost.mzi + cost.couplers + count(st, "phase"));
  });

  it.each([
    [5, 3],
    [3, 5],
    [4, 4],
    [24, 97],
  ])("SVD %i × %i: MZIs of both meshes plus the Σ attenuators", (m, n) => {
    const w = Float64Array.from({ length: m * n }, () => rng.normal());
    const st = svdStage("layer", m, n, w, "clements", 1).stage;
    expect(count(st, "attenuator")).toBe(Math.min(m, n));
    expect(count(st, "mzi") + count(st, "attenuator")).toBe(svdMziCount(m, n));
    expect(count(st, "coupler")).toBe(0);
  });
});

describe("unitHardware sums a unit's layers", () => {
  it("totals and area ratio of the planned layers (the rest is counted on the emitted netlist: report-counts.test.ts)", () => {
    const layers: LayerCost[] = [
      layerCost(1, 8, 3, { kind: "sigma-u", s: 2 }),
      layerCost(2, 6, 9, { kind: "svd" }),
      layerCost(3, 3, 7, { kind: "sigma-u", s: 3 }),
    ];
    const h = unitHardware(layers);
    const mzi = sigmaUMziCount(8, 3, 2) + svdMziCount(6, 9) + sigmaUMziCount(3, 7, 3);
    const un = svdMziCount(8, 3) + svdMziCount(6, 9) + svdMziCount(3, 7);
    expect(h.mzi).toBe(mzi);
    expect(h.mziUnapproximated).toBe(un);
    expect(h.areaRatio).toBe(mzi / un);
    expect(h.areaRatio).toBeLessThan(1);
    expect(h.segmentCouplers).toBe(sigmaUCouplers(8, 3, 2) + sigmaUCouplers(3, 7, 3));
    expect(h.layers).toBe(layers);
  });
});
