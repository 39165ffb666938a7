// A dead monitor photodiode worked around (compiler/calibrate/lab/dead-monitor.ts, docs/calibration.md
// §9): on the first dead-monitor divide0 die, step/e6's dump photodiode reads 0 A/W. The session names
// it from its flat fringe, reads step/e6's θ again at the fan-in monitor its light reaches (one more
// round), and the program is exact on the true die and accepted. The planted fault: the same readings'
// session with the re-read switched off (LabSetup.reread = false: the θ left to its through fringe, as
// before) is inexact on the true die, and the acceptance round refuses it.
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
    const stream = 1000003;
    const die = departDie(drawFabDie(circuit, FAB_TECHNOLOGIES.foundry!, stream, "dead monitor"), circuit, ["dead-monitor"], stream);
    // The planted fault of the die itself: exactly one photodiode dead, step/e6's dump.
    expect(die.monitors!.filter((m) => m.responsivityAW === 0).map((m) => m.name)).toEqual(["step/e6_dump"]);
    const run = (reread: boolean): { session: LabSession; exact: boolean } => {
      const session = new LabSession(circuit, { ...labSetup(), reread }, labProgram(circuit, table));
      measureRounds(session, simulatedLab(session, die, 7));
      const { codes } = session.programCodes();
      const r = checkCellOnFab(calibrateSession(circuit, table, session).circuit, die, codes);
      return { session, exact: r.exact === r.cases };
    };
    const on = run(true);
    expect(on.session.deadMonitors).toEqual(["step/e6_dump"]);
    // One round more than the plan of a die whose monitors all read: step's θ re-read.
    const rereads = on.session.plan.filter((p) => p.reread);
    expect(rereads).toEqual([{ stage: 2, kind: "theta", reread: [{ entry: expect.any(Number), what: "theta" }] }]);
    expect(on.session.notes.get(on.session.struct.heaters.findIndex((h) => h.name === "step/e6.theta"))?.from).toMatch(/fan-in monitor/);
    expect(on.exact).toBe(true);
    expect(on.session.acceptance?.pass).toBe(true);
    const off = run(false);
    expect(off.session.plan.some((p) => p.reread)).toBe(false);
    expect(off.exact).toBe(false);
    expect(off.session.acceptance?.pass).toBe(false);
  }, 120_000);
});
