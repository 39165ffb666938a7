// A dead monitor photodiode worked around (compiler/calibrate/lab/dead-monitor.ts, docs/design/calibration.md
// §10.1): on dead-monitor divide0 die 14, threshold/e9's dump photodiode reads 0 A/W. The session names
// it from its flat fringe, reads threshold/e9's θ again at the fan-in monitor its light reaches
// (threshold/to1, one more round), and the program is exact on the true die and accepted. The planted
// fault: the same readings' session with the re-read switched off (LabSetup.reread = false: the θ left
// to its through fringe, as before) is inexact on the true die (13 of 16 inputs), and the acceptance
// round refuses it. Why die 14 (die 0 before): a step dump (die 0's step/e2) is now also the only
// meter of the gated threshold row that feeds its entry (each threshold row has its own step row,
// docs/design/digit-cells.md §2.2), so a dead one costs a gate re-read as well, and step/e6 (die 0's dead
// dump before) is alone in its row, with no fan-in monitor; of the dies whose one dead dump costs
// exactly one θ re-read, 14 is the first left inexact without it (dies 1 and 10 are exact either way).
import { describe, expect, it } from "vitest";
import { departDie } from "../../fab/departures.ts";
import { drawFabDie } from "../../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../../fab/technology.ts";
import { LabSession } from "../../compiler/calibrate/lab/session.ts";
import { checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import { labProgram, labSetup, measureRounds, simulatedLab, calibrateSession } from "../../pipeline/calibrate/from-readings.ts";
import { paperCell } from "./fab-fixtures.ts";

describe("a dead monitor photodiode", () => {
  it("is named from its readings and read past at a fan-in monitor; switched off, the die is inexact and refused", () => {
    const { circuit, table } = paperCell("divide0");
    const d = 14;
    const stream = 1000003 + d;
    const die = departDie(drawFabDie(circuit, FAB_TECHNOLOGIES.foundry!, stream, "dead monitor"), circuit, ["dead-monitor"], stream);
    // The planted fault of the die itself: exactly one photodiode dead, threshold/e9's dump.
    expect(die.monitors!.filter((m) => m.responsivityAW === 0).map((m) => m.name)).toEqual(["threshold/e9_dump"]);
    const run = (reread: boolean): { session: LabSession; exact: boolean } => {
      const session = new LabSession(circuit, { ...labSetup(), reread }, labProgram(circuit, table));
      measureRounds(session, simulatedLab(session, die, 7 + d));
      const { codes } = session.programCodes();
      const r = checkCellOnFab(calibrateSession(circuit, table, session).circuit, die, codes);
      return { session, exact: r.exact === r.cases };
    };
    const on = run(true);
    expect(on.session.deadMonitors).toEqual(["threshold/e9_dump"]);
    // One round more than the plan of a die whose monitors all read: threshold's θ re-read.
    const rereads = on.session.plan.filter((p) => p.reread);
    expect(rereads).toEqual([{ stage: 1, kind: "theta", reread: [{ entry: expect.any(Number), what: "theta" }] }]);
    expect(on.session.notes.get(on.session.struct.heaters.findIndex((h) => h.name === "threshold/e9.theta"))?.from).toMatch(
      /fan-in monitor/,
    );
    expect(on.exact).toBe(true);
    expect(on.session.acceptance?.pass).toBe(true);
    const off = run(false);
    expect(off.session.plan.some((p) => p.reread)).toBe(false);
    expect(off.exact).toBe(false);
    expect(off.session.acceptance?.pass).toBe(false);
  }, 120_000);
});
