// A linear part's common output phase matters only where a later part mixes its light with other
// light (compiler/calibrate/common-phase.ts): the closed-form cells' unheated output sections leave
// such a phase where the DAC's grid keeps the stage's own shifters from removing it.
import { describe, expect, it } from "vitest";
import { commonPhaseMatters, topView as viewOf, type TopView } from "../../compiler/calibrate/common-phase.ts";
import { readNetlistJson } from "../../netlist/formats/json-io.ts";
import { compiledExample } from "../helpers/examples.ts";

describe("a linear part's common output phase", () => {
  const divide0 = readNetlistJson(compiledExample("paper-4x8").files.get("paper_4x8.divide0.netlist.json")!);

  it("does not matter in a closed-form cell: its bias light passes the first stage with the signals", () => {
    const v = viewOf(divide0);
    for (const part of ["sum", "threshold", "step", "digits"]) expect(commonPhaseMatters(v, part), part).toBe(false);
  });

  it("matters where a later stage takes light of its own (planted: a fresh bias into the threshold stage)", () => {
    const v = viewOf(divide0);
    const planted: TopView = {
      names: [...v.names, "fresh_bias"],
      feeds: (n) => (n === "threshold" ? [...v.feeds(n), "fresh_bias"] : n === "fresh_bias" ? [] : v.feeds(n)),
      kind: (n) => (n === "fresh_bias" ? "other" : v.kind(n)),
    };
    expect(commonPhaseMatters(planted, "sum")).toBe(true);
    // after the threshold stage everything has passed through it: its own phase is common again
    expect(commonPhaseMatters(planted, "threshold")).toBe(false);
  });
});
