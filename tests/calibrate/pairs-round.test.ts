// The near pairs in a phase round of their own (plan.ts planPairsRound; docs/calibration.md §12, "The
// pairs before the meta-MZIs"). A meta-MZI setting holds a dim entry at its operating θ through the
// estimated crosstalk; planned in the same round as the pairs, it used the couplings before they were
// read. On the quick start's crosstalk divide0 die 0 that left step/e4 (operating θ 0.35 rad) 0.3 rad
// off in its meta-MZI, nearly dark, its fringe 1.5 % deep and its relative phase read 1.4 rad wrong:
// 8 of 16 inputs, refused. The planted fault is the old order (LabSetup.pairsRound false).
import { describe, expect, it } from "vitest";
import type { LabSetup } from "../../compiler/calibrate/lab/session.ts";
import { realizedPhases } from "../../netlist/die/heaters.ts";
import { labSession, simulatedLab } from "../../pipeline/calibrate/from-readings.ts";
import { calibrateFab, checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import { studyDie } from "../../scripts/lab-study-core.ts";
import { paperCell } from "./fab-fixtures.ts";

const { circuit, table } = paperCell("divide0");
// The fixture's cell is the compile's; drawn under the compile's name, the die is the study's die 0.
const die = studyDie(circuit, "paper_4x8.divide0", 0, ["crosstalk"]);

/**
 * A whole session on the die: step/e4's true θ in its meta-MZI setting against its true θ at the
 * programmed codes (rad), the acceptance round's verdict, and the inputs exact on the true die.
 */
function run(setup: Partial<LabSetup>): { miss: number; accepted: boolean; exact: number } {
  const s = labSession(circuit, table, setup);
  const bench = simulatedLab(s, die, 7);
  const e4 = s.struct.entries.findIndex((e) => e?.name === "step/e4");
  let setting: Int32Array | null = null;
  while (!s.done) {
    const round = s.nextRound();
    const meta = round.groups.find((g) => g.kind === "sweep" && g.what === "meta" && g.entry === e4);
    if (meta && !setting) setting = round.steps[meta.steps[0]!]!.codes;
    s.absorb(round, bench.run(round.steps));
  }
  const { codes } = s.programCodes();
  const theta = s.struct.entries[e4]!.theta;
  return {
    miss: realizedPhases(die, setting!)[theta]! - realizedPhases(die, codes)[theta]!,
    accepted: s.acceptance!.pass,
    exact: checkCellOnFab(calibrateFab(circuit, table, s.estimatedDie).circuit, die, codes).exact,
  };
}

describe("the near pairs before the meta-MZIs", () => {
  it("hold a dim entry at its operating θ in its meta-MZI, and calibrate crosstalk divide0 die 0", () => {
    const now = run({});
    expect(Math.abs(now.miss)).toBeLessThan(0.1);
    expect(now.accepted).toBe(true);
    expect(now.exact).toBe(16);
    // Planted: the pairs at the start of the phase round, its settings planned without them.
    const old = run({ pairsRound: false });
    expect(Math.abs(old.miss)).toBeGreaterThan(0.2);
    expect(old.accepted).toBe(false);
    expect(old.exact).toBeLessThan(16);
  }, 120_000);
});
