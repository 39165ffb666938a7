// A dead fan-in monitor of a gated two-entry row (compiler/calibrate/lab/gated-pair.ts,
// docs/design/calibration.md §10.1): on dead-monitor divide0 die 12, threshold/to5 — where threshold/e11 and
// threshold/e12 meet (threshold/e9 and e10 before each threshold row had its companion row of the
// constant, docs/design/digit-cells.md §2.2) — reads 0 A/W. Their pair is read again past it at step/e2's
// dump, behind the ReLU; with the gate held open (the reference at row phase 0, the swept entry
// dimmed at its lab port), and the reference's own sweep held open by its partner in one more round,
// the program is exact on the true die and accepted (the pair's relative phase 4 mrad off at the
// programmed codes). The planted fault: the open gate switched off (LabSetup.openGate = false: the
// pair read through the gate as it falls, as before) leaves that relative phase 0.89 rad off, 15 of
// 16 inputs exact and refused.
import { describe, expect, it } from "vitest";
import { departDie } from "../../fab/departures.ts";
import { drawFabDie } from "../../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../../fab/technology.ts";
import { LabSession } from "../../compiler/calibrate/lab/session.ts";
import { checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import { labProgram, labSetup, measureRounds, simulatedLab, calibrateSession } from "../../pipeline/calibrate/from-readings.ts";
import { paperCell } from "./fab-fixtures.ts";

describe("a dead fan-in monitor of a gated row", () => {
  it("is read past with the ReLU held open; switched off, the die is inexact and refused", () => {
    const { circuit, table } = paperCell("divide0");
    const d = 12;
    const stream = 1000003 + d;
    const die = departDie(drawFabDie(circuit, FAB_TECHNOLOGIES.foundry!, stream, "dead fan-in"), circuit, ["dead-monitor"], stream);
    expect(die.monitors!.filter((m) => m.responsivityAW === 0).map((m) => m.name)).toEqual(["threshold/to5"]);
    const run = (openGate: boolean): { session: LabSession; exact: boolean } => {
      const session = new LabSession(circuit, { ...labSetup(), openGate }, labProgram(circuit, table));
      measureRounds(session, simulatedLab(session, die, 7 + d));
      const { codes } = session.programCodes();
      const r = checkCellOnFab(calibrateSession(circuit, table, session).circuit, die, codes);
      return { session, exact: r.exact === r.cases };
    };
    const on = run(true);
    expect(on.session.deadMonitors).toEqual(["threshold/to5"]);
    // Two re-read rounds of threshold's phase: threshold/e12 held open by the reference, then the reference (threshold/e11) by it.
    const name = (e: number): string => on.session.struct.entries[e]!.name;
    const rereads = on.session.plan.filter((p) => p.reread).map((p) => p.reread!.map((r) => `${r.what} ${name(r.entry)}`));
    expect(rereads).toEqual([["meta threshold/e12"], ["meta threshold/e11"]]);
    expect(on.exact).toBe(true);
    expect(on.session.acceptance?.pass).toBe(true);
    const off = run(false);
    expect(off.session.plan.filter((p) => p.reread).length).toBe(1);
    expect(off.exact).toBe(false);
    expect(off.session.acceptance?.pass).toBe(false);
  }, 180_000);
});
