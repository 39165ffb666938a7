// The report's cost-model chart: every model is drawn against message size and N, and every
// crossover the sweep finds is marked.
import { describe, expect, it } from "vitest";
import { defaultSpec } from "../../dsl/defaults.ts";
import { systemsSection } from "../../pipeline/report/systems-section.ts";
import { MODEL_NAMES } from "../../system/models/index.ts";
import { systemsChart } from "../../verify/report/charts/systems.ts";
import { renderReportHtml } from "../../verify/report/index.ts";

describe("systems section (pipeline/report/systems-section.ts → verify/report/charts/systems.ts)", () => {
  const s = systemsSection(defaultSpec("demo"));
  it("two panels, every model in each, crossovers between adjacent samples", () => {
    expect(s.panels.map((p) => p.xTitle)).toEqual(["message size, bytes", "workers N"]);
    for (const p of s.panels) {
      expect(p.series.map((x) => x.name)).toEqual(MODEL_NAMES);
      expect(p.crossovers.length).toBeGreaterThan(0);
      for (const c of p.crossovers) {
        const a = p.series.find((x) => x.name === c.a)!.points;
        const b = p.series.find((x) => x.name === c.b)!.points;
        const k = a.findIndex((q) => q.x > c.x);
        // The two curves are in opposite order on either side of the crossing.
        expect(Math.sign(a[k - 1]!.y - b[k - 1]!.y)).toBe(-Math.sign(a[k]!.y - b[k]!.y));
      }
    }
  });
  it("the SVG draws one path per model and one ring per crossover, and the report shows it", () => {
    const svg = systemsChart(s.panels[0]!);
    expect(svg.match(/<path /g)!.length).toBe(MODEL_NAMES.length);
    expect(svg.match(/<circle /g)!.length).toBe(s.panels[0]!.crossovers.length);
    const html = renderReportHtml({ systems: s });
    expect(html).toContain("Cost models compared");
    expect(html).not.toContain("NaN");
  });
});
