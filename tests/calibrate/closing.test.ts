// Closing rounds at the operating point (compiler/calibrate/lab/closing.ts, docs/design/calibration.md §10.3,
// §12): on a divide0 die whose crosstalk departs from the fitted law (die 0 of the departure study, docs/studies/calibration.md §6), the
// first acceptance round refuses the program; the session then dithers every θ and every anchored
// φ around its programmed code with the rest of the cell as programmed, moves the offsets by what
// the dithers read, repeats while they still move, and the acceptance round again passes a program
// exact on the true die. The planted fault: the same die with the closing rounds off
// (LabSetup.closing = false) is inexact and refused, as before them (14 of 16 inputs exact; with
// them 16 of 16, at 247.5 readings per MZI).
import { describe, expect, it } from "vitest";
import { departDie } from "../../fab/departures.ts";
import { drawFabDie } from "../../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../../fab/technology.ts";
import { READINGS_PER_MZI } from "../../compiler/calibrate/lab/budget.ts";
import { roundReadings } from "../../compiler/calibrate/lab/lab-files.ts";
import { LabSession } from "../../compiler/calibrate/lab/session.ts";
import { checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import { labProgram, labSetup, measureRounds, simulatedLab, calibrateSession } from "../../pipeline/calibrate/from-readings.ts";
import { paperCell } from "./fab-fixtures.ts";

describe("closing rounds at the operating point", () => {
  it("turn a refused crosstalk die exact and accepted; switched off, it stays inexact and refused", () => {
    const { circuit, table } = paperCell("divide0");
    const d = 0;
    const stream = 1000003 + d;
    const die = departDie(drawFabDie(circuit, FAB_TECHNOLOGIES.foundry!, stream, "crosstalk"), circuit, ["crosstalk"], stream);
    const run = (closing: boolean): { session: LabSession; exact: number; cases: number; readings: number } => {
      // The law alone (lawDeparture false): with the departure seen (law-departure.ts) this die is
      // exact before any closing round; closing is what this test is about.
      const session = new LabSession(circuit, { ...labSetup(), closing, lawDeparture: false }, labProgram(circuit, table));
      const rounds = measureRounds(session, simulatedLab(session, die, 7 + d));
      const { codes } = session.programCodes();
      const r = checkCellOnFab(calibrateSession(circuit, table, session).circuit, die, codes);
      const readings = rounds.reduce((a, r) => a + roundReadings(r.round.steps), 0);
      return { session, exact: r.exact, cases: r.cases, readings };
    };
    const off = run(false);
    expect(off.session.plan.some((p) => p.close !== undefined)).toBe(false);
    expect(off.exact).toBeLessThan(off.cases);
    expect(off.session.acceptance?.pass).toBe(false);
    const on = run(true);
    // The first acceptance refused, then closing passes (θ, φ) and the acceptance again.
    const kinds = on.session.plan.map((p) => (p.close ? `${p.kind}${p.close}` : p.kind));
    expect(kinds.filter((k) => k === "accept")).toHaveLength(2);
    expect(kinds.slice(kinds.indexOf("accept") + 1, kinds.indexOf("accept") + 3)).toEqual(["theta1", "phase1"]);
    expect(kinds.at(-1)).toBe("accept");
    expect(on.exact).toBe(on.cases);
    expect(on.session.acceptance?.pass).toBe(true);
    expect(on.readings / on.session.struct.entries.length).toBeLessThanOrEqual(READINGS_PER_MZI);
  }, 180_000);
});
