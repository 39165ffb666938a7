// The tolerance figures docs/studies/robustness.md §2 and §3 and docs/design/robustness.md §1.4
// quote for the quick-start chip are what `optinc verify <dir> --tolerance` prints on its emitted files (scripts/robustness-core.ts turns each into the page's
// phrase). The coupler axis alone at 20 dies runs here; both whole runs (20 dies at calibrated, 299
// at foundry: about half a minute) under OPTINC_FULL=1 (npm run test:full).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { calibratedClaims, foundryClaims, measureTolerance, missingClaims, sci } from "../../scripts/robustness-core.ts";
import type { ToleranceResult } from "../../verify/tolerance/analyze.ts";
import { compiledVariant, flatPam4 } from "../helpers/examples.ts";

const doc = ["docs/studies/robustness.md", "docs/design/robustness.md"].map((f) => readFileSync(f, "utf8")).join("\n\n");
const compiled = (): Parameters<typeof measureTolerance>[0] => {
  const r = compiledVariant("paper-4x8", flatPam4); // the flat PAM-4 cells (scripts/robustness-tolerance.ts)
  return { route: "closed-form", result: r, report: r.report };
};

describe("docs/studies/robustness.md: the quick-start chip's tolerances", () => {
  it("the coupler tolerance at 20 dies is what verify measures", () => {
    const r = measureTolerance(compiled(), 20, undefined, ["couplerImbalance"]);
    const claims = calibratedClaims(r);
    expect(claims).toHaveLength(2); // the Monte-Carlo level and its ratio to the certified one
    expect(missingClaims(doc, claims)).toEqual([]);
  }, 60_000);

  it("a phrase whose figure moved is named missing", () => {
    const fake = (coupler: number): ToleranceResult =>
      ({
        trials: 20,
        axes: [{ axis: "couplerImbalance", technologyLevel: 0.001, monteCarlo: { tolerance: coupler }, certified: { level: 4.1e-4 } }],
      }) as unknown as ToleranceResult;
    const [now] = calibratedClaims(fake(0.00279));
    expect(missingClaims(doc, [now!])).toEqual([]);
    const [moved] = calibratedClaims(fake(0.003));
    expect(missingClaims(doc, [moved!])).toEqual([moved]);
    expect(sci(4.1e-4)).toBe("4.10·10⁻⁴");
  });

  if (process.env.OPTINC_FULL)
    it("every figure of the 20-die and the 299-die foundry runs", () => {
      const c = compiled();
      const claims = [...calibratedClaims(measureTolerance(c, 20)), ...foundryClaims(measureTolerance(c, 299, "foundry"))];
      expect(claims.length).toBe(10);
      expect(missingClaims(doc, claims)).toEqual([]);
    }, 600_000);
});
