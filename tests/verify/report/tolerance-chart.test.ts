// The tolerance chart of the HTML report: well-formed, self-contained, deterministic SVG.
import { describe, expect, it } from "vitest";
import { toleranceChart } from "../../../verify/report/charts/tolerance.ts";
import { renderReportHtml } from "../../../verify/report/html.ts";
import type { ToleranceSection } from "../../../verify/report/types.ts";
import { svgBlocks, xmlError } from "./xml.ts";

const SECTION: ToleranceSection = {
  technology: "foundry",
  series: [
    {
      label: "coupler imbalance ±Δk",
      points: [
        { x: 0.4, yield: 0.95 },
        { x: 0.5, yield: 0.5 },
        { x: 0.9, yield: 0 },
      ],
      certified: 0.05,
    },
    {
      label: "phase error σ",
      points: [
        { x: 2, yield: 0.5 },
        { x: 3, yield: 0 },
      ],
    },
    { label: "insertion loss per MZI", points: [{ x: 10, yield: 0 }], certified: 0.2 },
  ],
  rows: [
    {
      nonIdeality: "coupler imbalance ±Δk",
      tolerance: "0.008",
      lowerBound: "≥ 0.008 at 18%",
      certified: "0.001",
      technology: "0.02",
      meets: false,
    },
  ],
  caption: "a <caption> & text",
};

describe("tolerance chart", () => {
  it("is well-formed SVG, one line and one diamond per series, and deterministic", () => {
    const svg = toleranceChart(SECTION);
    expect(xmlError(svg)).toBeNull();
    expect((svg.match(/<polyline /g) ?? []).length).toBe(3);
    expect((svg.match(/<path /g) ?? []).length).toBe(2);
    expect(svg).toContain("error level ÷ foundry level (log scale)");
    expect(toleranceChart(SECTION)).toBe(svg);
  });

  it("renders as a report section, escaped and self-contained", () => {
    const html = renderReportHtml({ tolerance: SECTION });
    expect(html).toContain("<h2>Tolerance</h2>");
    expect(html).toContain("a &lt;caption&gt; &amp; text");
    expect(html).toContain("<b>fails</b>");
    expect(html).not.toMatch(/https?:\/\//);
    for (const b of svgBlocks(html)) expect(xmlError(b)).toBeNull();
    // Nothing to draw: the table and caption still show.
    expect(renderReportHtml({ tolerance: { ...SECTION, series: [] } })).toContain("<p>a &lt;caption&gt; &amp; text</p>");
  });
});
