// How yields and tolerances are printed: the confidence a die count gives, on the compile line and in
// verify's table, and the checker the CLI tests use (shown to fail on the old wording).
import { describe, expect, it } from "vitest";
import type { AxisReport, ToleranceResult } from "../../../verify/tolerance/analyze.ts";
import { formatTolerance } from "../../../verify/tolerance/format.ts";
import { toleranceQuantile } from "../../../verify/tolerance/quantile.ts";
import { toleranceSummaryLines } from "../../../verify/tolerance/summary-line.ts";
import { yieldText } from "../../../verify/tolerance/statistics.ts";
import { dishonestLines, expectHonest } from "./honest.ts";

function axis(name: AxisReport["axis"], critical: number[], unit = ""): AxisReport {
  const q = toleranceQuantile(critical);
  return {
    axis: name,
    label: name,
    unit,
    technologyLevel: 0.001,
    monteCarlo: {
      trials: critical.length,
      deterministic: false,
      tolerance: q.estimate,
      lowerBound: q.lowerBound,
      critical,
      evaluations: 0,
    },
    certified: { level: 2e-4, evaluations: 0 },
  };
}

function result(dies: number): ToleranceResult {
  const critical = Array.from({ length: dies }, (_, i) => 0.002 + 1e-5 * i);
  return {
    seed: 1,
    trials: dies,
    calibrated: true,
    yieldTarget: 0.99,
    confidence: 0.95,
    rtol: 0.02,
    exact: true,
    units: [{ name: "u", instances: 1, cases: 16, exact: true, certifyMethod: "first-order" }],
    technology: { name: "calibrated", couplerImbalance: 0.001, phaseError: 0.001, mziLossDb: 0.1, dacBits: 10, detectorNoise: 0.02 },
    phaseShifters: 40,
    decisions: 64,
    certifyNote: null,
    axes: [
      axis("couplerImbalance", critical),
      axis("phaseError", critical, "rad"),
      {
        ...axis(
          "technology",
          critical.map((x) => x * 1000),
          "×",
        ),
        label: "calibrated scaled",
        certified: { level: 0, evaluations: 0 },
      },
    ],
  };
}

describe("printed tolerances state their confidence", () => {
  it("20 dies: the compile line says 18.2% confidence and that 299 dies give 95%", () => {
    const [line, cert] = toleranceSummaryLines(result(20));
    expect(line).toContain(
      "tolerance at 99% yield, only 18.2% confidence (20 dies; 299 give 95%), receiver calibrated: couplers ±0.002, phase σ 0.002 rad; 2× calibrated",
    );
    expect(cert).toMatch(
      /^ {2}worst-case certified: none \(no scale of calibrated is proven exact for every die with all errors at their box edges at once\); it is this small because the 10-bit DAC's rounding alone, ±3\.07 mrad on each of 40 shifters/,
    );
    expectHonest(toleranceSummaryLines(result(20)).join("\n"));
  });
  it("299 dies: 95% confidence, and the printed level is the rank-1 die", () => {
    const [line] = toleranceSummaryLines(result(299));
    expect(line).toContain("tolerance at 99% yield with 95% confidence (299 dies), receiver calibrated: couplers ±0.002,");
  });
  it("500 dies: the bound moves to the highest rank still at ≥ 95 % (P(Bin(500, 0.01) ≥ 2) = 0.960)", () => {
    const r = result(500);
    expect(r.axes[0]!.monteCarlo!.lowerBound.rank).toBe(2);
    expect(toleranceSummaryLines(r)[0]).toContain("with 95% confidence (500 dies), receiver calibrated: couplers ±0.00201");
  });
  it("verify's table states the rank and confidence beside the 99%-yield estimate", () => {
    const out = formatTolerance(result(30), "out/");
    expect(out).toContain(
      "a tolerance is the rank-1 critical level of the dies (order statistic), at 99% yield, only 26% confidence (30 dies; 299 give 95%)",
    );
    expect(out).toContain("the design tolerates 2× calibrated at 99% yield, only 26% confidence (30 dies; 299 give 95%)");
    expectHonest(out);
  });
  it("a yield is k/n with its 95% Clopper–Pearson interval", () => {
    expect(yieldText(100, 100)).toBe("100/100 chips exact (95% CI 96.4–100%)");
    expect(yieldText(72, 100)).toBe("72/100 chips exact (95% CI 62.1–80.5%)");
    expect(yieldText(0, 20)).toBe("0/20 chips exact (95% CI 0–16.8%)");
  });
  it("the checker fails on the old wording (it can fail)", () => {
    const old = [
      "  yield under the spec's technology block: 100/100 chips exact (100%)",
      "  tolerance at 99% yield (20 dies, receiver calibrated): couplers ±0.00237, phase σ 0.00225 rad; 1.95× calibrated (0× certified)",
      "  tolerance at 99% yield with 95% confidence (20 dies), receiver calibrated: couplers ±0.00237",
    ].join("\n");
    const bad = dishonestLines(old);
    expect(bad.some((b) => b.startsWith("yield 100/100 chips without its interval"))).toBe(true);
    expect(bad.some((b) => b.startsWith("no confidence"))).toBe(true);
    expect(bad.some((b) => b.startsWith('bare "0× certified"'))).toBe(true);
    expect(bad.some((b) => b.startsWith("claims ≥ 95% confidence from 20 dies"))).toBe(true);
  });
});
