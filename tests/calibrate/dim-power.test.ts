// More laser power where a meta-MZI fringe is dim (compiler/calibrate/lab/dim-power.ts,
// docs/design/calibration.md §8.2). cluster-16's level-2 add2 lights its output stage through upstream
// entries at |σ| 0.1–0.2, so its meta-MZI fringes sat at 0.04–0.5 nA beside the readout's 30 pA and
// die 0 decoded 640 of 1280 inputs, refused. Fast: on the nominal estimate, the output stage's
// meta-MZI settings the rule calls dim are raised to the target amplitude or the cap, and with the
// rule off (LabSetup.dimPower = false, the planted fault) they stay dim. Full tier (a whole add2
// session is 10–15 s of CPU, twice): die 12 exact and accepted (over the readings budget, which the
// sum row's 16 dumps fill); with the rule off, inexact (640 of 1280) and refused. Of dies 0–12,
// die 12 is the first that needs it.
import { describe, expect, it } from "vitest";
import { drawFabDie } from "../../fab/draw.ts";
import { FAB_TECHNOLOGIES } from "../../fab/technology.ts";
import { DIM_FRINGE_MW, MAX_POWER_RATIO, brightenDim, fringeAmplitude } from "../../compiler/calibrate/lab/dim-power.ts";
import { roundReadings } from "../../compiler/calibrate/lab/lab-files.ts";
import { READINGS_PER_MZI } from "../../compiler/calibrate/lab/budget.ts";
import { LabSession } from "../../compiler/calibrate/lab/session.ts";
import { newSessionState } from "../../compiler/calibrate/lab/session-state.ts";
import { programCodes } from "../../compiler/calibrate/lab/program-codes.ts";
import { engine, metaSetting } from "../../compiler/calibrate/lab/stage-physics.ts";
import { meetingSite, metaPairs } from "../../compiler/calibrate/lab/structure.ts";
import { checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import { labProgram, labSetup, measureRounds, simulatedLab, calibrateSession } from "../../pipeline/calibrate/from-readings.ts";
import { FULL } from "../helpers/tier.ts";
import { clusterCell } from "./fab-fixtures.ts";

describe("more laser power where a meta-MZI fringe is dim", () => {
  const { circuit, table } = clusterCell(2, "add2");

  it("raises the output stage's dim meta-MZI settings to the target or the cap; switched off, they stay dim", () => {
    const amps = (dimPower: boolean): { before: number; after: number }[] => {
      const state = newSessionState(circuit, { ...labSetup(), dimPower }, labProgram(circuit, table));
      const stage = state.struct.stages.at(-1)!;
      const program = programCodes(state).codes;
      // The upstream stages as programmed, as plan.ts sets them for a stage's phase round.
      const codes = Int32Array.from(program, (c, h) => (state.struct.heaters[h]!.name.startsWith(`${stage.part}/`) ? 0 : c));
      const eng = engine(state);
      const out: { before: number; after: number }[] = [];
      for (const row of stage.rows)
        for (const [e, partner] of metaPairs(row)) {
          const site = meetingSite(state.struct, e, partner);
          if (site === undefined) continue;
          const lit = metaSetting(state, stage, { codes, program }, eng, e, partner);
          const phi = state.struct.entries[e]!.phi;
          const before = fringeAmplitude(state, eng, lit.powers, lit.codes, phi, site);
          const powers = brightenDim(state, eng, lit.powers, lit.codes, phi, site);
          out.push({ before, after: fringeAmplitude(state, eng, powers, lit.codes, phi, site) });
        }
      return out;
    };
    const on = amps(true);
    const dim = on.filter((a) => a.before < DIM_FRINGE_MW);
    expect(dim.length).toBeGreaterThan(10);
    for (const a of dim) expect(a.after).toBeGreaterThanOrEqual(Math.min(DIM_FRINGE_MW, MAX_POWER_RATIO * a.before) * 0.999);
    for (const a of on.filter((x) => x.before >= DIM_FRINGE_MW)) expect(a.after).toBe(a.before);
    const off = amps(false);
    expect(off.filter((a) => a.after < DIM_FRINGE_MW)).toHaveLength(dim.length);
  }, 60_000);

  it.runIf(FULL)(
    "makes add2's die 12 exact and accepted; switched off, it is inexact and refused",
    () => {
      const d = 12;
      const stream = 1000003 + d;
      // The die scripts/lab-study.ts draws for cluster_16.L2.add2's die 12.
      const die = drawFabDie(circuit, FAB_TECHNOLOGIES.foundry!, stream, `cluster_16.L2.add2 fab ${d}`);
      const run = (dimPower: boolean): { exact: number; cases: number; pass: boolean; perMzi: number } => {
        const session = new LabSession(circuit, { ...labSetup(), dimPower }, labProgram(circuit, table));
        const rounds = measureRounds(session, simulatedLab(session, die, 7 + d));
        const { codes } = session.programCodes();
        const r = checkCellOnFab(calibrateSession(circuit, table, session).circuit, die, codes);
        const readings = rounds.reduce((a, x) => a + roundReadings(x.round.steps), 0);
        return {
          exact: r.exact,
          cases: r.cases,
          pass: session.acceptance?.pass === true,
          perMzi: readings / session.struct.entries.length,
        };
      };
      const on = run(true);
      expect(on.exact).toBe(on.cases);
      expect(on.pass).toBe(true);
      // Over the 300 budget: a wide meter's every dump is still read
      // (docs/design/calibration.md §8.2, cluster-16).
      expect(on.perMzi).toBeGreaterThan(READINGS_PER_MZI);
      const off = run(false);
      expect(off.exact).toBeLessThan(off.cases);
      expect(off.pass).toBe(false);
    },
    300_000,
  );
});
