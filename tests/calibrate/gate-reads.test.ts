// LabSession.gateReads (compiler/calibrate/lab/gate.ts): a round's gate sweeps as read, what
// scripts/lab-gate-check.ts compares with the true die (docs/design/calibration.md §10.1). On the study's
// crosstalk divide0 die 6, which the calibration refuses (15 of 16 inputs exact; die 16, used here
// before, is exact and accepted since each threshold row carries its own constant, and die 0 since
// the pairs round of docs/design/calibration.md §8.3), every step-stage gate sweep (8) reads, step for step, where the
// true die's ReLU passes light (its row field's real part positive). The planted fault, the true
// die's passes taken on the negated field (the ReLU's frame turned by π), disagrees with every sweep.
// With the law alone (LabSetup.lawDeparture false), the calibration that refuses this die (with the
// departure seen, law-departure.ts, its session differs).
import { describe, expect, it } from "vitest";
import { realizedPhases } from "../../netlist/die/heaters.ts";
import { dieEngine } from "../../netlist/lab/die-engine.ts";
import { labSession, simulatedLab } from "../../pipeline/calibrate/from-readings.ts";
import { studyDie } from "../../scripts/lab-study-core.ts";
import { paperCell } from "./fab-fixtures.ts";

describe("gate reads", () => {
  it("read where the true die's ReLU passes light, on a refused crosstalk die; turned by π, none agrees", () => {
    const { circuit, table } = paperCell("divide0");
    // The fixture's cell is the compile's; drawn under the compile's name, the die is the study's.
    const d = 6;
    const die = studyDie(circuit, "paper_4x8.divide0", d, ["crosstalk"]);
    const session = labSession(circuit, table, { lawDeparture: false });
    const bench = simulatedLab(session, die, 7 + d);
    const truth = dieEngine(session.struct.lc, die);
    let sweeps = 0;
    let agree = 0;
    let agreeTurned = 0;
    while (!session.done) {
      const round = session.nextRound();
      const readings = bench.run(round.steps);
      for (const r of session.gateReads(round, readings)) {
        if (r.group.row.part !== "step") continue;
        const re = r.group.steps.map((s) => {
          const st = round.steps[s]!;
          return truth.fields(realizedPhases(die, st.codes), st.powers).pin(`${r.group.row.part},out${r.group.row.index}`)[0];
        });
        sweeps++;
        if (re.every((x, k) => x > 0 === r.open[k])) agree++;
        if (re.every((x, k) => -x > 0 === r.open[k])) agreeTurned++;
      }
      session.absorb(round, readings);
    }
    expect(session.acceptance?.pass).toBe(false);
    expect(sweeps).toBeGreaterThanOrEqual(8);
    expect(agree).toBe(sweeps);
    expect(agreeTurned).toBe(0);
  }, 120_000);
});
