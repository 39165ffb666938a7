// The program a session loads keeps its parked heaters (output phases, a replica row's φ) at code 0
// (compiler/calibrate/lab/stage-physics.ts programCodes). They used to be solved with the rest and
// then set to 0, which took away the heat the solve had counted on their neighbours whenever a
// parked target wrapped to a full turn's power. On a divide0 die whose crosstalk departs from its
// law (fab/departures.ts `crosstalk`) that program decoded 13 of 16 inputs on the session's own
// estimated die and 8 of 16 on the true one; held at 0 in the solve, 16 and 16, and accepted.
import { describe, expect, it } from "vitest";
import { departDie } from "../../fab/departures.ts";
import { drawFabDie } from "../../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../../fab/technology.ts";
import { realizedPhases } from "../../netlist/die/heaters.ts";
import { checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import { simulateLab } from "../../pipeline/calibrate/simulated-session.ts";
import { paperCell } from "./fab-fixtures.ts";

describe("programCodes with parked heaters", () => {
  const { circuit, table } = paperCell("divide0");
  const seed = 1000004;
  const die = departDie(drawFabDie(circuit, FAB_TECHNOLOGIES.foundry!, seed, "departing"), circuit, ["crosstalk"], seed);
  const run = simulateLab(circuit, table, die, 8);
  const est = run.session.estimatedDie;

  it("decodes every input on the session's own estimate, and on the true die", () => {
    expect(checkCellOnFab(run.calibrated.circuit, est, run.codes).exact).toBe(16);
    expect(checkCellOnFab(run.calibrated.circuit, die, run.codes).exact).toBe(16);
    expect(run.session.acceptance?.pass).toBe(true);
  });

  it("holds every parked heater at 0 and realizes the oracle program's phases elsewhere", () => {
    // run.calibrated solves every heater (none parked) on the same estimate: off the parked heaters
    // and the entries that carry their misses, the two programs realize the same θs.
    const parked = run.session.struct.parked;
    for (const h of parked) expect(run.codes[h]).toBe(0);
    const a = realizedPhases(est, run.codes);
    const b = realizedPhases(est, run.calibrated.codes);
    for (const e of run.session.struct.entries) expect(Math.abs(a[e.theta]! - b[e.theta]!)).toBeLessThan(2e-3);
  });
});
