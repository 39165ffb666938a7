// The yield target (spec `technology { yield  target_confidence }`): read from .optinc and YAML with
// codes and carets, and judged against k of n chips with exact one-sided binomial bounds.
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../../dsl/load.ts";
import { checkTarget, targetText } from "../../../verify/tolerance/statistics.ts";

describe("technology { yield  target_confidence }", () => {
  it("defaults to 99 % at 95 %", () => {
    expect(loadSpec("a.optinc", "aggregator a { }").checked!.spec.target).toEqual({ yield: 0.99, confidence: 0.95 });
  });
  it("reads percentages in .optinc and in the YAML twin alike", () => {
    const a = loadSpec("a.optinc", "aggregator a {\n  technology { preset = calibrated  yield = 99.5 %  target_confidence = 90% }\n}")
      .checked!.spec;
    const b = loadSpec("a.yaml", "aggregator: a\ntechnology: { preset: calibrated, yield: 99.5 %, target_confidence: 90 % }\n").checked!
      .spec;
    expect(a.target.yield).toBeCloseTo(0.995, 12);
    expect(a.target.confidence).toBeCloseTo(0.9, 12);
    expect(b.target).toEqual(a.target);
  });
  it("refuses 100 %, a missing %, a wrong unit and a low confidence, each with its code and place", () => {
    const r = loadSpec("a.optinc", "aggregator a {\n  technology { yield = 100 % }\n}");
    expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["OPT2004", "technology.yield must be greater than 0 % and less than 100 % (got 100 %)"],
    ]);
    expect(r.diagnostics[0]).toMatchObject({ line: 2, column: 24 });
    const codes = (text: string) => loadSpec("a.optinc", `aggregator a {\n  technology { ${text} }\n}`).diagnostics.map((d) => d.code);
    expect(codes("yield = 0.99")).toEqual(["OPT2005"]);
    expect(codes("yield = 99 dB")).toHaveLength(1);
    expect(codes("target_confidence = 40 %")).toEqual(["OPT2004"]);
    expect(loadSpec("a.yaml", "aggregator: a\ntechnology: { yield: 101 % }\n").diagnostics.map((d) => d.code)).toEqual(["OPT2004"]);
  });
});

describe("a yield target against k of n chips", () => {
  const t = { yield: 0.99, confidence: 0.95 };
  it("100/100 does not show 99 % at 95 % (lower bound 0.05^(1/100) = 97.0 %); 299/299 does", () => {
    const c = checkTarget(100, 100, t);
    expect(c.verdict).toBe("not shown");
    expect(c.lower).toBeCloseTo(0.05 ** (1 / 100), 10);
    expect(c.chipsToShow).toBe(299);
    expect(checkTarget(299, 299, t).verdict).toBe("met");
    expect(checkTarget(298, 298, t).verdict).toBe("not shown");
  });
  it("72/100 misses it (upper bound below 99 %), and says so in capitals", () => {
    expect(checkTarget(72, 100, t).verdict).toBe("missed");
    expect(targetText(72, 100, t)).toMatch(/^target 99% yield at 95% confidence: MISSED \(72\/100 chips exact: yield ≤ 79\.\d% at 95%\)$/);
    expect(targetText(100, 100, t)).toBe(
      "target 99% yield at 95% confidence: not shown by 100 chips (100/100 exact: yield ≥ 97% at 95%; 299 of 299 exact would show it)",
    );
  });
  it("a 90 % target is met by 100/100 chips", () => {
    expect(checkTarget(100, 100, { yield: 0.9, confidence: 0.95 }).verdict).toBe("met");
  });
});
