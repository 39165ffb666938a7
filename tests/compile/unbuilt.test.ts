// The structure search's shape bound (pipeline/compile/shape-bound.ts): a candidate's widest
// decision bounded from below before it is built, and the candidates left unbuilt at or past their
// base's wall. The bound must hold on every built candidate of a set of specs (checked on the cells
// as built, structureCost's widestDecision); planted fault: the bound one threshold higher
// (+ L) exceeds some built candidate's widest decision, so the check can fail.
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../dsl/load.ts";
import { closedFormStructure } from "../../pipeline/compile/closed-form.ts";
import { specFor } from "../../pipeline/compile/candidate-price.ts";
import { pastTheWall, SEARCH_PRECHECK_THETA, unbuiltLines, widestDecisionAtLeast } from "../../pipeline/compile/shape-bound.ts";
import { candidateStructures, structureLabel } from "../../pipeline/compile/structure-search.ts";
import { structureCost } from "../../pipeline/compile/structure-cost.ts";
import type { DecisionBound, Structure } from "../../pipeline/types.ts";

const specOf = (workers: number, precision: number, levels: number) =>
  loadSpec(
    "u.optinc",
    `aggregator u {\n  workers = ${workers}\n  precision = ${precision} bits\n  levels = ${levels}\n  technology { preset = calibrated }\n}\n`,
  ).checked!.spec;

/** Every candidate of a spec: its shape bound, and its widest decision as built. */
function builtAgainstBound(workers: number, precision: number, levels: number) {
  const spec = specOf(workers, precision, levels);
  return candidateStructures(workers, levels).map((s) => {
    const built = closedFormStructure(specFor(spec, s));
    const L = s.innerLevels ?? levels;
    return {
      label: structureLabel(s),
      L,
      bound: widestDecisionAtLeast(workers, s, levels),
      theta: structureCost(built.steps).widestDecision.theta,
    };
  });
}

describe("the shape bound on a structure's widest decision", () => {
  // PAM-2 to PAM-16 cells, flat and cascades, workers odd and even (about 2.5 s).
  const rows = [...builtAgainstBound(6, 4, 2), ...builtAgainstBound(4, 6, 8), ...builtAgainstBound(3, 8, 16)];

  it("holds on every built candidate", () => {
    expect(rows.length).toBe(17);
    for (const r of rows) expect(r.theta, r.label).toBeGreaterThanOrEqual(r.bound);
  });

  it("planted: one threshold higher, it fails on some built candidate", () => {
    expect(rows.some((r) => r.theta < r.bound + r.L)).toBe(true);
  });

  it("is L·⌊u(L − 1)/L⌋ − ½ for the unit's u workers: 3071.5 for 1024 flat PAM-4 workers, 3.5 for a radix-2 PAM-4 cascade", () => {
    expect(widestDecisionAtLeast(1024, { kind: "flat" }, 4)).toBe(3071.5);
    expect(widestDecisionAtLeast(1024, { kind: "cascade", radix: 2 }, 4)).toBe(3.5);
    expect(widestDecisionAtLeast(64, { kind: "flat", innerLevels: 2 }, 16)).toBe(63.5);
  });
});

describe("candidates left unbuilt", () => {
  const wall = (levels: number, w: number | null): DecisionBound =>
    ({ levels, wall: w, ladder: [], theta: null, limitedBy: [] }) as unknown as DecisionBound;
  const structures: Structure[] = candidateStructures(64, 16);
  const spec = specOf(64, 16, 16);

  it("at or past the wall of their base; the rest are built, and a base with no wall leaves nothing out", () => {
    const asked: number[] = [];
    const { structures: kept, unbuilt } = pastTheWall(structures, spec, (L) => (asked.push(L), wall(L, 49.5)), structureLabel);
    // Flat cells in every base decide past 49.5 (PAM-2: 63.5); radix-4 PAM-16 (47.5) is built.
    expect(unbuilt.map((u) => u.label)).toContain("flat cells");
    expect(unbuilt.map((u) => u.label)).toContain("flat cells, PAM-2 inside");
    expect(kept.map(structureLabel)).toContain("radix-4 cascade");
    expect(kept.map(structureLabel)).not.toContain("radix-5 cascade");
    expect(kept.length + unbuilt.length).toBe(structures.length);
    for (const u of unbuilt) expect(u.widestAtLeast).toBeGreaterThanOrEqual(u.wall);
    expect(unbuiltLines(unbuilt)[0]).toMatch(
      /^not built: flat cells: its first adder decides at θ ≥ 959\.5, at or past the PAM-16 wall at θ = 49\.5$/,
    );
    // Only bases with a candidate whose bound reaches the pre-check were measured.
    expect(new Set(asked).size).toBeGreaterThan(0);
    expect(pastTheWall(structures, spec, (L) => wall(L, null), structureLabel).unbuilt).toEqual([]);
  });

  it("asks for no wall where every bound is below the pre-check (a small spec builds every candidate)", () => {
    const small = candidateStructures(4, 4);
    expect(small.every((s) => widestDecisionAtLeast(4, s, 4) < SEARCH_PRECHECK_THETA)).toBe(true);
    const r = pastTheWall(
      small,
      specOf(4, 8, 4),
      () => {
        throw new Error("measured a wall");
      },
      structureLabel,
    );
    expect(r.structures).toEqual(small);
  });
});
