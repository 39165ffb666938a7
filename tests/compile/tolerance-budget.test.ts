// The compile's tolerance section has a work budget (pipeline/compile/closed-form.ts COMPILE_TOLERANCE_WORK):
// over it, the report has no section and says why and what measures it, on the compile line and in
// report.html; at the budget the section runs.
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../dsl/load.ts";
import { compileClosedForm } from "../../pipeline/compile/closed-form.ts";
import { closedFormSummary } from "../../pipeline/report/closed-form-summary.ts";
import { closedFormHtml } from "../../pipeline/report/closed-form-html.ts";
import { toleranceWork } from "../../pipeline/pools/tolerance-pool.ts";
import { chipDesigns } from "../../pipeline/compile/closed-form.ts";

const text = `aggregator budget {
  workers = 3
  precision = 2 bits
  levels = 4
  route = closed-form
  technology { preset = calibrated }
}
`;

describe("the compile's tolerance budget", () => {
  const checked = loadSpec("budget.optinc", text).checked!;
  const first = compileClosedForm(checked, { formats: ["json"], toleranceTrials: 2, toleranceWork: 0, jobs: 1 });
  const work = toleranceWork(chipDesigns(first.steps).map((d) => ({ name: d.name, circuit: d.circuit, copies: d.copies })));

  it("over the budget: no section, and the compile line and report say why and what measures it", () => {
    expect(work).toBeGreaterThan(0);
    expect(first.report.tolerance).toBeNull();
    expect(first.report.toleranceOmitted).toEqual({ work, budget: 0 });
    const line = closedFormSummary(first.report, (s) => s).find((l) => l.startsWith("  tolerance:"));
    expect(line).toContain(`simulates ${work.toLocaleString("en-US")} cell cases`);
    expect(line).toContain("optinc verify <out> --tolerance");
    const html = closedFormHtml(first.report, first);
    expect(html).toContain("not measured by the compile");
    expect(html).not.toContain("99%-yield estimate");
  });

  it("at the budget: the section runs", () => {
    const r = compileClosedForm(checked, { formats: ["json"], toleranceTrials: 2, toleranceWork: work, jobs: 1 }).report;
    expect(r.toleranceOmitted).toBeNull();
    expect(r.tolerance?.axes.length).toBeGreaterThan(0);
    expect(closedFormSummary(r, (s) => s).some((l) => l.includes("not measured by the compile"))).toBe(false);
  });
});
