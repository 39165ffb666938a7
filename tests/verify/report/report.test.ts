import { describe, expect, it } from "vitest";
import { renderReportHtml } from "../../../verify/report/html.ts";
import { sampleReport } from "./fixture.ts";
import { svgBlocks, xmlError } from "./xml.ts";

function assertSelfContained(html: string): void {
  expect(html).not.toMatch(/https?:\/\//i);
  expect(html).not.toMatch(/\b(?:src|href|action|poster|srcset)\s*=/i);
  expect(html).not.toMatch(/<script\b/i);
  expect(html).not.toMatch(/<link\b/i);
  expect(html).not.toMatch(/<(?:iframe|object|embed|img)\b/i);
  expect(html).not.toMatch(/url\s*\(/i);
  expect(html).not.toMatch(/@import/i);
  expect(html).not.toMatch(/=\s*["']\/\//);
}

describe("xml checker", () => {
  it("accepts well-formed documents and rejects broken ones", () => {
    expect(xmlError(`<svg a="1"><g><text x='2'>a &amp; b &#916;</text><rect/></g><!-- c --></svg>`)).toBeNull();
    const bad = [
      `<svg><g></svg>`,
      `<svg><g></g>`,
      `<svg a=1></svg>`,
      `<svg a="1" a="2"></svg>`,
      `<svg>a & b</svg>`,
      `<svg><text>1 < 2</text></svg>`,
      `<svg a="x"b="y"></svg>`,
      `<svg></svg><svg></svg>`,
      `<svg a="<"></svg>`,
      `<svg><!-- a -- b --></svg>`,
    ];
    for (const b of bad) expect(xmlError(b), b).not.toBeNull();
  });
});

describe("HTML report", () => {
  const data = sampleReport();
  const html = renderReportHtml(data);

  it("is self-contained", () => {
    assertSelfContained(html);
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain("<style>");
  });

  it("has well-formed SVG for every chart", () => {
    const blocks = svgBlocks(html);
    // two mesh stages, phase key, histogram, yield, latency, volume, two training charts
    expect(blocks.length).toBe(9);
    for (const b of blocks) expect(xmlError(b)).toBeNull();
  });

  it("shows the verdict and every section", () => {
    expect(html).toContain("✔ PASS");
    expect(html).toContain("100.00%");
    expect(html).toContain("39.3%");
    for (const h of ["Mesh layout", "Functional verification", "Hardware", "Communication and latency", "Training emulation"])
      expect(html).toContain(`<h2>${h}</h2>`);
    // one box per MZI of both stages (16-mode and 32-mode Clements meshes)
    expect((html.match(/class="mzi"/g) ?? []).length).toBe((16 * 15) / 2 + (32 * 31) / 2);
    expect(html).toContain("±1-step errors are 89.5% of them");
  });

  it("is deterministic and renders partial data", () => {
    expect(renderReportHtml(sampleReport())).toBe(html);
    const empty = renderReportHtml({});
    assertSelfContained(empty);
    expect(empty).toContain("Nothing to show");
    const onlyVolume = renderReportHtml({ volume: data.volume });
    expect(svgBlocks(onlyVolume)).toHaveLength(1);
    expect(xmlError(svgBlocks(onlyVolume)[0]!)).toBeNull();
  });

  it("fails the verdict below the thresholds and escapes user text", () => {
    const bad = renderReportHtml({
      name: `<script>x</script>&"`,
      verdict: { exactMatch: 0.98, minExact: 1 },
      yield: { trials: 4, exactPerTrial: [1, 0.5, 1, 0.99], minExact: 1 },
    });
    expect(bad).toContain("✘ FAIL");
    expect(bad).not.toContain("<script>");
    assertSelfContained(bad);
    for (const b of svgBlocks(bad)) expect(xmlError(b)).toBeNull();
    expect(bad).toContain("2 of 4 Monte-Carlo trials");
  });
});
