// report.json's cells[].widestTheta : each cell design's widest decision, the figure the
// technology's bias-versus-signal errors act on. It is the largest threshold of the cell's own
// network, and the structure search's widest decision (--explain) is the largest of them.
import { describe, expect, it } from "vitest";
import { cellNetwork } from "../../compiler/cells/cell-network.ts";
import { structureCost } from "../../pipeline/compile/structure-cost.ts";
import { compiledExample } from "../helpers/examples.ts";

describe("cells[].widestTheta", () => {
  for (const ex of ["paper-4x8", "paper-4x8-robust", "eight-workers"])
    it(`${ex}: each cell's largest threshold; the structure's widest decision is their maximum`, () => {
      const r = compiledExample(ex);
      const byDesign = new Map(r.report.cells.map((c) => [c.design, c]));
      for (const step of r.steps)
        step.designs.forEach((d, i) => {
          const c = byDesign.get(step.checks![i]!.design)!;
          expect(c.widestTheta, c.design).toBe(Math.max(0, ...cellNetwork(d.cell).thresholds));
          expect(c.widestTheta, c.design).toBeGreaterThan(0);
          expect(c.widestTheta, c.design).toBeLessThanOrEqual(c.vmax + 0.5);
        });
      const widest = structureCost(r.steps).widestDecision;
      expect(widest.theta).toBe(Math.max(...r.report.cells.map((c) => c.widestTheta)));
      expect(r.report.cells.find((c) => c.widestTheta === widest.theta)).toBeDefined();
    });
});
