// The `calibrated` preset's fit to dies calibrated from readings (scripts/preset-fit-core.ts):
// the bisection finds a known scale and refuses a target its bracket cannot reach; on real dies
// (full tier) the measured margins are the true die's and the fitted model reproduces them.
import { describe, expect, it } from "vitest";
import { cellUnit, fitScale, fitTechnology, measuredMargins, median, modelMargins } from "../../scripts/preset-fit-core.ts";
import { technologyPreset } from "../../dsl/technology-presets.ts";
import type { Technology } from "../../dsl/technology.ts";
import { FULL } from "../helpers/tier.ts";
import { paperCell } from "./fab-fixtures.ts";

describe("fitScale", () => {
  it("finds the scale at which a falling model meets the target, to the bisection's resolution", () => {
    const fit = fitScale((s) => 0.5 - 0.02 * s, 0.45);
    expect(fit.s).not.toBeNull();
    expect(Math.abs(fit.s! - 2.5) / 2.5).toBeLessThan(0.01);
  });
  it("says none when the target lies outside what the bracket reaches (a rising model: the planted fault)", () => {
    expect(fitScale((s) => 0.3 + 0.001 * s, 0.45).s).toBeNull();
    expect(fitScale((s) => 0.5 - 0.02 * s, 0.6).s).toBeNull();
  });
});

describe.runIf(FULL)("the preset fit on paper-4x8's divide0 (OPTINC_FULL=1)", () => {
  it("measures positive margins on the true dies, and the model at the fitted scale matches their median", () => {
    const d = { name: "paper_4x8.divide0", ...paperCell("divide0") };
    const m = measuredMargins(d.name, d.circuit, d.table, 3, 1);
    for (const w of m.worst) expect(w).toBeGreaterThan(0);
    for (const w of m.worst) expect(w).toBeLessThanOrEqual(0.5);
    const unit = cellUnit(d.name, d.circuit, 0);
    const tech = fitTechnology(technologyPreset("calibrated") as unknown as Technology);
    const model = (s: number): number => median(modelMargins(unit, tech, s, 40, 1));
    // more error, less margin: the model the fit bisects falls
    expect(model(30)).toBeLessThan(model(1));
    const fit = fitScale(model, median(m.worst));
    expect(fit.s).not.toBeNull();
    expect(Math.abs(model(fit.s!) - median(m.worst))).toBeLessThan(0.005);
  }, 120_000);
});
