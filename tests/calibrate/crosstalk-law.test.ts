// The crosstalk law is fitted to every pair read, by its size (compiler/calibrate/lab/crosstalk-law.ts,
// docs/design/calibration.md §8.3, "A law from pairs of either sign"). On the quick start's crosstalk divide0
// die 18 the sum stage's θ round reads three pairs at 20 µm and one at 40 µm, that one with the
// other sign. Fitted to the positive pairs only (the rule before, LabSetup.lawMagnitude false: the
// planted fault), one distance is left and there is no law: the sum stage runs with no modelled
// crosstalk and no near pairs read, its dim entry sum/e1 is scanned 0.30 rad off its estimated θ, and
// the die is refused (14 of 16 inputs exact).
import { describe, expect, it } from "vitest";
import { fitCrosstalkLaw } from "../../compiler/calibrate/lab/crosstalk-law.ts";
import type { LabSetup } from "../../compiler/calibrate/lab/session.ts";
import { realizedPhases } from "../../netlist/die/heaters.ts";
import { labSession, simulatedLab, calibrateSession } from "../../pipeline/calibrate/from-readings.ts";
import { checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import { studyDie } from "../../scripts/lab-study-core.ts";
import { paperCell } from "./fab-fixtures.ts";

describe("the crosstalk law", () => {
  // The pairs die 18's sum stage reads (κ at 20 µm three times, at 40 µm once, flipped).
  const read = [
    { d: 20, kappa: 0.0353 },
    { d: 40, kappa: -0.0091 },
    { d: 20, kappa: 0.039 },
    { d: 20, kappa: 0.0292 },
  ];

  it("is fitted to the pairs' sizes, a flipped pair included; only the positive ones leave one distance and no law", () => {
    const law = fitCrosstalkLaw(read)!;
    expect(law).not.toBeNull();
    // ln|κ| through (20, 0.0345 on average) and (40, 0.0091): λ = 20 µm / ln(0.0345/0.0091) ≈ 15 µm.
    expect(law.decayUm).toBeGreaterThan(13);
    expect(law.decayUm).toBeLessThan(17);
    expect(fitCrosstalkLaw(read, true)).toBeNull();
    // Every pair positive: the same law either way.
    const pos = read.map((p) => ({ ...p, kappa: Math.abs(p.kappa) }));
    expect(fitCrosstalkLaw(pos, true)).toEqual(fitCrosstalkLaw(pos));
  });

  it("on crosstalk divide0 die 18 models the sum stage's crosstalk from its first round, and the die is calibrated; fitted to the positive pairs, not", () => {
    const { circuit, table } = paperCell("divide0");
    const run = (setup: Partial<LabSetup>) => {
      const die = studyDie(circuit, "paper_4x8.divide0", 18, ["crosstalk"]);
      const s = labSession(circuit, table, setup);
      const bench = simulatedLab(s, die, 7 + 18);
      const e1 = s.struct.entries.findIndex((e) => e?.name === "sum/e1");
      let lawAfterSum = false;
      let scanMiss = Number.NaN;
      while (!s.done) {
        const round = s.nextRound();
        const scan = round.groups.find((g) => g.kind === "magnitude" && g.entry === e1);
        if (scan) {
          const codes = round.steps[scan.steps[0]!]!.codes;
          const h = s.struct.entries[e1]!.theta;
          scanMiss = realizedPhases(die, codes)[h]! - realizedPhases(s.estimatedDie, codes)[h]!;
        }
        s.absorb(round, bench.run(round.steps));
        if (round.kind === "theta" && round.stage === "sum") lawAfterSum = s.estimatedDie.crosstalk.length > 0;
      }
      const { codes } = s.programCodes();
      return {
        lawAfterSum,
        scanMiss,
        accepted: s.acceptance!.pass,
        exact: checkCellOnFab(calibrateSession(circuit, table, s).circuit, die, codes).exact,
      };
    };
    const now = run({});
    expect(now.lawAfterSum).toBe(true);
    expect(Math.abs(now.scanMiss)).toBeLessThan(0.1);
    expect(now.accepted).toBe(true);
    expect(now.exact).toBe(16);
    const old = run({ lawMagnitude: false });
    expect(old.lawAfterSum).toBe(false);
    expect(Math.abs(old.scanMiss)).toBeGreaterThan(0.2);
    expect(old.accepted).toBe(false);
    expect(old.exact).toBeLessThan(16);
  }, 120_000);
});
