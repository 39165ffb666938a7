// The trip round (compiler/calibrate/lab/trip.ts, docs/design/calibration.md §10.4): after a refusal and its
// closing passes, where each threshold row's ReLU trips is read over input sums at the programmed
// codes, and each row's signal gain moved until the estimate predicts those readings. On divide0's
// crosstalk die 37 (the departure study's die) a threshold row tripped off the estimate's sum by enough
// to decode one input wrong; with the trip round the die is exact and accepted. The planted fault:
// the same die without it (LabSetup.trips = false) is inexact and refused. Checked on the true die,
// independently of the estimate: where each threshold row trips at the final codes.
import { describe, expect, it } from "vitest";
import { READINGS_PER_MZI } from "../../compiler/calibrate/lab/budget.ts";
import { roundReadings } from "../../compiler/calibrate/lab/rounds.ts";
import { LabSession } from "../../compiler/calibrate/lab/session.ts";
import { realizedPhases, type FabDie } from "../../netlist/die/heaters.ts";
import { dieEngine } from "../../netlist/lab/die-engine.ts";
import { digitPowers } from "../../netlist/lab/optics.ts";
import { checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import { calibrateSession, labProgram, labSetup, measureRounds, simulatedLab } from "../../pipeline/calibrate/from-readings.ts";
import { studyDie } from "../../scripts/lab-study-core.ts";
import { paperCell } from "./fab-fixtures.ts";

const { circuit, table } = paperCell("divide0");
const die = studyDie(circuit, "paper_4x8.divide0", 37, ["crosstalk"]);

/** The sum (every in port at sum/ports digits) where a row's field on `d` at `codes` stops passing its ReLU, to 0.01. */
function trueTrip(s: LabSession, d: FabDie, codes: Int32Array, bias: ReadonlyMap<string, number>, pin: string): number {
  const lc = s.struct.lc;
  const ports = lc.inputs.filter((i) => i.name.startsWith("in")).length;
  const eng = dieEngine(lc, d);
  const phases = realizedPhases(d, codes);
  const open = (sum: number): boolean => eng.fields(phases, digitPowers(lc, 4, bias, new Array(ports).fill(sum / ports))).pin(pin)[0] > 0;
  const first = open(0);
  for (let sum = 0.01; sum <= ports * 3 + 1; sum += 0.01) if (open(sum) !== first) return sum;
  return Number.NaN;
}

function run(trips: boolean) {
  const s = new LabSession(circuit, { ...labSetup(), trips }, labProgram(circuit, table));
  const rounds = measureRounds(s, simulatedLab(s, die, 7 + 37));
  const { codes, bias } = s.programCodes();
  const r = checkCellOnFab(calibrateSession(circuit, table, s).circuit, die, codes);
  const thresholds = s.struct.stages.find((g) => g.part.endsWith("threshold"))!;
  // Each threshold row's trip on the true die against the estimate's own (the program's intent); the
  // bias-only row has none.
  const miss = thresholds.rows
    .filter((row) => row.entries.length === 2)
    .map((row) => {
      const pin = `${row.part},out${row.index}`;
      return Math.abs(trueTrip(s, die, codes, bias, pin) - trueTrip(s, s.estimatedDie, codes, bias, pin));
    });
  return {
    exact: r.exact,
    cases: r.cases,
    pass: s.acceptance?.pass,
    trips: rounds.filter((x) => x.round.kind === "trip").length,
    readings: rounds.reduce((a, x) => a + roundReadings(x.round.steps), 0) / s.struct.entries.length,
    miss: Math.max(...miss),
  };
}

describe("the trip round", () => {
  it("divide0 crosstalk die 37: exact and accepted, its threshold rows tripping where the estimate says; without it, inexact and refused", () => {
    const on = run(true);
    expect(on.trips).toBe(1);
    expect(on.exact).toBe(on.cases);
    expect(on.pass).toBe(true);
    expect(on.readings).toBeLessThanOrEqual(READINGS_PER_MZI);
    // Planted fault: no trip round. The closing passes alone leave a row's trip off and the die refused.
    const off = run(false);
    expect(off.trips).toBe(0);
    expect(off.exact).toBeLessThan(off.cases);
    expect(off.pass).toBe(false);
    expect(on.miss).toBeLessThan(0.1);
    expect(off.miss).toBeGreaterThan(2 * on.miss);
  }, 120_000);
});
