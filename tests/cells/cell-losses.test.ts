// A cell's biases and detector step are set for the technology block's nominal MZI loss, so the
// compile checks every cell over its whole input space twice: with ideal parts, and at that loss
// alone (verify/cells/cell-verify.ts verifyCellAtLosses). The two checks answer different
// questions, and each can fail where the other passes.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { planDigitChip } from "../../aggregate/digit-plan.ts";
import { flatUnit } from "../../aggregate/unit.ts";
import { chipCircuits } from "../../compiler/cells/chip-circuits.ts";
import { writeCellInfo } from "../../aggregate/circuit-info.ts";
import { loadSpec } from "../../dsl/load.ts";
import { circuitFromPhaseTable } from "../../netlist/formats/from-phase-table.ts";
import { compileClosedForm } from "../../pipeline/compile/closed-form.ts";
import { closedFormSummary } from "../../pipeline/report/closed-form-summary.ts";
import { verifyCellAtLosses } from "../../verify/cells/cell-verify.ts";

const chip = planDigitChip(flatUnit(4, 8, 4, "nearest-even"));

/** paper-4x8's cell circuits with their biases set for `designDb`, checked at `checkDb`. */
function checks(designDb: number, checkDb: number) {
  return chipCircuits(chip, { levels: 4, headroom: 0.9, mziLossDb: designDb }).map((d) => {
    const c = circuitFromPhaseTable(d.table, d.name);
    c.info = { ...c.info, ...writeCellInfo(d, chip) };
    return { name: d.name, ...verifyCellAtLosses(c, checkDb) };
  });
}

describe("cells checked at two losses", () => {
  it("paper-4x8 as compiled (0.1 dB): every design exact with ideal parts and at 0.1 dB", () => {
    for (const r of checks(0.1, 0.1)) {
      expect(r.ideal.exact, r.name).toBe(r.ideal.cases);
      expect(r.atLoss!.exact, r.name).toBe(r.atLoss!.cases);
      expect(r.atLoss!.cases).toBe(r.ideal.cases);
    }
  });

  it("at 0 dB there is one check: atLoss is null", () => {
    for (const r of checks(0, 0)) expect(r.atLoss).toBeNull();
  });

  it("biases set for no loss fail at 1 dB: the loss check sees what the ideal check cannot", () => {
    const rs = checks(0, 1);
    for (const r of rs) expect(r.ideal.exact, r.name).toBe(r.ideal.cases);
    expect(rs.some((r) => r.atLoss!.exact < r.atLoss!.cases)).toBe(true);
  });

  it("biases set for 1 dB are exact at 1 dB but not with ideal parts: the ideal check sees what the loss check cannot", () => {
    const rs = checks(1, 1);
    for (const r of rs) expect(r.atLoss!.exact, r.name).toBe(r.atLoss!.cases);
    expect(rs.some((r) => r.ideal.exact < r.ideal.cases)).toBe(true);
  });
});

describe("docs/formats.md §5", () => {
  it("quotes add0's counts as measured here", () => {
    const doc = readFileSync("docs/formats.md", "utf8").replace(/\s+/g, " ");
    const set1 = checks(1, 1).find((r) => r.name === "add0")!;
    const set0 = checks(0, 1).find((r) => r.name === "add0")!;
    expect(doc).toContain(
      `with biases set for 1 dB, paper-4x8's add0 decodes ${set1.ideal.exact} of its ${set1.ideal.cases} inputs with ideal parts and all ${set1.atLoss!.cases} at 1 dB; set for 0 dB, it decodes ${set0.atLoss!.exact} of ${set0.atLoss!.cases} at 1 dB`,
    );
    expect(set1.atLoss!.exact).toBe(set1.atLoss!.cases);
  });
});

describe("the compile's report and line", () => {
  const spec = (loss: string) =>
    loadSpec(
      "t.optinc",
      `aggregator t { workers = 2  precision = 4 bits  levels = 4  rounding = nearest-even  preprocess = digit-sum  route = closed-form  technology { mzi_loss = ${loss} dB  phase_noise = 0 rad  splitter_imbalance = 0 } }`,
    ).checked!;

  it("say both checks, and a cell inexact at either makes the report not ok", () => {
    const good = compileClosedForm(spec("0.1"), { skipEvaluation: true, toleranceTrials: 0 });
    expect(
      good.report.cells.every((c) => c.atDesignLoss?.mziLossDb === 0.1 && c.atDesignLoss.exact === c.cases && c.exact === c.cases),
    ).toBe(true);
    expect(good.report.ok).toBe(true);
    expect(closedFormSummary(good.report, (s) => s)[1]).toMatch(
      /exact over all \d+ raw inputs with ideal parts, \d+ at the 0\.1 dB MZI loss their biases are set for/,
    );
    const lossy = compileClosedForm(spec("1"), { skipEvaluation: true, toleranceTrials: 0 });
    expect(lossy.report.cells.every((c) => c.atDesignLoss!.exact === c.cases)).toBe(true);
    expect(lossy.report.cells.some((c) => c.exact < c.cases)).toBe(true);
    expect(lossy.report.ok).toBe(false);
  });
});
