// heater-update.ts: a fringe fit whose efficiency ran off the band the fit searched is no reading of
// that heater's efficiency (docs/calibration.md §12, "Efficiencies read off their band"). On the
// quick start's crosstalk divide0 die 0, with the near pairs read in the phase round itself (the
// order before the pairs round, LabSetup.pairsRound false), the estimate predicts the meta-MZI of
// step/e3 (the row's reference) against the dim step/e4 as no fringe: the prediction's fit stops at
// 0.4× nominal, the clamp of fringe-fit.ts, and the rule before (LabSetup.etaBand false, the planted
// fault) added measured − predicted η twice per update: the estimate ended at 2.4× the true η. On
// the fixture's divide0 die 18 the reading itself stops at the clamp (in today's order), and the
// rule before drove the efficiency below zero (kept at 10⁻⁶).
import { describe, expect, it } from "vitest";
import { ETA_BAND } from "../../compiler/calibrate/lab/readings-fit.ts";
import type { LabSetup } from "../../compiler/calibrate/lab/session.ts";
import type { Circuit, PhaseTable } from "../../netlist/ir.ts";
import { labSession, measureRounds, simulatedLab } from "../../pipeline/calibrate/from-readings.ts";
import { studyDie } from "../../scripts/lab-study-core.ts";
import { paperCell } from "./fab-fixtures.ts";

/** One heater's estimated η over its true η after a whole session on a crosstalk die, and how it was identified. */
function etaAfter(name: string, circuit: Circuit, table: PhaseTable, d: number, entry: string, setup: Partial<LabSetup> = {}) {
  const die = studyDie(circuit, name, d, ["crosstalk"]);
  const s = labSession(circuit, table, setup);
  measureRounds(s, simulatedLab(s, die, 7 + d));
  const heater = s.struct.entries.find((e) => e?.name === entry)!.phi;
  const inBand = s.estimatedDie.heaters.every(
    (h) => h.radPerMw / s.setup.etaNominal > ETA_BAND.lo && h.radPerMw / s.setup.etaNominal < ETA_BAND.hi,
  );
  return { ratio: s.estimatedDie.heaters[heater]!.radPerMw / die.heaters[heater]!.radPerMw, from: s.notes.get(heater)!.from, inBand };
}

describe("efficiencies read off their band", () => {
  it("move only the offset where the prediction ran off (quick start's divide0, crosstalk die 0, step/e3, pairs in the phase round)", () => {
    // The fixture's cell is the compile's; drawn under the compile's name, the die is the study's.
    const { circuit, table } = paperCell("divide0");
    const banded = etaAfter("paper_4x8.divide0", circuit, table, 0, "step/e3", { pairsRound: false });
    expect(banded.from).toMatch(/offset only/);
    expect(Math.abs(banded.ratio - 1)).toBeLessThan(0.1);
    expect(banded.inBand).toBe(true);
    // Planted: every fit taken, as before.
    const before = etaAfter("paper_4x8.divide0", circuit, table, 0, "step/e3", { pairsRound: false, etaBand: false });
    expect(before.from).not.toMatch(/offset only|not read/);
    expect(before.ratio).toBeGreaterThan(2);
    expect(before.inBand).toBe(false);
  }, 120_000);

  it("take nothing from a reading that ran off (the fixture's divide0, crosstalk die 18, step/e3)", () => {
    const { circuit, table } = paperCell("divide0");
    const banded = etaAfter("divide0", circuit, table, 18, "step/e3");
    expect(banded.from).toMatch(/not read/);
    expect(Math.abs(banded.ratio - 1)).toBeLessThan(0.2);
    const before = etaAfter("divide0", circuit, table, 18, "step/e3", { etaBand: false });
    expect(before.ratio).toBeLessThan(0.2);
  }, 120_000);
});
