// The closing φ round's lighting (compiler/calibrate/lab/closing.ts, docs/design/calibration.md §10.3): each
// pair of a row is dithered under the acceptance input that gives the pair the most light against
// the rest of its row, so the meeting dump sees the pair and little else. On add0's crosstalk die 20
// (the departure study's die, when the rule came in) the sum stage's pairs read with every worker lit kept
// their relative phases 35 mrad RMS off; lit apart, the die was exact and accepted, and with the
// spread subset of before (LabSetup.closingIsolate = false) inexact and refused. Die 20 has since
// been accepted at its first acceptance round, and on the code of 2026-11-27 the lighting decides no
// add0 crosstalk die of 0–99 (99/100 exact and accepted either way; with the ladder round off too,
// 96/100 either way), so what is checked is the lighting itself. On today's cells, of add0's
// crosstalk dies 0–47 and 49, dies 5, 23, 27 and 44 are refused at their first acceptance round
// and 27 alone is given closing passes: on die 27 the passes light the sum stage's 12 pairs with
// more of their row's light than the spread subset does (0.50 of it on average against 0.11), and the die comes out exact and accepted within
// the readings budget (290 readings per MZI). The two add0 sessions take about 10 s of CPU: the full tier.
import { describe, expect, it } from "vitest";
import { FULL } from "../helpers/tier.ts";
import { READINGS_PER_MZI } from "../../compiler/calibrate/lab/budget.ts";
import { roundReadings } from "../../compiler/calibrate/lab/rounds.ts";
import { LabSession } from "../../compiler/calibrate/lab/session.ts";
import { metaPairs } from "../../compiler/calibrate/lab/structure.ts";
import { checkCellOnFab } from "../../pipeline/calibrate/fabricated-die.ts";
import { labProgram, labSetup, measureRounds, simulatedLab, calibrateSession } from "../../pipeline/calibrate/from-readings.ts";
import { studyDie } from "../../scripts/lab-study-core.ts";
import { paperCell } from "./fab-fixtures.ts";

type Cell = ReturnType<typeof paperCell>;

/** A session of the crosstalk die d of `design`, and the share of its row's light each closing φ pair of `stage` (lab inputs) was lit with. */
function session(cell: Cell, design: string, d: number, closingIsolate: boolean, stage: string) {
  const { circuit, table } = cell;
  const die = studyDie(circuit, `paper_4x8.${design}`, d, ["crosstalk"]);
  const s = new LabSession(circuit, { ...labSetup(), closingIsolate }, labProgram(circuit, table));
  const rounds = measureRounds(s, simulatedLab(s, die, 7 + d));
  const { codes } = s.programCodes();
  const r = checkCellOnFab(calibrateSession(circuit, table, s).circuit, die, codes);
  const readings = rounds.reduce((a, x) => a + roundReadings(x.round.steps), 0);
  // Per dithered pair of the stage: its share of the row's lab light, min(P_e, P_partner) / Σ_row P (the partner: metaPairs).
  const st = s.struct;
  const lab = (e: number): number => {
    const input = st.stages.find((g) => g.part === st.entries[e]!.part)!.inputs[st.entries[e]!.input]!;
    if (input.kind !== "lab") throw new Error(`${st.entries[e]!.name}: not a lab input`);
    return input.lab;
  };
  const lit: number[] = [];
  for (const { round } of rounds) {
    if (round.kind !== "phase") continue;
    for (const g of round.groups) {
      if (g.kind !== "sweep" || !round.steps[g.steps[0]!]!.purpose.startsWith(`closing phase ${stage}/`)) continue;
      const row = st.stages.flatMap((x) => x.rows).find((x) => x.entries.includes(g.entry))!;
      const partner = metaPairs(row).find(([e]) => e === g.entry)![1];
      const p = round.steps[g.steps[0]!]!.powers;
      const total = row.entries.reduce((a, k) => a + p[lab(k)]!, 0);
      lit.push(Math.min(p[lab(g.entry)]!, p[lab(partner)]!) / total);
    }
  }
  return { session: s, exact: r.exact, cases: r.cases, readings, lit };
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

describe("the closing φ round lights each pair apart", () => {
  it.runIf(FULL)(
    "add0 crosstalk die 27: its closing passes light the sum stage's pairs with more of their row's light than the spread subset",
    () => {
      const cell = paperCell("add0");
      const run = (isolate: boolean) => session(cell, "add0", 27, isolate, "sum");
      const apart = run(true);
      // A refusal first, then closing passes, then the acceptance that passes.
      expect(apart.session.plan.filter((p) => p.kind === "accept").length).toBeGreaterThan(1);
      expect(apart.session.plan.some((p) => p.close !== undefined)).toBe(true);
      expect(apart.exact).toBe(apart.cases);
      expect(apart.session.acceptance?.pass).toBe(true);
      expect(apart.readings / apart.session.struct.entries.length).toBeLessThanOrEqual(READINGS_PER_MZI);
      // The planted fault: the spread subset of before lights the same pairs dimmer.
      const before = run(false);
      expect(apart.lit.length).toBeGreaterThan(0);
      expect(before.lit.length).toBe(apart.lit.length);
      expect(mean(apart.lit)).toBeGreaterThan(mean(before.lit));
    },
    180_000,
  );
});
