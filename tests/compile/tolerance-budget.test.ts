// The compile's tolerance section has a work budget (pipeline/compile/closed-form.ts COMPILE_TOLERANCE_WORK):
// over it, the report has no section and says why and what measures it, on the compile line and in
// report.html; at the budget the section runs.
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../dsl/load.ts";
import { compileClosedForm } from "../../pipeline/compile/closed-form.ts";
import { closedFormSummary, toleranceOmittedText } from "../../pipeline/report/closed-form-summary.ts";
import {
  cascadeComposeCases,
  COMPILE_TOLERANCE_COPIES,
  COMPILE_TOLERANCE_WORK,
  COMPOSE_CASES,
  COMPOSE_COPY_CASES,
  COMPOSE_MIN_CASES,
} from "../../pipeline/compile/budgets.ts";
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
    expect(first.report.toleranceOmitted).toMatchObject({ work, budget: 0 });
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

describe("the compile's budgets by physical copies", () => {
  it("a cascade's end-to-end cases shrink with its copies, never below the floor nor above the cap", () => {
    const d = (copies: number) => [{ copies: copies - 3 }, { copies: 3 }];
    expect(cascadeComposeCases(1_000_000, d(1103))).toBe(COMPOSE_CASES);
    expect(cascadeComposeCases(1_000_000, d(9199))).toBe(Math.floor(COMPOSE_COPY_CASES / 9199));
    expect(cascadeComposeCases(1_000_000, d(10_000_000))).toBe(COMPOSE_MIN_CASES);
    expect(cascadeComposeCases(500, d(9199))).toBe(500);
  });

  it("the tolerance section left out for its copies says so, and which budget it is over", () => {
    const copies = { work: 357_820, budget: COMPILE_TOLERANCE_WORK, copies: 9199, copiesBudget: COMPILE_TOLERANCE_COPIES };
    expect(toleranceOmittedText(copies)).toContain("redraws all 9,199 copies, over the compile's budget of 4,096 copies");
    // Planted: the same section over its case budget names the cases, not the copies.
    expect(toleranceOmittedText({ ...copies, work: 500_000 })).toContain("over the compile's budget of 400,000 cell cases");
  });
});
